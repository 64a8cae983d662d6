#include "config/metrics_section.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <set>

#include "config/duration.h"

namespace pcie_bar {

namespace {

// More bounds than this cost more series per cell than a whole fleet-profile device.
constexpr std::size_t kMaxBuckets = 100;

double seconds_of(const YamlField& f) {
  auto ns = parse_latency(f.str());
  if (!ns || ns->count() == 0) f.fail("'" + f.str() + "' is not a latency above 0 (e.g. 500ns, 1.2us, 1ms)");
  return std::chrono::duration<double>(*ns).count();
}

MetricsProfile profile_of(const YamlField& f) {
  if (auto p = from_name<MetricsProfile>(f.str())) return *p;
  f.fail("'" + f.str() + "' is not a metrics profile (" + names_text<MetricsProfile>() + ")");
}

std::vector<double> bucket_list(const YamlField& f) {
  std::vector<double> bounds;
  for (std::size_t i = 0; i < f.length(); ++i) {
    bounds.push_back(seconds_of(f.at(i)));
    if (i > 0 && bounds[i] <= bounds[i - 1]) f.at(i).fail("bounds must be ascending, each above the one before");
  }
  return bounds;
}

// {start, factor, count}: start, start*factor, ... (as a client library's exponential buckets).
std::vector<double> exponential_buckets(const YamlField& f) {
  f.expect_keys({"start", "factor", "count"});
  for (const char* key : {"start", "factor", "count"})
    if (!f[key].present()) f[key].fail("required for exponential buckets ({start, factor, count})");
  const double start = seconds_of(f["start"]);
  const std::string factor_text = f["factor"].str();
  char* end = nullptr;
  const double factor = std::strtod(factor_text.c_str(), &end);
  if (factor_text.empty() || *end != '\0' || !(factor > 1.001 && factor <= 10))
    f["factor"].fail("'" + factor_text + "' is not a factor between 1.001 and 10");
  const uint64_t count = f["count"].u64(kMaxBuckets);
  if (count == 0) f["count"].fail("must be at least 1");
  std::vector<double> bounds;
  for (uint64_t i = 0; i < count; ++i) bounds.push_back(start * std::pow(factor, static_cast<double>(i)));
  return bounds;
}

// "1-2-5" (the full profile's), "none" (only +Inf, _sum and _count), a list of latencies, or
// {start, factor, count}.
LatencyBucketLayout decode_latency_buckets(const YamlField& f) {
  using Kind = LatencyBucketLayout::Kind;
  if (f.is_sequence()) {
    if (f.length() > kMaxBuckets)
      f.fail(std::to_string(f.length()) + " bounds are more than " + std::to_string(kMaxBuckets) +
             " (each is a series per op and block size)");
    return {Kind::kBounds, bucket_list(f)};
  }
  if (f.is_map()) return {Kind::kBounds, exponential_buckets(f)};
  if (f.str() == "1-2-5") return {Kind::kOneTwoFive, {}};
  if (f.str() == "none") return {Kind::kBounds, {}};
  f.fail("'" + f.str() + "' is not a bucket layout: 1-2-5, none, a list of latencies or {start, factor, count}");
}

std::vector<uint64_t> exported_block_sizes(const YamlField& f, const SweepSpec& sweep) {
  std::vector<uint64_t> out;
  std::set<uint64_t> seen;
  if (f.length() == 0) f.fail("must list at least one block size");
  for (std::size_t i = 0; i < f.length(); ++i) {
    const uint64_t b = f.at(i).size();
    if (std::find(sweep.block_sizes.begin(), sweep.block_sizes.end(), b) == sweep.block_sizes.end())
      f.at(i).fail("block size " + std::to_string(b) + " is not in sweep.block_sizes");
    if (!seen.insert(b).second) f.at(i).fail(std::to_string(b) + " is listed twice");
    out.push_back(b);
  }
  return out;
}

}  // namespace

MetricsSpec decode_metrics(const YamlField& f, const SweepSpec& sweep) {
  f.expect_keys({"profile", "latency_buckets", "block_sizes"});
  MetricsSpec m;
  if (f["profile"].present()) m.profile = profile_of(f["profile"]);
  if (f["latency_buckets"].present()) m.latency_buckets = decode_latency_buckets(f["latency_buckets"]);
  if (f["block_sizes"].present()) m.block_sizes = exported_block_sizes(f["block_sizes"], sweep);
  return m;
}

}  // namespace pcie_bar
