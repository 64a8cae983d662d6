#pragma once
// What a device's `metrics` section (profile, latency_buckets, block_sizes) resolves to.

#include <cstdint>
#include <vector>

#include "core/device_spec.h"

namespace pcie_bar {

// The classic bucket bounds of pcie_bar_op_duration_seconds, seconds ascending (+Inf implicit).
std::vector<double> classic_bounds(const MetricsSpec& metrics);

// The block sizes exported as time series, ascending: metrics.block_sizes, else every swept one
// (full profile) or those of 8, 64 and 4096 that are swept, or the largest swept (fleet).
std::vector<uint64_t> exported_block_sizes(const DeviceSpec& spec);

}  // namespace pcie_bar
