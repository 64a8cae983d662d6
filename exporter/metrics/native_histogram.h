#pragma once
// Prometheus native histograms (sparse exponential buckets) of pcie_bar_op_duration_seconds, for
// the protobuf exposition: bucket i of schema n holds the values in (2^((i-1) * 2^-n), 2^(i * 2^-n)],
// and only buckets that hold something are sent, as spans of consecutive buckets and
// delta-encoded counts (the client data model's Histogram message).

#include <cstdint>
#include <map>
#include <vector>

#include "core/histogram.h"

namespace pcie_bar {

// Schema 3: each power of two is split into 8 buckets, so neighbouring bounds are a factor
// 2^(1/8) = 1.0905 apart. histogram_quantile() places a quantile inside the bucket holding the
// true value, so its estimate is off by at most the bucket's width (9 %) and by at most 4.4 %
// from the bucket's middle; the issue asks for 5-10 %. Schema 4 would halve that at twice the
// buckets (and a page twice as large); schema 2 would double it. Latencies of 10 ns to 100 ms
// span 23 powers of two: at most about 190 buckets, and a sweep cell's latencies typically
// fill 5-30 of them.
inline constexpr int kNativeSchema = 3;
// The zero bucket's half-width, in seconds: 1 ps, below one tick of any clock the sweep uses,
// so only ops measured at zero ticks (faster than the subtracted timestamp cost) land in it.
inline constexpr double kNativeZeroThreshold = 1e-12;

// The index of the bucket holding `value` (> 0) at `schema` (-4 to 8): the first bucket whose
// upper bound 2^(index * 2^-schema) is >= value. Exact at the bounds for powers of two.
int32_t native_bucket_index(double value, int schema);
// The (inclusive) upper bound of bucket `index` at `schema`.
double native_bucket_upper_bound(int32_t index, int schema);

// Native bucket counts (schema kNativeSchema), accumulated over runs.
struct NativeCounts {
  std::map<int32_t, uint64_t> positive;  // by bucket index; no zero entries
  uint64_t zero = 0;                     // values <= kNativeZeroThreshold
  bool operator==(const NativeCounts&) const = default;
};

// Adds every value of `h` (in ticks of `seconds_per_unit`) to the native bucket its fine
// bucket's midpoint falls in, as cumulative_bucket_counts() does for the classic bounds.
void add_native_counts(const Histogram& h, double seconds_per_unit, NativeCounts& into);

struct NativeSpan {
  int32_t offset;  // the first span: its first bucket's index; later ones: empty buckets since the previous span
  uint32_t length;
  bool operator==(const NativeSpan&) const = default;
};

// The native fields of a Histogram message.
struct NativeBuckets {
  int32_t schema = kNativeSchema;
  double zero_threshold = kNativeZeroThreshold;
  uint64_t zero_count = 0;
  std::vector<NativeSpan> positive_spans;
  std::vector<int64_t> positive_deltas;  // each bucket's count minus the previous bucket's (the first's: minus 0)
};

// Spans and deltas of `counts`. A gap of one or two empty buckets is sent as zero-count buckets
// inside the span (two deltas cost less than a new span), as Prometheus' own clients do.
NativeBuckets encode_native(const NativeCounts& counts);

}  // namespace pcie_bar
