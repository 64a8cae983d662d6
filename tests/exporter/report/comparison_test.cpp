#include "exporter/report/comparison.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace pcie_bar {
namespace {

// A cell whose median latency is `p50` with a tight interval, and throughput block / p50.
Cell cell(Op op, uint64_t block, double p50) {
  CellFigures f;
  f.throughput = static_cast<double>(block) / p50;
  f.p50 = p50;
  f.p99 = 1.5 * p50;
  f.p50_ci_low = 0.99 * p50;
  f.p50_ci_high = 1.01 * p50;
  f.ops = 1000;
  return {op, block, f};
}

SavedReport report(const std::string& source, std::vector<SavedDevice> devices) {
  SavedReport r;
  r.source = source;
  r.devices = std::move(devices);
  return r;
}

TEST(Comparison, CellsAreMatchedByOpAndBlockSizeAndJudged) {
  SavedDevice before{"fpga0", "", {cell(Op::kRead, 8, 1.2e-6), cell(Op::kRead, 64, 9.6e-6), cell(Op::kWrite, 8, 1e-7)}};
  SavedDevice after{"fpga0", "", {cell(Op::kRead, 8, 2e-6), cell(Op::kRead, 64, 9.6e-6), cell(Op::kRead, 4096, 6e-4)}};
  const Comparison c = compare_reports(report("a.json", {before}), report("b.json", {after}));
  ASSERT_EQ(c.devices.size(), 1u);
  const DeviceComparison& d = c.devices[0];
  ASSERT_EQ(d.cells.size(), 2u);
  EXPECT_EQ(d.cells[0].change.verdict, Verdict::kSlower);
  EXPECT_NEAR(d.cells[0].change.throughput_ratio, 0.6, 1e-12);
  EXPECT_EQ(d.cells[1].change.verdict, Verdict::kSame);
  EXPECT_EQ(d.cells_only_in_baseline, 1u);  // the write cell
  EXPECT_EQ(d.cells_only_in_run, 1u);       // the 4 KiB read
  EXPECT_EQ(d.baseline_source, "a.json");
  EXPECT_TRUE(c.regression());
  EXPECT_EQ(verdict_counts(c), "1 of 2 cells slower, 0 faster, 1 same");
}

TEST(Comparison, OneDeviceEachArePairedWhateverTheirNames) {
  const Comparison c = compare_reports(report("slot1.json", {{"card-slot1", "", {cell(Op::kRead, 8, 1e-6)}}}),
                                       report("slot2.json", {{"card-slot2", "", {cell(Op::kRead, 8, 0.5e-6)}}}));
  ASSERT_EQ(c.devices.size(), 1u);
  EXPECT_EQ(c.devices[0].baseline_name, "card-slot1");
  EXPECT_EQ(c.devices[0].name, "card-slot2");
  EXPECT_EQ(c.devices[0].cells[0].change.verdict, Verdict::kFaster);
  EXPECT_FALSE(c.regression());
}

TEST(Comparison, DevicesOnOneSideOnlyOrFailedAreNoted) {
  const Comparison c =
      compare_reports(report("a.json", {{"a", "", {cell(Op::kRead, 8, 1e-6)}}, {"old", "", {}}}),
                      report("b.json", {{"a", "vfio: busy", {}}, {"new", "", {cell(Op::kRead, 8, 1e-6)}}}));
  ASSERT_EQ(c.devices.size(), 1u);
  EXPECT_EQ(c.cells(), 0u);
  EXPECT_EQ(c.notes, (std::vector<std::string>{"device a: failed in b.json: vfio: busy", "device new: only in b.json",
                                               "device old: only in a.json"}));
}

TEST(Comparison, TableHasEveryCellAVerdictAndTheResult) {
  const Comparison c = compare_reports(report("a.json", {{"fpga0", "", {cell(Op::kRead, 8, 1.2e-6)}}}),
                                       report("b.json", {{"fpga0", "", {cell(Op::kRead, 8, 2e-6)}}}));
  std::ostringstream out;
  write_comparison_table(c, "COMPARISON", out);
  const std::string text = out.str();
  EXPECT_NE(text.find("=== COMPARISON: fpga0 (A: fpga0 in a.json, B: b.json) ==="), std::string::npos) << text;
  EXPECT_NE(text.find("READ  |        8 B |       6.67 |       4.00 |  0.600 |           -2.67 |   1.667 |   1.667 | "
                      "slower  | band 5.0%"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Result: REGRESSION (1 of 1 cells slower, 0 faster, 0 same)\n"), std::string::npos) << text;
}

TEST(Comparison, JsonGivesEachCellsFiguresAndVerdict) {
  const Comparison c = compare_reports(report("a.json", {{"fpga0", "", {cell(Op::kRead, 8, 1.2e-6)}}}),
                                       report("b.json", {{"fpga0", "", {cell(Op::kRead, 8, 2e-6)}}}));
  std::ostringstream out;
  write_comparison_json(c, out);
  const auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["run"], "b.json");
  EXPECT_EQ(j["regression"], true);
  EXPECT_EQ(j["summary"]["slower"], 1);
  const auto& cell0 = j["devices"][0]["cells"][0];
  EXPECT_EQ(j["devices"][0]["baseline"], "a.json");
  EXPECT_EQ(cell0["op"], "read");
  EXPECT_EQ(cell0["verdict"], "slower");
  EXPECT_EQ(cell0["method"], "spread");
  EXPECT_NEAR(cell0["throughput_ratio"].get<double>(), 0.6, 1e-12);
  EXPECT_NEAR(cell0["throughput_difference_bytes_per_second"].get<double>(), 4e6 - 8 / 1.2e-6, 1e-6);
}

}  // namespace
}  // namespace pcie_bar
