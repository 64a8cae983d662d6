#pragma once
// Whether one cell (op, block size) changed between two runs, told apart from run-to-run noise:
// the statistics behind `compare` and `--baseline`. Pure functions over the figures a JSON report
// saves, so a saved report and a fresh run are judged alike.
//
// The rule: a cell is slower when its median latency rose by more than a noise band and the
// change is significant; faster is the mirror image. The median decides, not the throughput:
// most run-to-run noise is stalls (interrupts, preemption, a busy host), which inflate the
// throughput (bytes over the summed time of every op) but leave the median alone, while a slower
// device moves the median. Significance: with at least 5 repetitions on both sides
// (sweep.repetitions), a two-sided Mann-Whitney U test on the repetitions' throughputs (alpha
// 0.05, as Google Benchmark's compare.py), whose medians must have moved beyond the band the same
// way, with a band of 5 %; otherwise the medians' 95 % confidence intervals apart, with a band of
// max(5 %, 3 x the combined CV of the throughput across repetitions).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/named_enum.h"
#include "core/op.h"

namespace pcie_bar {

// One cell's figures, as a JSON report holds them (or a run's op_stats gives them).
struct CellFigures {
  double throughput = 0;                   // bytes per second over the whole cell
  double p50 = 0, p99 = 0;                 // seconds
  double p50_ci_low = 0, p50_ci_high = 0;  // 95 % confidence interval of the median
  uint64_t ops = 0;
  std::size_t repetitions = 0;                 // sweep.repetitions; 0 or 1: no aggregate
  double repetitions_cv = 0;                   // the throughput's coefficient of variation across repetitions
  std::vector<double> repetition_throughputs;  // each repetition's, when the report holds them
};

// A cell of a saved report or a run: the unit two runs are compared in.
struct Cell {
  Op op = Op::kRead;
  uint64_t block_size = 0;
  CellFigures figures;
};

enum class Verdict { kSame, kFaster, kSlower };

inline constexpr NamedValue<Verdict> kVerdicts[] = {
    {Verdict::kSame, "same", "no change beyond the run-to-run spread"},
    {Verdict::kFaster, "faster", "more throughput, beyond the run-to-run spread"},
    {Verdict::kSlower, "slower", "less throughput, beyond the run-to-run spread: a regression"},
};
static_assert(is_complete_table(kVerdicts));
constexpr std::span<const NamedValue<Verdict>> name_table(Verdict) { return kVerdicts; }

// How the verdict was reached: the rank test on repetitions, or the spread rule without them.
enum class VerdictMethod { kUTest, kSpread };

inline constexpr NamedValue<VerdictMethod> kVerdictMethods[] = {
    {VerdictMethod::kUTest, "u_test", "Mann-Whitney U test on the repetitions' throughputs"},
    {VerdictMethod::kSpread, "spread", "change beyond the repetitions' spread, median confidence intervals apart"},
};
static_assert(is_complete_table(kVerdictMethods));
constexpr std::span<const NamedValue<VerdictMethod>> name_table(VerdictMethod) { return kVerdictMethods; }

struct ChangeRule {
  double min_relative_change = 0.05;  // smaller changes are never called, however significant
  double alpha = 0.05;                // the U test's significance level
  double spread_factor = 3;           // the spread rule's band: this many combined CVs
  std::size_t min_repetitions = 5;    // on both sides, for the U test (below, its p-value cannot reach 0.05 reliably)
};

struct CellChange {
  double throughput_ratio = 0;       // after / before
  double throughput_difference = 0;  // after - before, bytes per second
  double p50_ratio = 0, p99_ratio = 0;
  Verdict verdict = Verdict::kSame;
  VerdictMethod method = VerdictMethod::kSpread;
  double p_value = 0;     // the U test's; 1 with the spread rule
  double noise_band = 0;  // the relative change of the median that counts: min_relative_change, or the spread band
};

struct UTestResult {
  double u = 0;        // U of the first sample: pairs (a, b) with a > b, ties counting one half
  double p_value = 1;  // two-sided
  bool exact = false;  // from the exact distribution (small samples without ties), else the normal approximation
};

// kAuto: exact for samples of at most 20 each without ties, else asymptotic. kAsymptotic: the
// normal approximation with tie and continuity corrections (scipy's mannwhitneyu(method="asymptotic")).
enum class UTestMethod { kAuto, kAsymptotic };

// Two-sided Mann-Whitney U test. Empty samples give p = 1.
UTestResult mann_whitney_u(std::span<const double> a, std::span<const double> b,
                           UTestMethod method = UTestMethod::kAuto);

CellChange compare_cell(const CellFigures& before, const CellFigures& after, const ChangeRule& rule = {});

}  // namespace pcie_bar
