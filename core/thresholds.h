#pragma once
// Checks a sweep's cells against the device's thresholds (DeviceSpec::thresholds).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/device_spec.h"
#include "core/named_enum.h"
#include "core/sweep.h"

namespace pcie_bar {

enum class Limit { kMinThroughput, kMaxP50, kMaxP99 };

// The names are the config keys of a threshold and the `limit` label of pcie_bar_threshold_violated.
inline constexpr NamedValue<Limit> kLimits[] = {
    {Limit::kMinThroughput, "min_throughput", "the least throughput a cell must reach"},
    {Limit::kMaxP50, "max_p50", "the most a cell's median latency may be"},
    {Limit::kMaxP99, "max_p99", "the most a cell's 99th-percentile latency may be"},
};
static_assert(is_complete_table(kLimits));

constexpr std::span<const NamedValue<Limit>> name_table(Limit) { return kLimits; }
constexpr const char* limit_name(Limit l) { return name_of(l); }

// One limit checked on one measured cell.
struct ThresholdCheck {
  Op op;
  uint64_t block_size;
  Limit limit;
  double limit_value;  // bytes per second or seconds
  double measured;
  bool violated;
};

// Every (cell, limit) a threshold applies to, in the sweep's cell order; cells that ran no op
// (writes disabled, a cancelled run) are not checked. Several thresholds may check one cell.
std::vector<ThresholdCheck> check_thresholds(const SweepResult& sweep, const std::vector<Threshold>& thresholds);

// "READ 4096 B: throughput 150 MB/s below min_throughput 200 MB/s", "... p99 2.31 us above max_p99 2 us".
std::string describe(const ThresholdCheck& check);

}  // namespace pcie_bar
