#include <gtest/gtest.h>

#include <sstream>

#include "tests/exporter/report/sample_report.h"

namespace pcie_bar {
namespace {

std::string table() {
  std::ostringstream out;
  write_table(testing::sample_report(), out);
  return out.str();
}

TEST(ReportTable, HeaderNamesTheRealDeviceAndBackend) {
  std::string t = table();
  EXPECT_EQ(t.rfind("Device fpga0: PCI 0000:22:00.0 BAR0 via backend vfio\n", 0), 0u) << t;
  EXPECT_NE(t.find("  BAR0 size:  65536 bytes (0x10000), vfio region 0\n"), std::string::npos);
  EXPECT_NE(t.find("  Timing CPU: 5 (pinned for the run; local to the device, NUMA node 1)\n"), std::string::npos) << t;
  EXPECT_NE(
      t.find("  Clock:      tsc, 9.00 ns per timestamp pair (median), subtracted from every sample; ops shorter than "
             "32 pairs are timed in batches of at least 128 pairs\n"),
      std::string::npos);
}

TEST(ReportTable, AccessLineNamesTheMethodAndWhatItDoes) {
  EXPECT_NE(table().find("  Access:     8-byte accesses via mmap (CPU loads and stores on a mapping of the BAR)\n"),
            std::string::npos)
      << table();
  OnceReport rep = testing::sample_report();
  rep.devices[0].spec.access.method = AccessMethod::kSyscall;
  std::ostringstream out;
  write_table(rep, out);
  EXPECT_NE(out.str().find("  Access:     8-byte accesses via syscall (one pread/pwrite system call per access)\n"),
            std::string::npos)
      << out.str();
}

TEST(ReportTable, RowsShowThroughputAndLatencyInFittingUnits) {
  std::string t = table();
  EXPECT_NE(t.find("READ  |        4 B |    10*! |       4.00 |  1.00 µs |  1.00 µs |  1.00 µs |  1.00 µs |  1.00 µs | "
                   " 1.00 µs |"
                   "    0% |          -\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("WRITE |        4 B |     10! |       8.00 |   500 ns |"), std::string::npos) << t;
  EXPECT_NE(t.find("R+W   |        4 B |      5! |       4.00 |  2.00 µs |"), std::string::npos) << t;
}

TEST(ReportTable, CellsPlannedDownOrWithTooFewOpsAreMarkedAndExplained) {
  std::string t = table();
  EXPECT_NE(t.find("* fewer ops than sweep.iterations: the cell's share of sweep.budget (1.00 s per run) ran out\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("! fewer than 30 ops: too few for its percentiles to be trusted\n"), std::string::npos) << t;
}

TEST(ReportTable, HexDumpAndFailedVerifyAreSpelledOut) {
  std::string t = table();
  EXPECT_NE(t.find("00000004: 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("Writing 32-bit value 0x12345678 to offset 0x0004\n"), std::string::npos);
  EXPECT_NE(
      t.find("FAIL write verification failed: wrote 0x12345678, read back 0xedcba987, mismatching bits 0xffffffff\n"),
      std::string::npos)
      << t;
}

TEST(ReportTable, SummaryGivesBestAndAverageAndTheVerdict) {
  std::string t = table();
  EXPECT_NE(t.find("Best WRITE throughput:          8.00 MB/s with 4 B blocks\n"), std::string::npos) << t;
  EXPECT_NE(t.find("Average READ  throughput:       4.00 MB/s\n"), std::string::npos) << t;
  EXPECT_NE(t.find("Result: FAIL (1 R+W mismatches, 0/1 write-verify probes ok, window restored"), std::string::npos)
      << t;
}

TEST(ReportTable, ThresholdsListViolationsFirstAndFailTheResult) {
  OnceReport rep = testing::sample_report();
  rep.devices[0].sweep.results[2].mismatches = 0;
  rep.devices[0].verify.clear();
  rep.devices[0].thresholds = {{Op::kRead, 4, Limit::kMaxP99, 2e-6, 1e-6, false},
                               {Op::kRead, 4, Limit::kMinThroughput, 5e6, 4e6, true}};
  std::ostringstream out;
  write_table(rep, out);
  const std::string t = out.str();
  EXPECT_NE(t.find("=== THRESHOLDS: fpga0 ===\n"
                   "FAIL READ 4 B: throughput 4 MB/s below min_throughput 5 MB/s\n"
                   "OK   READ 4 B: p99 1 us within max_p99 2 us\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("Result: FAIL (0 R+W mismatches, 0/0 write-verify probes ok, 1 of 2 threshold checks failed"),
            std::string::npos)
      << t;
}

TEST(ReportTable, ABaselineIsASectionWithEveryCellAndTheResult) {
  std::ostringstream out;
  write_table(testing::sample_report_with_baseline(), out);
  const std::string text = out.str();
  EXPECT_NE(text.find("=== BASELINE: fpga0 (A: fpga0 in old.json, B: this run) ==="), std::string::npos) << text;
  EXPECT_NE(text.find("|  0.500 |"), std::string::npos) << text;
  EXPECT_NE(text.find("Result: REGRESSION (1 of 3 cells slower, 0 faster, 2 same)"), std::string::npos) << text;
  std::ostringstream plain;
  write_table(testing::sample_report(), plain);
  EXPECT_EQ(plain.str().find("BASELINE"), std::string::npos);
}

TEST(ReportTable, UnopenedDeviceShowsTheError) {
  OnceReport rep;
  const std::string error = "uio: 0000:01:00.0 is bound to nvme, not uio_pci_generic";
  rep.devices.push_back(testing::failed_run("x", Backend::kUio, "0000:01:00.0", error));
  std::ostringstream out;
  write_table(rep, out);
  EXPECT_EQ(out.str(), "Device x: PCI 0000:01:00.0 BAR0 via backend uio\nERROR: " + error + "\n");
}

}  // namespace
}  // namespace pcie_bar
