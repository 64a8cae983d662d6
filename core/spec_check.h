#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/device_spec.h"

namespace pcie_bar {

// A key of a device spec, named as in the YAML config relative to the device ("window.size",
// "verify[1].offset"), and what is wrong with it.
struct SpecProblem {
  std::string key;
  std::string message;
};

// Whether the window and verify probes of `spec` fit a BAR of `bar_size` bytes. The config
// loader checks sim devices with it; real devices are checked once their BAR is open.
std::optional<SpecProblem> check_fits_bar(const DeviceSpec& spec, uint64_t bar_size);

// For a spec with fit_defaults_to_bar: the window shrunk to the BAR, block sizes beyond it and
// probes outside it dropped. Other specs are returned unchanged.
DeviceSpec fit_to_bar(DeviceSpec spec, uint64_t bar_size);

}  // namespace pcie_bar
