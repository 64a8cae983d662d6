#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/exporter/report/sample_report.h"

namespace pcie_bar {
namespace {

nlohmann::json json_of(const OnceReport& rep) {
  std::ostringstream out;
  write_json(rep, out);
  return nlohmann::json::parse(out.str());
}

TEST(ReportJson, RepetitionsThroughputsAndTheBaselineComparison) {
  OnceReport rep = testing::sample_report_with_baseline();
  rep.devices[0].sweep.results[1].repetition_throughputs = {8e6, 7.9e6};
  const auto j = json_of(rep);
  EXPECT_EQ(j["devices"][0]["results"][1]["repetitions"]["throughputs_bytes_per_second"],
            (std::vector<double>{8e6, 7.9e6}));
  EXPECT_FALSE(j["devices"][0]["results"][0]["repetitions"].contains("throughputs_bytes_per_second"));
  const auto& cells = j["baseline"]["devices"][0]["cells"];
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells[0]["verdict"], "slower");
  EXPECT_DOUBLE_EQ(cells[0]["throughput_ratio"].get<double>(), 0.5);
  EXPECT_EQ(j["baseline"]["regression"], true);
  EXPECT_FALSE(json_of(testing::sample_report()).contains("baseline"));
}

// The names the config takes, so a report can be turned back into a config.
TEST(ReportJson, AccessMethodAndBackendAreTheirConfigNames) {
  OnceReport rep = testing::sample_report();
  rep.devices[0].spec.access.method = AccessMethod::kSyscall;
  rep.devices[0].spec.backend = Backend::kSysfs;
  const auto j = json_of(rep);
  const auto& d = j["devices"][0];
  EXPECT_EQ(d["access_method"], "syscall");
  EXPECT_EQ(d["backend"], "sysfs");
}

TEST(ReportJson, HasTheDocumentedShape) {
  auto j = json_of(testing::sample_report());
  const auto& d = j["devices"][0];
  EXPECT_EQ(d["name"], "fpga0");
  EXPECT_EQ(d["backend"], "vfio");
  EXPECT_EQ(d["address"], "0000:22:00.0");
  EXPECT_EQ(d["bar"], 0);
  EXPECT_EQ(d["bar_size"], 65536);
  EXPECT_EQ(d["window"]["offset"], 0);
  EXPECT_EQ(d["window"]["size"], 16384);
  EXPECT_EQ(d["access_width"], 8);
  EXPECT_EQ(d["access_method"], "mmap");
  const auto& rw = d["results"][2];
  EXPECT_EQ(rw["op"], "rw");
  EXPECT_EQ(rw["block_size"], 4);
  EXPECT_EQ(rw["ops"], 5);
  EXPECT_EQ(rw["bytes"], 40);
  EXPECT_DOUBLE_EQ(rw["seconds"].get<double>(), 10e-6);
  EXPECT_DOUBLE_EQ(rw["throughput_bytes_per_second"].get<double>(), 4e6);
  EXPECT_EQ(rw["mismatches"], 1);
  EXPECT_EQ(rw["ops_per_sample"], 1);
  EXPECT_EQ(rw["iterations_planned"], 5);
  EXPECT_EQ(rw["budget_limited"], false);
  EXPECT_EQ(rw["underpowered"], true);  // 5 ops
  EXPECT_EQ(d["results"][0]["budget_limited"], true);
  EXPECT_DOUBLE_EQ(rw["latency_seconds"]["p999"].get<double>(), 2e-6);
  EXPECT_DOUBLE_EQ(rw["latency_seconds"]["stddev"].get<double>(), 0);
  EXPECT_EQ(rw["latency_seconds"]["p50_ci95"].size(), 2u);
  EXPECT_EQ(rw["repetitions"]["count"], 0);
  EXPECT_DOUBLE_EQ(rw["latency_seconds"]["p99"].get<double>(), 2e-6);
  const auto& v = d["verify"][0];
  EXPECT_EQ(v["offset"], 4);
  EXPECT_EQ(v["width"], 4);
  EXPECT_EQ(v["written"], "0x12345678");
  EXPECT_EQ(v["read_back"], "0xedcba987");
  EXPECT_EQ(v["ok"], false);
  EXPECT_EQ(j["context"]["clock"]["source"], "tsc");
  EXPECT_EQ(d["timing_cpu"], (nlohmann::json{{"cpu", 5}, {"numa_node", 1}, {"local_to_device", true}, {"note", ""}}));
}

// A saved report says what made it and where, so it can be trusted (or compared) later.
TEST(ReportJson, StartsWithTheSchemaVersionAndTheContext) {
  OnceReport rep = testing::sample_report();
  rep.context = {"0.1.0", "abc1234", "rack7-fpga3", "Linux 6.1.0-27-amd64", "AMD EPYC 9B45", "2026-11-30T05:00:00Z"};
  const auto j = json_of(rep);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["context"]["tool_version"], "0.1.0");
  EXPECT_EQ(j["context"]["tool_revision"], "abc1234");
  EXPECT_EQ(j["context"]["host"], "rack7-fpga3");
  EXPECT_EQ(j["context"]["kernel"], "Linux 6.1.0-27-amd64");
  EXPECT_EQ(j["context"]["cpu_model"], "AMD EPYC 9B45");
  EXPECT_EQ(j["context"]["date"], "2026-11-30T05:00:00Z");
  EXPECT_DOUBLE_EQ(j["context"]["clock"]["overhead_seconds"].get<double>(), 9e-9);
}

TEST(ReportJson, EachThresholdCheckHasItsFiguresAndVerdict) {
  OnceReport rep = testing::sample_report();
  rep.devices[0].thresholds = {{Op::kRead, 4, Limit::kMinThroughput, 5e6, 4e6, true}};
  const auto t = json_of(rep)["devices"][0]["thresholds"];
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]["op"], "read");
  EXPECT_EQ(t[0]["block_size"], 4);
  EXPECT_EQ(t[0]["limit"], "min_throughput");
  EXPECT_DOUBLE_EQ(t[0]["limit_value"].get<double>(), 5e6);
  EXPECT_DOUBLE_EQ(t[0]["measured"].get<double>(), 4e6);
  EXPECT_EQ(t[0]["violated"], true);
  EXPECT_EQ(t[0]["description"], "READ 4 B: throughput 4 MB/s below min_throughput 5 MB/s");
  EXPECT_TRUE(json_of(testing::sample_report())["devices"][0]["thresholds"].empty());
}

TEST(ReportJson, DeviceNamesAreEscapedNotSpliced) {
  OnceReport rep = testing::sample_report();
  rep.devices[0].spec.name = "a\"b\\c";
  EXPECT_EQ(json_of(rep)["devices"][0]["name"], "a\"b\\c");
}

}  // namespace
}  // namespace pcie_bar
