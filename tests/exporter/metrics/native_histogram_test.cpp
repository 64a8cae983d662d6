#include "exporter/metrics/native_histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace pcie_bar {
namespace {

// Bucket i of schema n is (2^((i-1)/2^n), 2^(i/2^n)]: bounds by hand, at and beside them.
TEST(NativeHistogram, IndexAtSchema3IsTheFirstBucketWhoseUpperBoundHoldsTheValue) {
  EXPECT_EQ(native_bucket_index(1.0, 3), 0);     // 1 is bucket 0's upper bound
  EXPECT_EQ(native_bucket_index(1.0001, 3), 1);  // up to 2^(1/8) = 1.0905
  EXPECT_EQ(native_bucket_index(1.09, 3), 1);
  EXPECT_EQ(native_bucket_index(1.0906, 3), 2);
  EXPECT_EQ(native_bucket_index(2.0, 3), 8);
  EXPECT_EQ(native_bucket_index(0.5, 3), -8);
  EXPECT_EQ(native_bucket_index(0.4999, 3), -8);  // (2^(-9/8), 2^-1] = (0.4585, 0.5]
  EXPECT_EQ(native_bucket_index(0.458, 3), -9);
  // 1 µs: 2^-20 = 0.954 µs < 1 µs <= 2^(-159/8) = 1.042 µs.
  EXPECT_EQ(native_bucket_index(1e-6, 3), -159);
  EXPECT_EQ(native_bucket_index(30e-9, 3), -199);  // 2^-25 = 29.8 ns < 30 ns <= 2^-24.875 = 32.5 ns
}

TEST(NativeHistogram, IndexAtOtherSchemas) {
  EXPECT_EQ(native_bucket_index(3.0, 0), 2);  // (2, 4]
  EXPECT_EQ(native_bucket_index(4.0, 0), 2);
  EXPECT_EQ(native_bucket_index(0.3, 0), -1);  // (0.25, 0.5]
  EXPECT_EQ(native_bucket_index(1.0, -2), 0);  // schema -2: bounds 1, 16, 256
  EXPECT_EQ(native_bucket_index(16.0, -2), 1);
  EXPECT_EQ(native_bucket_index(17.0, -2), 2);
  EXPECT_EQ(native_bucket_index(0.01, -2), -1);                  // (1/256, 1/16]
  EXPECT_EQ(native_bucket_index(std::exp2(-3.0), 8), -3 * 256);  // powers of two are exact at the finest schema
  EXPECT_THROW(native_bucket_index(1.0, 9), std::invalid_argument);
  EXPECT_THROW(native_bucket_index(1.0, -5), std::invalid_argument);
}

// Every value lies above its bucket's lower bound (the previous upper bound) and at or below its
// upper bound, across the latencies the exporter sees (1 ns to 1 s) and every schema.
TEST(NativeHistogram, EveryValueLiesWithinItsBucketsBounds) {
  for (int schema = -4; schema <= 8; ++schema)
    for (double v = 1e-9; v < 1; v *= 1.0137) {
      const int32_t i = native_bucket_index(v, schema);
      EXPECT_LE(v, native_bucket_upper_bound(i, schema) * (1 + 1e-12)) << v << " schema " << schema;
      EXPECT_GT(v, native_bucket_upper_bound(i - 1, schema) * (1 - 1e-12)) << v << " schema " << schema;
    }
}

TEST(NativeHistogram, FineBucketsLandByTheirMidpointAndZeroTicksInTheZeroBucket) {
  Histogram h;
  h.record(0);  // an op measured at no ticks
  for (int i = 0; i < 3; ++i) h.record(1000);
  h.record(1001);  // fine bucket [1000, 1007] ns: midpoint 1003.5 ns, in (2^-20, 2^-19.875] s
  h.record(40);    // exact below 128: 40 ns, in (2^-24.625, 2^-24.5] = (38.6 ns, 42.1 ns]
  NativeCounts c;
  add_native_counts(h, 1e-9, c);
  EXPECT_EQ(c.zero, 1u);
  EXPECT_EQ(c.positive, (std::map<int32_t, uint64_t>{{-196, 1}, {-159, 4}}));
  add_native_counts(h, 1e-9, c);  // counts accumulate over runs
  EXPECT_EQ(c.zero, 2u);
  EXPECT_EQ(c.positive.at(-159), 8u);
}

// Expands spans and deltas back into counts by index.
std::map<int32_t, uint64_t> decode(const NativeBuckets& b) {
  std::map<int32_t, uint64_t> out;
  std::size_t d = 0;
  int64_t count = 0;
  int32_t index = 0;
  for (std::size_t s = 0; s < b.positive_spans.size(); ++s) {
    index += b.positive_spans[s].offset + (s == 0 ? 0 : 1);
    for (uint32_t k = 0; k < b.positive_spans[s].length; ++k, ++index) {
      count += b.positive_deltas.at(d++);
      if (count != 0) out[index] = static_cast<uint64_t>(count);
    }
    --index;
  }
  EXPECT_EQ(d, b.positive_deltas.size());
  return out;
}

TEST(NativeHistogram, SpansAndDeltasOfKnownBuckets) {
  NativeCounts c;
  c.positive = {{-10, 3}, {-9, 5}, {-7, 2}, {-3, 1}};
  c.zero = 4;
  const NativeBuckets b = encode_native(c);
  EXPECT_EQ(b.schema, 3);
  EXPECT_EQ(b.zero_threshold, 1e-12);
  EXPECT_EQ(b.zero_count, 4u);
  // -10..-7 in one span (the empty -8 as a zero bucket), then 3 empty buckets and -3.
  EXPECT_EQ(b.positive_spans, (std::vector<NativeSpan>{{-10, 4}, {3, 1}}));
  EXPECT_EQ(b.positive_deltas, (std::vector<int64_t>{3, 2, -5, 2, -1}));
  EXPECT_EQ(decode(b), c.positive);
}

TEST(NativeHistogram, GapsOfTwoAreFilledAndLongerOnesStartASpan) {
  NativeCounts c;
  c.positive = {{1, 1}, {4, 1}, {8, 6}};
  const NativeBuckets b = encode_native(c);
  EXPECT_EQ(b.positive_spans, (std::vector<NativeSpan>{{1, 4}, {3, 1}}));
  EXPECT_EQ(b.positive_deltas, (std::vector<int64_t>{1, -1, 0, 1, 5}));
  EXPECT_EQ(decode(b), c.positive);
  const NativeBuckets empty = encode_native({});
  EXPECT_TRUE(empty.positive_spans.empty());
  EXPECT_TRUE(empty.positive_deltas.empty());
}

}  // namespace
}  // namespace pcie_bar
