#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "tests/exporter/report/sample_report.h"

namespace pcie_bar {
namespace {

// With a baseline, four columns more: ratios and verdict per cell; a failed device's row keeps the shape.
TEST(ReportCsv, ABaselineAddsRatiosAndTheVerdictToEachRow) {
  OnceReport rep = testing::sample_report_with_baseline();
  rep.devices.push_back(testing::failed_run("fpga1", Backend::kVfio, "0000:23:00.0", "busy"));
  std::ostringstream out;
  write_csv(rep, out);
  std::istringstream lines(out.str());
  std::string header, read_row, row, last;
  std::getline(lines, header);
  std::getline(lines, read_row);
  while (std::getline(lines, row)) last = row;
  EXPECT_EQ(header.substr(header.find(",threshold_violations")),
            ",threshold_violations,baseline_throughput_ratio,baseline_p50_ratio,baseline_p99_ratio,baseline_verdict");
  EXPECT_EQ(read_row.substr(read_row.size() - 16), ",,0.5,2,1,slower");
  EXPECT_EQ(std::count(last.begin(), last.end(), ','), std::count(header.begin(), header.end(), ','));
}

TEST(ReportCsv, OneRowPerResultWithRawUnits) {
  OnceReport rep = testing::sample_report();
  rep.devices[0].spec.name = "fpga,\"0\"";
  std::ostringstream out;
  write_csv(rep, out);
  std::istringstream lines(out.str());
  std::string header, read_row, write_row, rw_row, extra;
  std::getline(lines, header);
  std::getline(lines, read_row);
  std::getline(lines, write_row);
  std::getline(lines, rw_row);
  EXPECT_FALSE(std::getline(lines, extra));
  EXPECT_EQ(header,
            "device,backend,address,bar,op,block_size,ops,bytes,seconds,throughput_bytes_per_second,mismatches,"
            "latency_min_seconds,latency_mean_seconds,latency_p50_seconds,latency_p99_seconds,latency_max_seconds,"
            "ops_per_sample,iterations_planned,budget_limited,underpowered,samples,latency_p999_seconds,"
            "latency_stddev_seconds,latency_cv,latency_p50_ci95_low_seconds,latency_p50_ci95_high_seconds,repetitions,"
            "repetitions_median_throughput_bytes_per_second,repetitions_throughput_cv,error,threshold_violations");
  EXPECT_EQ(read_row,
            "\"fpga,\"\"0\"\"\",vfio,\"0000:22:00.0\",0,read,4,10,40,1e-05,4000000,0,1e-06,1e-06,1e-06,1e-06,1e-06,1,"
            "100,true,true,0,1e-06,0,0,1e-06,1e-06,0,0,0,,");
  EXPECT_EQ(rw_row.substr(rw_row.find(",rw,")),
            ",rw,4,5,40,1e-05,4000000,1,2e-06,2e-06,2e-06,2e-06,2e-06,1,5,false,true,0,2e-06,0,0,2e-06,2e-06,0,0,0,,");
}

// `--once --output csv` for a device that cannot be opened printed only the header: the error
// was lost. Now the device has a row, its measurement columns empty and its error last.
TEST(ReportCsv, ADeviceThatFailedHasARowWithItsError) {
  OnceReport rep = testing::sample_report();
  rep.devices.push_back(testing::failed_run("fpga1", Backend::kVfio, "0000:23:00.0",
                                            "vfio: cannot open /dev/vfio/7: Device or resource busy"));
  std::ostringstream out;
  write_csv(rep, out);
  std::istringstream lines(out.str());
  std::string header, row, last;
  std::getline(lines, header);
  while (std::getline(lines, row)) last = row;
  EXPECT_EQ(header.substr(header.size() - 27), ",error,threshold_violations");
  EXPECT_EQ(last, "\"fpga1\",vfio,\"0000:23:00.0\",0," + std::string(25, ',') +
                      "\"vfio: cannot open /dev/vfio/7: Device or resource busy\",");
  EXPECT_EQ(std::count(last.begin(), last.end(), ','), std::count(header.begin(), header.end(), ','));
}

TEST(ReportCsv, ACellNamesTheLimitsItViolated) {
  OnceReport rep = testing::sample_report();
  rep.devices[0].thresholds = {{Op::kRead, 4, Limit::kMinThroughput, 5e6, 4e6, true},
                               {Op::kRead, 4, Limit::kMaxP99, 5e-7, 1e-6, true},
                               {Op::kWrite, 4, Limit::kMaxP99, 2e-6, 5e-7, false}};
  std::ostringstream out;
  write_csv(rep, out);
  std::istringstream lines(out.str());
  std::string header, read_row, write_row;
  std::getline(lines, header);
  std::getline(lines, read_row);
  std::getline(lines, write_row);
  EXPECT_EQ(read_row.substr(read_row.rfind(',')), ",min_throughput;max_p99");
  EXPECT_EQ(write_row.substr(write_row.rfind(',')), ",");  // checked and within: nothing named
}

}  // namespace
}  // namespace pcie_bar
