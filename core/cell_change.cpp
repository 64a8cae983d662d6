#include "core/cell_change.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace pcie_bar {

namespace {

constexpr std::size_t kMaxExactSample = 20;

// Ranks 1..n of the pooled samples, ties at their mean rank; returns the rank sum of `a` and the
// tie term sum(t^3 - t) over groups of t equal values.
std::pair<double, double> rank_sum_and_ties(std::span<const double> a, std::span<const double> b) {
  std::vector<std::pair<double, bool>> pooled;  // value, from a
  for (double v : a) pooled.push_back({v, true});
  for (double v : b) pooled.push_back({v, false});
  std::sort(pooled.begin(), pooled.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  double rank_sum_a = 0, ties = 0;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k)
      if (pooled[k].second) rank_sum_a += mean_rank;
    const auto t = static_cast<double>(j - i);
    ties += t * t * t - t;
    i = j;
  }
  return {rank_sum_a, ties};
}

// P(U <= u) under the null hypothesis, from the number of orderings of m and n values with each U
// (the recurrence f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u)).
double exact_cdf(std::size_t m, std::size_t n, double u) {
  const std::size_t max_u = m * n;
  // counts[i][j]: the distribution of U for samples of i and j values.
  std::vector<std::vector<std::vector<double>>> counts(m + 1, std::vector<std::vector<double>>(n + 1));
  for (std::size_t i = 0; i <= m; ++i) {
    for (std::size_t j = 0; j <= n; ++j) {
      std::vector<double>& f = counts[i][j];
      f.assign(i * j + 1, 0);
      if (i == 0 || j == 0) {
        f[0] = 1;
        continue;
      }
      // The largest value is from the first sample (it beats all j of the second) or the second.
      for (std::size_t v = j; v <= i * j; ++v) f[v] += counts[i - 1][j][v - j];
      for (std::size_t v = 0; v <= i * (j - 1); ++v) f[v] += counts[i][j - 1][v];
    }
  }
  const std::vector<double>& f = counts[m][n];
  double below = 0, total = 0;
  for (std::size_t v = 0; v <= max_u; ++v) {
    total += f[v];
    if (static_cast<double>(v) <= u + 1e-9) below += f[v];
  }
  return below / total;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

double ratio(double after, double before) { return before > 0 ? after / before : 0; }

// The verdict follows the median latency: most run-to-run noise is stalls (interrupts,
// preemption, a busy host), which inflate the throughput (bytes over the summed time of every
// op; on a loaded 2-core VM one run's 8-byte reads lost two thirds of theirs) but leave the
// median alone. A slower device moves the median.
Verdict latency_moved(double p50_ratio, double band) {
  if (p50_ratio > 1 + band) return Verdict::kSlower;
  if (p50_ratio > 0 && p50_ratio < 1 - band) return Verdict::kFaster;
  return Verdict::kSame;
}

// The medians' 95 % confidence intervals apart, in the direction of `v`.
bool intervals_apart(const CellFigures& before, const CellFigures& after, Verdict v) {
  if (v == Verdict::kSlower) return after.p50_ci_low > before.p50_ci_high;
  if (v == Verdict::kFaster) return after.p50_ci_high < before.p50_ci_low;
  return false;
}

}  // namespace

UTestResult mann_whitney_u(std::span<const double> a, std::span<const double> b, UTestMethod method) {
  UTestResult r;
  if (a.empty() || b.empty()) return r;
  const auto m = static_cast<double>(a.size()), n = static_cast<double>(b.size());
  const auto [rank_sum_a, ties] = rank_sum_and_ties(a, b);
  r.u = rank_sum_a - m * (m + 1) / 2;
  const double mean = m * n / 2;
  if (method == UTestMethod::kAuto && ties == 0 && a.size() <= kMaxExactSample && b.size() <= kMaxExactSample) {
    r.exact = true;
    // The distribution is symmetric about its mean: twice the tail on the side U lies.
    r.p_value = std::min(1.0, 2 * exact_cdf(a.size(), b.size(), std::min(r.u, m * n - r.u)));
    return r;
  }
  const double total = m + n;
  const double variance = m * n / 12 * ((total + 1) - ties / (total * (total - 1)));
  if (variance <= 0) return r;  // every value equal: no evidence of a difference
  const double z = std::max(0.0, std::abs(r.u - mean) - 0.5) / std::sqrt(variance);
  r.p_value = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
  return r;
}

CellChange compare_cell(const CellFigures& before, const CellFigures& after, const ChangeRule& rule) {
  CellChange c;
  c.throughput_ratio = ratio(after.throughput, before.throughput);
  c.throughput_difference = after.throughput - before.throughput;
  c.p50_ratio = ratio(after.p50, before.p50);
  c.p99_ratio = ratio(after.p99, before.p99);
  c.p_value = 1;
  if (before.throughput <= 0 || after.throughput <= 0) return c;  // nothing measured on one side
  const auto& a = before.repetition_throughputs;
  const auto& b = after.repetition_throughputs;
  if (a.size() >= rule.min_repetitions && b.size() >= rule.min_repetitions) {
    c.method = VerdictMethod::kUTest;
    c.noise_band = rule.min_relative_change;
    c.p_value = mann_whitney_u(a, b).p_value;
    // The rank test on the repetitions' throughputs says the change is real; their medians and
    // the median latency must both have moved beyond the band, the same way.
    const Verdict v = latency_moved(c.p50_ratio, c.noise_band);
    const double medians = ratio(median(b), median(a));
    const bool throughput_agrees = (v == Verdict::kSlower && medians <= 1 - c.noise_band) ||
                                   (v == Verdict::kFaster && medians >= 1 + c.noise_band);
    if (c.p_value < rule.alpha && throughput_agrees) c.verdict = v;
    return c;
  }
  c.method = VerdictMethod::kSpread;
  const double combined_cv =
      std::hypot(before.repetitions > 1 ? before.repetitions_cv : 0, after.repetitions > 1 ? after.repetitions_cv : 0);
  c.noise_band = std::max(rule.min_relative_change, rule.spread_factor * combined_cv);
  const Verdict v = latency_moved(c.p50_ratio, c.noise_band);
  if (intervals_apart(before, after, v)) c.verdict = v;
  return c;
}

}  // namespace pcie_bar
