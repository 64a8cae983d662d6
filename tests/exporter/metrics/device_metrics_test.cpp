#include "exporter/metrics/device_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <limits>
#include <set>

#include "exporter/metrics/proto/metrics.pb.h"

namespace pcie_bar {
namespace {

// Families of one collect, indexed by name.
std::map<std::string, prometheus::MetricFamily> collect(const DeviceMetrics& m) {
  MetricFamilies f;
  DeviceMetrics::declare(f);
  m.collect(f);
  std::map<std::string, prometheus::MetricFamily> out;
  for (auto& fam : f.take()) out[fam.name] = fam;
  return out;
}

std::string label(const prometheus::ClientMetric& m, const std::string& name) {
  for (const auto& l : m.label)
    if (l.name == name) return l.value;
  return "<none>";
}

DeviceRun sample_run(bool writes) {
  DeviceRun run;
  run.opened = true;
  run.sweep.seconds_per_unit = 1e-9;
  run.sweep.wall_seconds = 0.25;
  for (Op op : {Op::kRead, Op::kWrite, Op::kReadWrite}) {
    if (!writes && op != Op::kRead) continue;
    OpResult r;
    r.op = op;
    r.block_size = 64;
    r.ops = 4;
    r.bytes = op == Op::kReadWrite ? 512 : 256;
    for (int i = 0; i < 4; ++i) r.latency.record(900);  // 900 ns each
    run.sweep.results.push_back(r);
  }
  if (writes) {
    VerifyResult v;
    v.offset = 0x4000;
    v.status = VerifyStatus::kMismatch;
    run.verify.push_back(v);
  }
  return run;
}

TEST(DeviceMetrics, ARunBecomesHistogramsGaugesAndCounters) {
  DeviceSpec spec;
  DeviceMetrics m(spec);
  m.record_run(sample_run(true), 1700000000.5);
  auto f = collect(m);

  const auto& hist = f.at("pcie_bar_op_duration_seconds");
  ASSERT_EQ(hist.metric.size(), 3u);
  const auto& read = hist.metric[0];
  EXPECT_EQ(label(read, "device"), "sim0");
  EXPECT_EQ(label(read, "bar"), "0");
  EXPECT_EQ(label(read, "op"), "read");
  EXPECT_EQ(label(read, "block_size"), "64");
  EXPECT_EQ(read.histogram.sample_count, 4u);
  EXPECT_NEAR(read.histogram.sample_sum, 3.6e-6, 1e-12);
  EXPECT_EQ(read.histogram.bucket.size(), 23u);
  EXPECT_EQ(read.histogram.bucket[5].cumulative_count, 0u);  // <= 500 ns
  EXPECT_EQ(read.histogram.bucket[6].cumulative_count, 4u);  // <= 1 µs

  EXPECT_DOUBLE_EQ(f.at("pcie_bar_throughput_bytes_per_second").metric[0].gauge.value, 256 / 3.6e-6);
  EXPECT_EQ(f.at("pcie_bar_transferred_bytes_total").metric.size(), 3u);
  EXPECT_EQ(f.at("pcie_bar_rw_mismatches_total").metric[0].counter.value, 0);
  const auto& verify = f.at("pcie_bar_verify_success").metric[0];
  EXPECT_EQ(label(verify, "offset"), "0x4000");
  EXPECT_EQ(verify.gauge.value, 0);
  EXPECT_EQ(f.at("pcie_bar_verify_failures_total").metric[0].counter.value, 1);
  EXPECT_EQ(f.at("pcie_bar_device_up").metric[0].gauge.value, 1);
  EXPECT_EQ(f.at("pcie_bar_last_run_timestamp_seconds").metric[0].gauge.value, 1700000000.5);
  EXPECT_EQ(f.at("pcie_bar_sweep_duration_seconds").metric[0].gauge.value, 0.25);
  EXPECT_EQ(label(f.at("pcie_bar_timing_cpu_info").metric.at(0), "cpu"), "none");  // sample_run was not pinned
}

// rate(pcie_bar_device_busy_seconds_total) is the duty cycle the exporter imposes on the device:
// every run's time on the device counts, failed ones too.
TEST(DeviceMetrics, BusyTimeAddsUpEveryRunAndTheBudgetAndOpsAreExposed) {
  DeviceSpec spec;
  spec.sweep.budget = std::chrono::milliseconds(400);
  DeviceMetrics m(spec);
  DeviceRun run = sample_run(false);
  run.busy_seconds = 0.25;
  m.record_run(run, 1.0);
  m.record_failure(ErrorReason::kIo, 0.125);
  auto f = collect(m);
  EXPECT_DOUBLE_EQ(f.at("pcie_bar_device_busy_seconds_total").metric.at(0).counter.value, 0.375);
  EXPECT_DOUBLE_EQ(f.at("pcie_bar_sweep_budget_seconds").metric.at(0).gauge.value, 0.4);
  const auto& ops = f.at("pcie_bar_sweep_ops").metric.at(0);
  EXPECT_EQ(label(ops, "op"), "read");
  EXPECT_EQ(ops.gauge.value, 4);
}

// A default sweep's run: every op at every default block size, both default probes, a link and
// AER counters, as a real device reports them.
DeviceRun default_run(const DeviceSpec& spec) {
  DeviceRun run;
  run.opened = true;
  run.sweep.seconds_per_unit = 1e-9;
  for (Op op : {Op::kRead, Op::kWrite, Op::kReadWrite}) {
    for (uint64_t block : spec.sweep.block_sizes) {
      OpResult r;
      r.op = op;
      r.block_size = block;
      r.ops = 10;
      r.bytes = 10 * block;
      for (int i = 0; i < 10; ++i) r.latency.record(900 + 100 * i);
      run.sweep.results.push_back(r);
    }
  }
  for (const VerifySpec& p : spec.verify) {
    VerifyResult v;
    v.offset = p.offset;
    run.verify.push_back(v);
  }
  run.info.link = {.current_speed_gts = 8.0, .max_speed_gts = 8.0, .current_width = 4, .max_width = 4};
  run.info.aer = AerCounters{};
  return run;
}

// Sample lines on the page: each is one series in Prometheus.
std::size_t series_of(const DeviceMetrics& m) {
  std::size_t n = 0;
  for (const auto& [family, lines] : m.samples()->text) n += std::count(lines.begin(), lines.end(), '\n');
  return n;
}

TEST(DeviceMetrics, TheFleetProfileKeepsADefaultDeviceUnderAHundredSeries) {
  DeviceSpec spec;
  DeviceMetrics full(spec);
  full.record_run(default_run(spec), 1.0);
  spec.metrics.profile = MetricsProfile::kFleet;
  DeviceMetrics fleet(spec);
  fleet.record_run(default_run(spec), 1.0);
  EXPECT_GT(series_of(full), 1000u);  // 39 histograms of 22 bounds, +Inf, _sum and _count
  EXPECT_LE(series_of(fleet), 100u);
  std::cout << "series per default device: full " << series_of(full) << ", fleet " << series_of(fleet) << "\n";

  auto f = collect(fleet);
  std::set<std::string> blocks;
  for (const auto& h : f.at("pcie_bar_op_duration_seconds").metric) {
    blocks.insert(label(h, "block_size"));
    ASSERT_EQ(h.histogram.bucket.size(), 1u);  // +Inf only: latency is the native histogram's
    EXPECT_EQ(h.histogram.sample_count, 10u);
  }
  EXPECT_EQ(blocks, (std::set<std::string>{"8", "64", "4096"}));
  EXPECT_EQ(f.at("pcie_bar_throughput_bytes_per_second").metric.size(), 9u);
  EXPECT_EQ(f.at("pcie_bar_rw_mismatches_total").metric.size(), 13u);  // a mismatch anywhere still counts
}

TEST(DeviceMetrics, ConfiguredBucketsAreTheHistogramsAndAReloadWithOthersStartsThemAgain) {
  DeviceSpec spec;
  spec.metrics.latency_buckets = {LatencyBucketLayout::Kind::kBounds, {1e-6, 1.5e-6}};
  DeviceMetrics m(spec);
  m.record_run(sample_run(false), 1.0);  // four reads of 900 ns
  m.record_run(sample_run(false), 2.0);
  auto bucket = [&](std::size_t i) {
    return collect(m).at("pcie_bar_op_duration_seconds").metric.at(0).histogram.bucket.at(i);
  };
  EXPECT_DOUBLE_EQ(bucket(0).upper_bound, 1e-6);
  EXPECT_EQ(bucket(0).cumulative_count, 8u);
  EXPECT_EQ(bucket(2).upper_bound, std::numeric_limits<double>::infinity());

  spec.metrics.latency_buckets.bounds = {5e-7, 1e-6, 1.5e-6};
  m.set_spec(spec);
  m.record_run(sample_run(false), 3.0);
  EXPECT_DOUBLE_EQ(bucket(0).upper_bound, 5e-7);
  EXPECT_EQ(bucket(1).cumulative_count, 4u);       // only the run since the reload
  spec.sweep.interval = std::chrono::seconds(30);  // a reload that keeps the buckets keeps the counts
  m.set_spec(spec);
  m.record_run(sample_run(false), 4.0);
  EXPECT_EQ(bucket(1).cumulative_count, 8u);
}

// One gauge per (cell, limit) a threshold checked in the last run: 1 beyond, 0 within; a
// threshold gone after a reload is gone from the page with the next run.
TEST(DeviceMetrics, EachThresholdCheckOfTheLastRunIsAGauge) {
  DeviceMetrics m(DeviceSpec{});
  DeviceRun run = sample_run(false);
  run.thresholds = {{Op::kRead, 64, Limit::kMaxP99, 500e-9, 900e-9, true},
                    {Op::kRead, 64, Limit::kMinThroughput, 1e6, 71e6, false}};
  m.record_run(run, 1.0);
  auto f = collect(m);
  const auto& violated = f.at("pcie_bar_threshold_violated").metric;
  ASSERT_EQ(violated.size(), 2u);
  std::map<std::string, double> by_limit;
  for (const auto& s : violated) {
    EXPECT_EQ(label(s, "op"), "read");
    EXPECT_EQ(label(s, "block_size"), "64");
    by_limit[label(s, "limit")] = s.gauge.value;
  }
  EXPECT_EQ(by_limit, (std::map<std::string, double>{{"max_p99", 1}, {"min_throughput", 0}}));
  m.record_run(sample_run(false), 2.0);
  const auto after = collect(m);
  const auto family = after.find("pcie_bar_threshold_violated");
  EXPECT_TRUE(family == after.end() || family->second.metric.empty());
}

// The config's baseline: the last run's throughput over the baseline's, per cell both measured.
TEST(DeviceMetrics, ABaselineGivesTheThroughputRatioOfEachCellItHolds) {
  DeviceSpec spec;
  spec.baseline = BaselineSpec{"old.json", "pcie.yml:3:15: devices[0].baseline", "fpga0", {}};
  const double measured = 256 / 3.6e-6;  // sample_run: 256 bytes in 4 x 900 ns
  spec.baseline->cells = {
      {Op::kRead, 64, CellFigures{.throughput = 2 * measured, .repetition_throughputs = {}}},
      {Op::kRead, 4096, CellFigures{.throughput = 1e6, .repetition_throughputs = {}}}};  // not measured now: no series
  DeviceMetrics m(spec);
  m.record_run(sample_run(true), 1.0);  // write and rw are not in the baseline: no series
  auto f = collect(m);
  const auto& ratio = f.at("pcie_bar_baseline_throughput_ratio").metric;
  ASSERT_EQ(ratio.size(), 1u);
  EXPECT_EQ(label(ratio[0], "op"), "read");
  EXPECT_EQ(label(ratio[0], "block_size"), "64");
  EXPECT_NEAR(ratio[0].gauge.value, 0.5, 1e-12);

  m.set_spec(DeviceSpec{});  // a reload removed the baseline: the series goes with the next run
  m.record_run(sample_run(true), 2.0);
  const auto after = collect(m);
  const auto family = after.find("pcie_bar_baseline_throughput_ratio");
  EXPECT_TRUE(family == after.end() || family->second.metric.empty());
}

TEST(DeviceMetrics, TheTimingCpuOfTheLastRunIsAnInfoMetric) {
  DeviceMetrics m(DeviceSpec{});
  DeviceRun run = sample_run(true);
  run.timing_cpu = {3, 0, true, ""};
  m.record_run(run, 1.0);
  auto f = collect(m);
  const auto& cpu = f.at("pcie_bar_timing_cpu_info").metric.at(0);
  EXPECT_EQ(label(cpu, "cpu"), "3");
  EXPECT_EQ(label(cpu, "numa_node"), "0");
  EXPECT_EQ(label(cpu, "local"), "true");
  EXPECT_EQ(cpu.gauge.value, 1);
}

TEST(DeviceMetrics, HistogramsAndCountersAccumulateAcrossRuns) {
  DeviceMetrics m(DeviceSpec{});
  m.record_run(sample_run(true), 1);
  m.record_run(sample_run(true), 2);
  auto f = collect(m);
  EXPECT_EQ(f.at("pcie_bar_op_duration_seconds").metric[0].histogram.sample_count, 8u);
  EXPECT_EQ(f.at("pcie_bar_transferred_bytes_total").metric[0].counter.value, 512);
  EXPECT_EQ(f.at("pcie_bar_verify_runs_total").metric[0].counter.value, 2);
  for (const auto& r : f.at("pcie_bar_runs_total").metric)
    EXPECT_EQ(r.counter.value, label(r, "result") == "success" ? 2 : 0);
}

TEST(DeviceMetrics, SkippedOpsProduceNoSeries) {
  DeviceMetrics m(DeviceSpec{});
  m.record_run(sample_run(false), 1);
  auto f = collect(m);
  EXPECT_EQ(f.at("pcie_bar_op_duration_seconds").metric.size(), 1u);
  EXPECT_EQ(f.count("pcie_bar_rw_mismatches_total"), 0u);
  EXPECT_EQ(f.count("pcie_bar_verify_success"), 0u);
}

TEST(DeviceMetrics, FailureMarksDownAndCountsTheReason) {
  DeviceMetrics m(DeviceSpec{});
  EXPECT_FALSE(m.first_run_done());
  m.record_run(sample_run(true), 1);
  m.record_failure(ErrorReason::kIo);
  EXPECT_TRUE(m.first_run_done());
  auto f = collect(m);
  EXPECT_EQ(f.at("pcie_bar_device_up").metric[0].gauge.value, 0);
  EXPECT_EQ(label(f.at("pcie_bar_device_errors_total").metric[0], "reason"), "io");
  EXPECT_EQ(f.at("pcie_bar_op_duration_seconds").metric[0].histogram.sample_count, 4u);  // kept for rate()
}

// Each reason is counted under its own label value, and the HELP text explains every one (it
// once said "(open, io)" while six reasons existed).
TEST(DeviceMetrics, EveryErrorReasonIsCountedUnderItsNameAndExplainedInHelp) {
  DeviceMetrics m(DeviceSpec{});
  for (const auto& r : kErrorReasons) m.record_failure(r.value);
  m.record_failure(ErrorReason::kTimeout);
  const auto errors = collect(m).at("pcie_bar_device_errors_total");
  std::map<std::string, double> by_reason;
  for (const auto& s : errors.metric) by_reason[label(s, "reason")] = s.counter.value;
  EXPECT_EQ(by_reason, (std::map<std::string, double>{
                           {"all_ones", 1}, {"bus_error", 1}, {"gone", 1}, {"io", 1}, {"open", 1}, {"timeout", 2}}));
  for (const auto& r : kErrorReasons)
    EXPECT_NE(errors.help.find(std::string(r.name) + " (" + r.meaning + ")"), std::string::npos) << errors.help;
}

TEST(DeviceMetrics, EveryRunRefreshesLinkAndAer) {
  DeviceMetrics m(DeviceSpec{});
  DeviceRun run = sample_run(false);
  run.info.aer = AerCounters{1, 0, 0};
  run.info.link.current_width = 8;
  m.record_run(run, 1);
  run.info.aer = AerCounters{4, 0, 2};
  run.info.link.current_width = 4;  // the link retrained narrower while the device stayed open
  m.record_run(run, 2);
  auto f = collect(m);
  for (const auto& a : f.at("pcie_bar_aer_errors_total").metric) {
    std::string sev = label(a, "severity");
    EXPECT_EQ(a.counter.value, sev == "correctable" ? 4 : sev == "fatal" ? 2 : 0) << sev;
  }
  EXPECT_EQ(f.at("pcie_bar_link_width_lanes").metric[0].gauge.value, 4);
}

TEST(DeviceMetrics, InfoCarriesIdentityAndLinkWhenKnown) {
  DeviceSpec spec;
  spec.name = "fpga0";
  spec.backend = Backend::kVfio;
  spec.address = "0000:22:00.0";
  DeviceMetrics m(spec);
  PciInfo info;
  info.vendor_id = "0x10ee";
  info.device_id = "0x0666";
  info.driver = "vfio-pci";
  info.link.current_speed_gts = 8.0;
  info.link.max_speed_gts = 16.0;
  info.link.current_width = 4;
  info.aer = AerCounters{1, 0, 0};
  BarProperties bar;
  bar.size = 65536;
  m.record_opened(bar, info);
  auto f = collect(m);
  const auto& i = f.at("pcie_bar_device_info").metric[0];
  EXPECT_EQ(label(i, "address"), "0000:22:00.0");
  EXPECT_EQ(label(i, "backend"), "vfio");
  EXPECT_EQ(label(i, "vendor_id"), "0x10ee");
  EXPECT_EQ(label(i, "driver"), "vfio-pci");
  EXPECT_EQ(f.at("pcie_bar_bar_size_bytes").metric[0].gauge.value, 65536);
  ASSERT_EQ(f.at("pcie_bar_link_speed_transfers_per_second").metric.size(), 2u);
  EXPECT_EQ(f.at("pcie_bar_link_speed_transfers_per_second").metric[0].gauge.value, 8e9);
  ASSERT_EQ(f.at("pcie_bar_link_width_lanes").metric.size(), 1u);  // max width unknown: no series
  EXPECT_EQ(f.at("pcie_bar_aer_errors_total").metric.size(), 3u);
}

// The protobuf samples carry each op histogram's native buckets, accumulated like the classic
// ones: 900 ns ops sit in fine bucket [896, 903] ns, whose midpoint 899.5 ns is in native bucket
// -160, (2^-20.125, 2^-20] s = (874.6, 953.7] ns.
TEST(DeviceMetrics, TheProtobufSamplesCarryNativeBucketsAccumulatedOverRuns) {
  DeviceMetrics m(DeviceSpec{});
  m.record_run(sample_run(false), 1);
  m.record_run(sample_run(false), 2);
  io::prometheus::client::MetricFamily f;
  ASSERT_TRUE(f.ParseFromString(m.samples()->protobuf.at("pcie_bar_op_duration_seconds")));
  ASSERT_EQ(f.metric_size(), 1);
  const auto& h = f.metric(0).histogram();
  EXPECT_EQ(h.sample_count(), 8u);
  EXPECT_EQ(h.bucket_size(), 23);  // the classic buckets stay
  EXPECT_EQ(h.schema(), 3);
  EXPECT_EQ(h.zero_count(), 0u);
  ASSERT_EQ(h.positive_span_size(), 1);
  EXPECT_EQ(h.positive_span(0).offset(), -160);
  EXPECT_EQ(h.positive_span(0).length(), 1u);
  ASSERT_EQ(h.positive_delta_size(), 1);
  EXPECT_EQ(h.positive_delta(0), 8);
}

}  // namespace
}  // namespace pcie_bar
