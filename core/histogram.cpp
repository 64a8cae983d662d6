#include "core/histogram.h"

#include <cmath>

namespace pcie_bar {

uint64_t Histogram::lowest_in(std::size_t index) {
  if (index < kExactLimit) return index;
  uint64_t shift = (index - kExactLimit) / kSubBuckets + 1;
  uint64_t mantissa = (index - kExactLimit) % kSubBuckets + kSubBuckets;
  return mantissa << shift;
}

uint64_t Histogram::highest_in(std::size_t index) {
  if (index < kExactLimit) return index;
  uint64_t shift = (index - kExactLimit) / kSubBuckets + 1;
  return lowest_in(index) + (uint64_t{1} << shift) - 1;
}

void Histogram::merge(const Histogram& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  sum_sq_ += other.sum_sq_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t Histogram::value_at_quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  if (rank == 1) return min();  // the extremes are known exactly
  if (rank >= count_) return max_;
  uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      uint64_t mid = lowest_in(i) + (highest_in(i) - lowest_in(i)) / 2;
      return std::clamp(mid, min(), max_);
    }
  }
  return max_;
}

uint64_t Histogram::count_at_or_below(uint64_t bound) const {
  uint64_t total = 0;
  for (std::size_t i = 0; i < counts_.size() && lowest_in(i) <= bound; ++i) {
    uint64_t lo = lowest_in(i), hi = highest_in(i);
    if (hi <= bound || lo + (hi - lo) / 2 <= bound) total += counts_[i];
  }
  return total;
}

}  // namespace pcie_bar
