#include "core/spec_check.h"

#include <algorithm>

#include "core/hex.h"

namespace pcie_bar {

std::optional<SpecProblem> check_fits_bar(const DeviceSpec& d, uint64_t bar_size) {
  const std::string bar = "BAR" + std::to_string(d.bar) + " size " + hex(bar_size);
  if (d.window.offset >= bar_size) return SpecProblem{"window.offset", hex(d.window.offset) + " is outside the " + bar};
  if (d.window.size > bar_size - d.window.offset)
    return SpecProblem{"window.size",
                       "window " + hex(d.window.offset) + "+" + hex(d.window.size) + " ends beyond the " + bar};
  for (std::size_t i = 0; i < d.verify.size(); ++i) {
    const VerifySpec& p = d.verify[i];
    if (p.offset >= bar_size || p.width > bar_size - p.offset)
      return SpecProblem{"verify[" + std::to_string(i) + "].offset",
                         "probe " + hex(p.offset) + " (" + std::to_string(p.width) + " bytes) is outside the " + bar};
  }
  return std::nullopt;
}

DeviceSpec fit_to_bar(DeviceSpec d, uint64_t bar_size) {
  if (!d.fit_defaults_to_bar || d.window.offset >= bar_size) return d;
  d.window.size = std::min(d.window.size, bar_size - d.window.offset);
  std::erase_if(d.sweep.block_sizes, [&](uint64_t b) { return b > d.window.size; });
  std::erase_if(d.verify, [&](const VerifySpec& p) { return p.offset >= bar_size || p.width > bar_size - p.offset; });
  return d;
}

}  // namespace pcie_bar
