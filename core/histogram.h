#pragma once
// A log-scale histogram of non-negative integers (the sweep's latency units), HdrHistogram-style: values
// below 128 are kept exactly, larger ones in 64 sub-buckets per power of two, so any reported
// quantile is within 1/128 (0.8 %) of a recorded value. Count, sum, min and max are exact.
// Recording is a few instructions and never allocates.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace pcie_bar {

class Histogram {
 public:
  static constexpr unsigned kSubBucketBits = 6;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;  // 64
  static constexpr uint64_t kExactLimit = 2 * kSubBuckets;                // 128
  static constexpr unsigned kMaxValueBits = 48;  // 2^48 sixty-fourths of a tick: 24 min at 3 GHz
  static constexpr uint64_t kMaxTrackable = (uint64_t{1} << kMaxValueBits) - 1;

  Histogram() : counts_(bucket_count(), 0) {}

  void record(uint64_t value) {
    ++counts_[index_of(std::min(value, kMaxTrackable))];
    ++count_;
    sum_ += value;
    sum_sq_ += static_cast<double>(value) * static_cast<double>(value);
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }

  // `n` ops timed together took `total` ticks: each is recorded as their mean, and the sum
  // gains `total` exactly.
  void record_mean(uint64_t total, uint64_t n) {
    if (n == 0) return;
    const uint64_t value = (total + n / 2) / n;
    counts_[index_of(std::min(value, kMaxTrackable))] += n;
    count_ += n;
    sum_ += static_cast<double>(total);
    const double each = static_cast<double>(total) / static_cast<double>(n);
    sum_sq_ += static_cast<double>(n) * each * each;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }

  void merge(const Histogram& other);

  uint64_t count() const { return count_; }
  // Exact sum of recorded values (a double: 2^64 ticks would overflow an integer sooner).
  double sum() const { return sum_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  // Population standard deviation of the recorded values (batched ops count at their batch's mean,
  // so batches narrow it: the spread between batches, not between single ops).
  double stddev() const {
    if (count_ == 0) return 0;
    const double m = mean();
    return std::sqrt(std::max(0.0, sum_sq_ / static_cast<double>(count_) - m * m));
  }
  // The value at quantile q in [0, 1]: the middle of the bucket holding that rank, kept
  // within [min, max]; the lowest and highest ranks are min and max exactly. 0 when empty.
  uint64_t value_at_quantile(double q) const;
  // How many recorded values are <= bound; exact when bound is a bucket's upper end,
  // otherwise a straddled bucket counts as below only if its midpoint is.
  uint64_t count_at_or_below(uint64_t bound) const;

  // Bucket geometry, public so exporters can walk it.
  static std::size_t bucket_count() { return index_of(kMaxTrackable) + 1; }
  static std::size_t index_of(uint64_t value) {
    if (value < kExactLimit) return static_cast<std::size_t>(value);
    unsigned shift = static_cast<unsigned>(std::bit_width(value)) - (kSubBucketBits + 1);
    return static_cast<std::size_t>(kExactLimit + (shift - 1) * kSubBuckets + ((value >> shift) - kSubBuckets));
  }
  static uint64_t lowest_in(std::size_t index);
  static uint64_t highest_in(std::size_t index);
  uint64_t count_in(std::size_t index) const { return counts_[index]; }

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  double sum_ = 0;
  double sum_sq_ = 0;
  uint64_t min_ = std::numeric_limits<uint64_t>::max();
  uint64_t max_ = 0;
};

}  // namespace pcie_bar
