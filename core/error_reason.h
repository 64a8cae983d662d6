#pragma once
// Why a device is down: the reason label of pcie_bar_device_errors_total, the "reason" of the
// service's log, and the kind of every DeviceError. The names are label values dashboards and
// alerts match on: never rename one.

#include <span>

#include "core/named_enum.h"

namespace pcie_bar {

enum class ErrorReason { kOpen, kIo, kGone, kBusError, kAllOnes, kTimeout };

inline constexpr NamedValue<ErrorReason> kErrorReasons[] = {
    {ErrorReason::kOpen, "open", "the device or its BAR could not be opened"},
    {ErrorReason::kIo, "io", "an access or a system call on the BAR failed"},
    {ErrorReason::kGone, "gone", "the device was removed, or the sim file deleted or truncated"},
    {ErrorReason::kBusError, "bus_error", "an access raised SIGBUS: the mapping went away"},
    {ErrorReason::kAllOnes, "all_ones", "every read returned all-ones (0xff...): the device does not answer"},
    {ErrorReason::kTimeout, "timeout", "a run took longer than sweep.timeout"},
};
static_assert(is_complete_table(kErrorReasons));

constexpr std::span<const NamedValue<ErrorReason>> name_table(ErrorReason) { return kErrorReasons; }
constexpr const char* error_reason_name(ErrorReason r) { return name_of(r); }

}  // namespace pcie_bar
