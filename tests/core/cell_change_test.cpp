#include "core/cell_change.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace pcie_bar {
namespace {

// The example of scipy's mannwhitneyu documentation (from Conover): U = 17, p = 1/9 exactly,
// 0.11134688653314041 from the normal approximation.
TEST(MannWhitneyU, ScipysDocumentedExampleExactAndAsymptotic) {
  const std::vector<double> males{19, 22, 16, 29, 24}, females{20, 11, 17, 12};
  UTestResult exact = mann_whitney_u(males, females);
  EXPECT_TRUE(exact.exact);
  EXPECT_DOUBLE_EQ(exact.u, 17);
  EXPECT_NEAR(exact.p_value, 1.0 / 9, 1e-12);
  UTestResult asymptotic = mann_whitney_u(males, females, UTestMethod::kAsymptotic);
  EXPECT_FALSE(asymptotic.exact);
  EXPECT_NEAR(asymptotic.p_value, 0.11134688653314041, 1e-12);
}

// Textbook critical values for n1 = n2 = 5, two-sided alpha 0.05: U <= 2 is significant, U = 3
// is not. The exact p-values are 2 x (orderings with U at most u) / C(10, 5) = 252.
TEST(MannWhitneyU, ExactTailsForFiveAgainstFive) {
  EXPECT_NEAR(mann_whitney_u(std::vector<double>{1, 2, 3, 4, 5}, std::vector<double>{6, 7, 8, 9, 10}).p_value,
              2.0 / 252, 1e-12);
  // U = 2: two pairs where the first sample is larger.
  auto two = mann_whitney_u(std::vector<double>{1, 2, 3, 4, 7}, std::vector<double>{5, 6, 8, 9, 10});
  EXPECT_DOUBLE_EQ(two.u, 2);
  EXPECT_NEAR(two.p_value, 8.0 / 252, 1e-12);
  EXPECT_LT(two.p_value, 0.05);
  auto three = mann_whitney_u(std::vector<double>{1, 2, 3, 4, 8}, std::vector<double>{5, 6, 7, 9, 10});
  EXPECT_DOUBLE_EQ(three.u, 3);
  EXPECT_NEAR(three.p_value, 14.0 / 252, 1e-12);
  EXPECT_GT(three.p_value, 0.05);
  // The order of the samples does not change a two-sided p-value.
  EXPECT_NEAR(mann_whitney_u(std::vector<double>{5, 6, 8, 9, 10}, std::vector<double>{1, 2, 3, 4, 7}).p_value,
              8.0 / 252, 1e-12);
}

// Ties take their mean rank and shrink the variance (sum of t^3 - t): U = 3.5, p = 0.0130 from
// the formula worked by hand (tie term 72 over 13 values).
TEST(MannWhitneyU, TiesUseMidranksAndTheTieCorrectedNormalApproximation) {
  auto r = mann_whitney_u(std::vector<double>{1, 2, 2, 3, 3, 3, 4}, std::vector<double>{3, 4, 4, 5, 5, 6});
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 3.5);
  EXPECT_NEAR(r.p_value, 0.012999854364387314, 1e-12);
}

TEST(MannWhitneyU, IdenticalOrEmptySamplesAreNoEvidence) {
  EXPECT_DOUBLE_EQ(mann_whitney_u(std::vector<double>{4, 4, 4}, std::vector<double>{4, 4, 4}).p_value, 1);
  EXPECT_DOUBLE_EQ(mann_whitney_u(std::vector<double>{}, std::vector<double>{1, 2}).p_value, 1);
}

TEST(MannWhitneyU, LargeSamplesUseTheNormalApproximation) {
  std::vector<double> a, b;
  for (int i = 0; i < 25; ++i) a.push_back(i), b.push_back(i + 100);
  auto r = mann_whitney_u(a, b);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 0);
  EXPECT_LT(r.p_value, 1e-8);
}

CellFigures cell(double throughput, double p50, double ci_half_width, std::vector<double> repetitions = {},
                 double cv = 0) {
  CellFigures f;
  f.throughput = throughput;
  f.p50 = p50;
  f.p99 = 2 * p50;
  f.p50_ci_low = p50 - ci_half_width;
  f.p50_ci_high = p50 + ci_half_width;
  f.ops = 1000;
  f.repetitions = repetitions.empty() ? (cv > 0 ? 3 : 0) : repetitions.size();
  f.repetitions_cv = cv;
  f.repetition_throughputs = std::move(repetitions);
  return f;
}

TEST(CompareCell, RatiosAndDifferenceAreAfterOverBefore) {
  CellChange c = compare_cell(cell(100e6, 1e-6, 1e-8), cell(80e6, 1.25e-6, 1e-8));
  EXPECT_DOUBLE_EQ(c.throughput_ratio, 0.8);
  EXPECT_DOUBLE_EQ(c.throughput_difference, -20e6);
  EXPECT_DOUBLE_EQ(c.p50_ratio, 1.25);
  EXPECT_DOUBLE_EQ(c.p99_ratio, 1.25);
}

TEST(CompareCell, SpreadRuleCallsAChangeBeyondFivePercentWithApartIntervals) {
  CellChange slower = compare_cell(cell(100e6, 1e-6, 1e-8), cell(80e6, 1.25e-6, 1e-8));
  EXPECT_EQ(slower.method, VerdictMethod::kSpread);
  EXPECT_EQ(slower.verdict, Verdict::kSlower);
  EXPECT_DOUBLE_EQ(slower.noise_band, 0.05);
  EXPECT_EQ(compare_cell(cell(80e6, 1.25e-6, 1e-8), cell(100e6, 1e-6, 1e-8)).verdict, Verdict::kFaster);
  // 4 % is inside the 5 % band, whatever the intervals say.
  EXPECT_EQ(compare_cell(cell(100e6, 1e-6, 1e-9), cell(96e6, 1.04e-6, 1e-9)).verdict, Verdict::kSame);
}

TEST(CompareCell, SpreadRuleNeedsTheMediansIntervalsApartInTheSameDirection) {
  // 20 % less throughput and a 10 % higher median, but the medians' intervals overlap: noise.
  EXPECT_EQ(compare_cell(cell(100e6, 1e-6, 6e-8), cell(80e6, 1.1e-6, 6e-8)).verdict, Verdict::kSame);
  // 10 % higher median but intervals apart only by a hair less than needed.
  EXPECT_EQ(compare_cell(cell(100e6, 1e-6, 5e-8), cell(90e6, 1.1e-6, 5.1e-8)).verdict, Verdict::kSame);
}

// Seen on the same VM: the 1.2 us device's run lost two thirds of its time to stalls, so the 2 us
// device's run had 42 % MORE throughput; its median was 64 % higher. The median decides: slower.
TEST(CompareCell, TheMedianDecidesWhenStallsDistortTheThroughput) {
  CellChange c = compare_cell(cell(2.35e6, 1.219e-6, 5e-9), cell(3.35e6, 2e-6, 5e-9));
  EXPECT_GT(c.throughput_ratio, 1.4);
  EXPECT_EQ(c.verdict, Verdict::kSlower);
}

// Seen on a loaded 2-core VM, two runs of one simulated device: 45 % less throughput in 8-byte
// reads (stalls while the host was busy), the median 1.3 % higher with intervals one histogram
// bucket wide and apart. The median did not move beyond the band: noise, not a regression.
TEST(CompareCell, StallsThatLeaveTheMedianAloneAreNoise) {
  EXPECT_EQ(compare_cell(cell(6.09e6, 1.21e-6, 5e-9), cell(3.37e6, 1.226e-6, 5e-9)).verdict, Verdict::kSame);
  EXPECT_EQ(compare_cell(cell(4.12e6, 1.226e-6, 5e-9), cell(6.15e6, 1.21e-6, 5e-9)).verdict, Verdict::kSame);
}

TEST(CompareCell, SpreadRuleWidensItsBandByTheRepetitionsCv) {
  // CVs of 4 % on each side: combined 5.66 %, band 3 x that = 17 %. A median 15 % higher is noise
  // there, 30 % is not.
  CellChange within = compare_cell(cell(100e6, 1e-6, 1e-8, {}, 0.04), cell(85e6, 1.15e-6, 1e-8, {}, 0.04));
  EXPECT_NEAR(within.noise_band, 3 * std::hypot(0.04, 0.04), 1e-12);
  EXPECT_EQ(within.verdict, Verdict::kSame);
  EXPECT_EQ(compare_cell(cell(100e6, 1e-6, 1e-8, {}, 0.04), cell(75e6, 1.3e-6, 1e-8, {}, 0.04)).verdict,
            Verdict::kSlower);
}

TEST(CompareCell, FiveRepetitionsOnBothSidesUseTheUTest) {
  const std::vector<double> base{100, 101, 99, 100.5, 99.5};
  const std::vector<double> lower{90, 91, 89, 90.5, 89.5};
  // Every repetition 10 % lower, the median latency 11 % higher: U = 0, p = 2/252.
  CellChange slower = compare_cell(cell(100, 1e-6, 1e-7, base), cell(90, 1.11e-6, 1e-7, lower));
  EXPECT_EQ(slower.method, VerdictMethod::kUTest);
  EXPECT_NEAR(slower.p_value, 2.0 / 252, 1e-12);
  EXPECT_EQ(slower.verdict, Verdict::kSlower);  // the latency intervals overlap: the U test does not need them
  // Every repetition 10 % lower but the median latency unmoved: stalls, not a slower device.
  EXPECT_EQ(compare_cell(cell(100, 1e-6, 1e-7, base), cell(90, 1e-6, 1e-7, lower)).verdict, Verdict::kSame);
  // Significant but only 2 % lower: below the minimum change.
  EXPECT_EQ(compare_cell(cell(100, 1e-6, 1e-7, base), cell(98, 1.02e-6, 1e-7, {98, 99, 97, 98.5, 97.5})).verdict,
            Verdict::kSame);
  // 10 % lower on the whole but interleaved repetitions (one outlier run): not significant.
  CellChange mixed = compare_cell(cell(100, 1e-6, 1e-7, base), cell(90, 1e-6, 1e-7, {100.2, 99.8, 50, 100.7, 99.2}));
  EXPECT_GT(mixed.p_value, 0.05);
  EXPECT_EQ(mixed.verdict, Verdict::kSame);
}

TEST(CompareCell, FewerThanFiveRepetitionsFallBackToTheSpreadRule) {
  CellChange c = compare_cell(cell(100, 1e-6, 1e-8, {100, 101, 99, 100}), cell(90, 1.1e-6, 1e-8, {90, 91, 89, 90, 90}));
  EXPECT_EQ(c.method, VerdictMethod::kSpread);
  EXPECT_EQ(c.verdict, Verdict::kSlower);
}

TEST(CompareCell, NothingMeasuredOnOneSideIsNoChange) {
  CellChange c = compare_cell(cell(0, 0, 0), cell(100e6, 1e-6, 1e-8));
  EXPECT_EQ(c.verdict, Verdict::kSame);
  EXPECT_DOUBLE_EQ(c.throughput_ratio, 0);
}

TEST(CompareCell, VerdictNamesAreTheContract) {
  EXPECT_STREQ(name_of(Verdict::kSlower), "slower");
  EXPECT_STREQ(name_of(Verdict::kFaster), "faster");
  EXPECT_STREQ(name_of(Verdict::kSame), "same");
  EXPECT_STREQ(name_of(VerdictMethod::kUTest), "u_test");
}

}  // namespace
}  // namespace pcie_bar
