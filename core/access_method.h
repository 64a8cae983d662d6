#pragma once
// How accesses reach the device: access.method in the config, access_method in the JSON report.

#include <span>

#include "core/named_enum.h"

namespace pcie_bar {

enum class AccessMethod { kMmap, kSyscall };

inline constexpr NamedValue<AccessMethod> kAccessMethods[] = {
    {AccessMethod::kMmap, "mmap", "CPU loads and stores on a mapping of the BAR"},
    {AccessMethod::kSyscall, "syscall", "one pread/pwrite system call per access"},
};
static_assert(is_complete_table(kAccessMethods));

constexpr std::span<const NamedValue<AccessMethod>> name_table(AccessMethod) { return kAccessMethods; }
constexpr const char* access_method_name(AccessMethod m) { return name_of(m); }

}  // namespace pcie_bar
