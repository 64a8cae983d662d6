#include "exporter/metrics/metrics_page.h"

#include <gtest/gtest.h>

#include "exporter/common/version.h"
#include "tests/support/exposition_sample.h"
#include "tests/support/golden_file.h"
#include "tests/support/run_command.h"

namespace pcie_bar {
namespace {

using testing::sample;

std::shared_ptr<DeviceMetrics> device(const std::string& name) {
  DeviceSpec spec;
  spec.name = name;
  return std::make_shared<DeviceMetrics>(spec);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(MetricsPage, ExposesEveryDeviceAndTheExportersOwnMetrics) {
  MetricsPage page(12e-9);
  page.set_devices({device("a"), device("b")});
  const std::string text = page.current()->text;
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"a\"}"), 0.0);
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"b\"}"), 0.0);
  EXPECT_EQ(sample(text, "pcie_bar_clock_overhead_seconds"), 12e-9);
  EXPECT_EQ(sample(text, std::string("pcie_bar_exporter_build_info{version=\"") + kVersion + "\",revision=\"" +
                             kRevision + "\"}"),
            1.0);
  EXPECT_EQ(text.find("# TYPE pcie_bar_op_duration_seconds"), std::string::npos);  // no run yet: no family
}

TEST(MetricsPage, EachFamilyHasOneHeaderAndAllItsSamplesTogether) {
  MetricsPage page(1e-9);
  auto a = device("a"), b = device("b");
  page.set_devices({a, b});
  const std::string text = page.current()->text;
  EXPECT_EQ(count(text, "# TYPE pcie_bar_device_up gauge\n"), 1u);
  EXPECT_NE(text.find("# TYPE pcie_bar_device_up gauge\npcie_bar_device_up{device=\"a\"} 0\n"
                      "pcie_bar_device_up{device=\"b\"} 0\n"),
            std::string::npos);
}

TEST(MetricsPage, ScrapesShareOnePageUntilADeviceRecordsSomething) {
  MetricsPage page(1e-9);
  auto a = device("a");
  page.set_devices({a});
  auto first = page.current();
  EXPECT_EQ(page.current(), first);  // the same string, not a copy
  a->record_failure(ErrorReason::kIo);
  auto second = page.current();
  EXPECT_NE(second, first);
  EXPECT_EQ(sample(second->text, "pcie_bar_device_errors_total{device=\"a\",reason=\"io\"}"), 1.0);
  EXPECT_EQ(sample(first->text, "pcie_bar_device_errors_total{device=\"a\",reason=\"io\"}"), std::nullopt);
}

TEST(MetricsPage, ReplacingTheDevicesRebuildsThePage) {
  MetricsPage page(1e-9);
  page.set_devices({device("a")});
  page.current();
  page.set_devices({device("c")});
  const std::string text = page.current()->text;
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"a\"}"), std::nullopt);
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"c\"}"), 0.0);
}

// --- The golden page: a fixed history of two devices, rendered through the real metrics code and
// compared with tests/data/golden/metrics.txt, so any change of a HELP text, a TYPE, a label or a
// bucket shows up as a failing test and a reviewed diff of that file. Every figure is made by
// hand; nothing here is timed. Regenerate on purpose with PCIE_BAR_UPDATE_GOLDEN=1.

OpResult golden_op(Op op, uint64_t block, std::initializer_list<uint64_t> latencies_ns) {
  OpResult r;
  r.op = op;
  r.block_size = block;
  r.ops = latencies_ns.size();
  r.bytes = r.ops * block * (op == Op::kReadWrite ? 2 : 1);
  r.iterations_planned = r.ops;
  r.mismatches = op == Op::kReadWrite && block == 8 ? 1 : 0;
  for (uint64_t ns : latencies_ns) r.latency.record(ns);
  return r;
}

DeviceRun golden_run(double busy_seconds) {
  DeviceRun run;
  run.opened = true;
  run.busy_seconds = busy_seconds;
  run.sweep.seconds_per_unit = 1e-9;  // one histogram unit per nanosecond
  run.sweep.wall_seconds = 0.75;
  // Latencies spread over several buckets, one in the +Inf bucket.
  run.sweep.results = {
      golden_op(Op::kRead, 8, {40, 90, 900, 4000}), golden_op(Op::kWrite, 8, {15, 15, 30}),
      golden_op(Op::kReadWrite, 8, {120, 2500}),    golden_op(Op::kRead, 4096, {30000, 60000, 250'000'000}),
      golden_op(Op::kWrite, 4096, {8000}),          golden_op(Op::kReadWrite, 4096, {45000, 70000})};
  VerifyResult ok, mismatch;
  ok.offset = 0x0;
  ok.status = VerifyStatus::kOk;
  mismatch.offset = 0x4000;
  mismatch.status = VerifyStatus::kMismatch;
  run.verify = {ok, mismatch};
  run.timing_cpu = {3, 0, true, ""};
  run.thresholds = {{Op::kRead, 4096, Limit::kMinThroughput, 200e6, 0.05e6, true},
                    {Op::kRead, 8, Limit::kMaxP99, 2e-6, 4e-6, true},
                    {Op::kWrite, 8, Limit::kMaxP99, 2e-6, 30e-9, false}};
  run.info.vendor_id = "0x10ee";
  run.info.device_id = "0x9038";
  run.info.subsystem_vendor_id = "0x10ee";
  run.info.subsystem_device_id = "0x0007";
  run.info.class_code = "0x058000";
  run.info.revision = "0x00";
  run.info.driver = "vfio-pci";
  run.info.iommu_group = "17";
  run.info.link = {8.0, 16.0, 8u, 16u};
  run.info.aer = AerCounters{3, 1, 0};
  return run;
}

// fpga0 (vfio): a run, a bus error, a timeout, all-ones, a second run.
// sim0 (sim): opens and fails by every other reason; never completes a run.
std::string golden_page() {
  DeviceSpec fpga;
  fpga.name = "fpga0";
  fpga.backend = Backend::kVfio;
  fpga.address = "0000:22:00.0";
  fpga.bar = 2;
  fpga.sweep.interval = std::chrono::seconds(30);
  auto a = std::make_shared<DeviceMetrics>(fpga);
  BarProperties bar;
  bar.size = 1 << 20;
  a->record_opened(bar, golden_run(0).info);
  a->record_run(golden_run(0.5), 1'700'000'000.25);
  a->record_failure(ErrorReason::kBusError, 0.125);
  a->record_failure(ErrorReason::kTimeout, 30);
  a->record_failure(ErrorReason::kAllOnes, 0.25);
  a->record_run(golden_run(0.5), 1'700'000'090.5);

  DeviceSpec sim;  // the defaults: backend sim, BAR 0, sweep.interval 60 s
  auto b = std::make_shared<DeviceMetrics>(sim);
  b->record_failure(ErrorReason::kOpen);
  b->record_failure(ErrorReason::kOpen);
  b->record_failure(ErrorReason::kIo, 0.0625);
  b->record_failure(ErrorReason::kGone);

  MetricsPage page(2.5e-8);
  page.set_devices({a, b});
  std::string text = page.current()->text;
  // The build's identity changes with every commit: the golden page holds placeholders.
  const std::string identity = std::string("version=\"") + kVersion + "\",revision=\"" + kRevision + "\"";
  const auto at = text.find(identity);
  if (at != std::string::npos) text.replace(at, identity.size(), "version=\"VERSION\",revision=\"REVISION\"");
  return text;
}

TEST(MetricsPage, IsTheGoldenPage) {
  if (auto diff = testing::golden_difference("metrics.txt", golden_page())) ADD_FAILURE() << *diff;
}

// The fixture is a page Prometheus accepts (promtool's own parser and lint rules).
TEST(MetricsPage, TheGoldenPagePassesPromtool) {
  if (testing::run_command({"/bin/sh", "-c", "command -v promtool"}).exit_code != 0)
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
  auto lint =
      testing::run_command({"/bin/sh", "-c", "promtool check metrics < " + testing::golden_path("metrics.txt")});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
}

}  // namespace
}  // namespace pcie_bar
