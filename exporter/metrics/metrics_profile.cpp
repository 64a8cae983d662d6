#include "exporter/metrics/metrics_profile.h"

#include <algorithm>

#include "exporter/metrics/latency_buckets.h"

namespace pcie_bar {

std::vector<double> classic_bounds(const MetricsSpec& m) {
  using Kind = LatencyBucketLayout::Kind;
  switch (m.latency_buckets.kind) {
    case Kind::kBounds: return m.latency_buckets.bounds;
    case Kind::kOneTwoFive: return one_two_five_bounds();
    case Kind::kProfile: break;
  }
  // The fleet profile leaves latency to the native histogram (one series per cell); a classic
  // histogram there keeps +Inf, _sum and _count, so the mean still reaches text-only scrapers.
  return m.profile == MetricsProfile::kFull ? one_two_five_bounds() : std::vector<double>{};
}

std::vector<uint64_t> exported_block_sizes(const DeviceSpec& spec) {
  std::vector<uint64_t> swept = spec.sweep.block_sizes;
  std::sort(swept.begin(), swept.end());
  std::vector<uint64_t> out;
  if (!spec.metrics.block_sizes.empty()) {
    out = spec.metrics.block_sizes;
  } else if (spec.metrics.profile == MetricsProfile::kFull) {
    out = swept;
  } else {
    // A register (8 B), a cache line (64 B) and a page (4 KiB): the three regimes of a BAR path.
    for (uint64_t b : {8, 64, 4096})
      if (std::binary_search(swept.begin(), swept.end(), b)) out.push_back(b);
    if (out.empty() && !swept.empty()) out.push_back(swept.back());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pcie_bar
