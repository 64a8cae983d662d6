#include "exporter/metrics/native_histogram.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace pcie_bar {

namespace {

constexpr int kMinSchema = -4, kMaxSchema = 8;

void check_schema(int schema) {
  if (schema < kMinSchema || schema > kMaxSchema)
    throw std::invalid_argument("native histogram schema " + std::to_string(schema) + " is outside -4..8");
}

// For schema n > 0, the upper bounds of the 2^n buckets of [0.5, 1) as fractions of std::frexp:
// 0.5 * 2^(j / 2^n) for j = 0 .. 2^n - 1.
const std::vector<double>& fraction_bounds(int schema) {
  static const auto tables = [] {
    std::array<std::vector<double>, kMaxSchema + 1> t;
    for (int n = 1; n <= kMaxSchema; ++n) {
      const int per_octave = 1 << n;
      for (int j = 0; j < per_octave; ++j) t[n].push_back(0.5 * std::exp2(static_cast<double>(j) / per_octave));
    }
    return t;
  }();
  return tables[schema];
}

}  // namespace

int32_t native_bucket_index(double value, int schema) {
  check_schema(schema);
  int exp;
  const double frac = std::frexp(value, &exp);  // value = frac * 2^exp, frac in [0.5, 1)
  if (schema > 0) {
    const auto& bounds = fraction_bounds(schema);
    const auto j = std::lower_bound(bounds.begin(), bounds.end(), frac) - bounds.begin();
    return static_cast<int32_t>(static_cast<std::ptrdiff_t>((exp - 1) * (1 << schema)) + j);
  }
  // Schema <= 0: a bucket spans 2^-schema powers of two; ceil(log2(value)) / that, rounded up.
  const int log2_ceil = frac == 0.5 ? exp - 1 : exp;
  const int width = 1 << -schema;
  return static_cast<int32_t>((log2_ceil + width - 1) >> -schema);
}

double native_bucket_upper_bound(int32_t index, int schema) {
  check_schema(schema);
  return std::exp2(std::ldexp(static_cast<double>(index), -schema));
}

void add_native_counts(const Histogram& h, double seconds_per_unit, NativeCounts& into) {
  for (std::size_t i = 0; i < Histogram::bucket_count(); ++i) {
    const uint64_t n = h.count_in(i);
    if (n == 0) continue;
    const double mid = (static_cast<double>(Histogram::lowest_in(i)) + static_cast<double>(Histogram::highest_in(i))) /
                       2 * seconds_per_unit;
    if (mid <= kNativeZeroThreshold)
      into.zero += n;
    else
      into.positive[native_bucket_index(mid, kNativeSchema)] += n;
  }
}

NativeBuckets encode_native(const NativeCounts& counts) {
  NativeBuckets out;
  out.zero_count = counts.zero;
  int64_t previous_count = 0;
  int32_t previous_index = 0;
  auto append = [&](int64_t count) {
    out.positive_deltas.push_back(count - previous_count);
    previous_count = count;
    ++out.positive_spans.back().length;
  };
  for (const auto& [index, count] : counts.positive) {
    if (count == 0) continue;
    if (out.positive_spans.empty()) {
      out.positive_spans.push_back({index, 0});
    } else {
      const int32_t gap = index - previous_index - 1;
      if (gap > 2)
        out.positive_spans.push_back({gap, 0});
      else
        for (int32_t k = 0; k < gap; ++k) append(0);
    }
    append(static_cast<int64_t>(count));
    previous_index = index;
  }
  return out;
}

}  // namespace pcie_bar
