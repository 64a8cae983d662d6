// Native histograms end to end: the real exporter, scraped over protobuf by a real Prometheus
// 2.42 with --enable-feature=native-histograms, and over text by a second one without it.
// histogram_quantile() on the native histogram must come within 10 % of the tool's own p50 and
// p99 (what `--once --output json` reports for the same configuration) for latencies from 30 ns
// to 100 µs of the slow-device model; the classic buckets' error is printed for the README.
//
// The tool's figures come from three `--once` runs made while the exporter runs and Prometheus
// scrapes, so both see the same host. A p99 is compared only where the tool's own p99 is
// reproducible (the median of its three runs agrees with another within 20 %): on a loaded host about 1 % of the
// spinning accesses (or of the 30 ns model's batches) are interrupted for tens of µs, which puts the p99 of one run at
// the model's tail and that of the next at the scheduler's; so it is compared only where fewer than 0.5 % of the
// exporter's reads in the window lie beyond twice the model's tail. Such a p99 describes the host, and no reference for
// it exists; the table shows it either way. The 30 ns model's p99 is never compared: its ops are timed in batches and
// counted at the batch mean, so its p99 is where the 1 % of batches the host interrupted begin, and three short
// `--once` runs can agree on it while twenty service runs see one interrupted batch more.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/exporter_process.h"
#include "tests/support/prometheus_server.h"
#include "tests/support/run_command.h"

namespace pcie_bar {
namespace {

using testing::ExporterProcess;
using testing::PrometheusServer;

// Reads of 8 bytes only, in a 64-byte window (the model makes every access slow, the window's
// setup reads too), one run a second. The 30 ns model is timed in batches (below 32 timestamp
// pairs per op) and measures about 60 ns here; 1.2 µs and 100 µs are timed op by op. Known
// distributions: 90 % of the reads uniform within 30 % of the latency (median: the latency),
// 10 % a tail at 2.5 times it, so the p99 is the tail's latency: the model's, not the host's
// (an interruption of the host would have to hit 9 % of the reads to move it).
const char kModels[] = R"(devices:
  - name: fast0
    backend: sim
    sim: {model: {read_latency: 30ns, jitter: 0.3, tail: {probability: 0.1, latency: 75ns}}}
    writes: {enabled: false}
    window: {size: 64}
    verify: []
    sweep: {interval: 1s, budget: 300ms, block_sizes: [8], iterations: {read: 20000}}
  - name: mid0
    backend: sim
    sim: {model: {read_latency: 1.2us, jitter: 0.3, tail: {probability: 0.1, latency: 3us}}}
    writes: {enabled: false}
    window: {size: 64}
    verify: []
    sweep: {interval: 1s, budget: 300ms, block_sizes: [8], iterations: {read: 20000}}
  - name: slow0
    backend: sim
    sim: {model: {read_latency: 100us, jitter: 0.3, tail: {probability: 0.1, latency: 250us}}}
    writes: {enabled: false}
    window: {size: 64}
    verify: []
    sweep: {interval: 1s, budget: 300ms, block_sizes: [8], iterations: {read: 300}}
)";
const char* const kDevices[] = {"fast0", "mid0", "slow0"};
// A classic bucket bound twice the model's tail or more: reads beyond it were the host's, not the model's.
const std::map<std::string, std::string> kBeyondTheModel = {{"fast0", "2e-07"}, {"mid0", "1e-05"}, {"slow0", "0.001"}};
const double kQuantiles[] = {0.5, 0.99};

std::string quantile_key(double q) { return q == 0.5 ? "p50" : "p99"; }

struct ToolFigure {
  double median, min, max;  // over three `--once` runs
  // The median agrees with another run within 20 %: one run the host disturbed does not count.
  bool reproducible() const { return median <= 1.2 * min || max <= 1.2 * median; }
};

// The tool's own p50 and p99 of each device over three `--once` runs of the same configuration.
std::map<std::string, std::map<double, ToolFigure>> tool_figures(const std::string& config) {
  std::map<std::string, std::map<double, std::vector<double>>> runs;
  for (int i = 0; i < 3; ++i) {
    auto r = testing::run_command({PCIE_BAR_EXPORTER_BIN, "--once", "--output", "json", "--config.file", config});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto report = nlohmann::json::parse(r.out);
    for (const auto& device : report["devices"])
      for (double q : kQuantiles)
        runs[device["name"]][q].push_back(device["results"][0]["latency_seconds"][quantile_key(q)].get<double>());
  }
  std::map<std::string, std::map<double, ToolFigure>> out;
  for (auto& [device, by_q] : runs)
    for (auto& [q, values] : by_q) {
      std::sort(values.begin(), values.end());
      out[device][q] = {values[values.size() / 2], values.front(), values.back()};
    }
  return out;
}

double scalar(const PrometheusServer& p, const std::string& promql) {
  auto result = p.query(promql);
  return result.empty() ? std::nan("") : std::stod(result[0]["value"][1].get<std::string>());
}

// The fraction of the exporter's reads in the window beyond anything the model makes: from about
// 1 % on (0.5 % here), the exporter's p99 is an interruption of the host, which --once runs meanwhile
// need not see.
double fraction_disturbed(const PrometheusServer& classic, const std::string& device) {
  const std::string bucket = "rate(pcie_bar_op_duration_seconds_bucket{device=\"" + device + "\",op=\"read\",le=";
  return scalar(classic, "1 - sum(" + bucket + "\"" + kBeyondTheModel.at(device) + "\"}[1m])) / sum(" + bucket +
                             "\"+Inf\"}[1m]))");
}

std::string quantile_query(double q, const std::string& series, const std::string& device) {
  char qs[32];
  std::snprintf(qs, sizeof qs, "%g", q);
  return std::string("histogram_quantile(") + qs + ", rate(" + series + "{device=\"" + device + "\",op=\"read\"}[1m]))";
}

TEST(NativeHistogramPrometheus, QuantilesOfTheNativeHistogramAreWithinTenPercentOfTheTools) {
  const std::string config = testing::write_temp_file("models.yml", kModels);
  ExporterProcess exporter({"--config.file", config});
  ASSERT_GT(exporter.port(), 0) << exporter.log();
  const std::vector<std::string> target = {"127.0.0.1:" + std::to_string(exporter.port())};
  PrometheusServer native(target, "", "1s", {"--enable-feature=native-histograms"});
  PrometheusServer classic(target, "", "1s");
  // rate() over [1m] needs two scrapes; 20 s give it about 20 runs of each device. The tool's
  // own figures are measured meanwhile, under the same load on the host as the exporter's runs.
  ASSERT_FALSE(native.wait_for("pcie_bar_device_up", 30).empty()) << exporter.log();
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  const auto tool = tool_figures(config);
  std::this_thread::sleep_until(until);

  // Over protobuf the histogram is one native series; Prometheus 2.42 then ignores its classic
  // buckets. Over text there are only the classic bucket series.
  auto native_series = native.query("pcie_bar_op_duration_seconds{device=\"mid0\"}");
  ASSERT_EQ(native_series.size(), 1u) << native_series.dump();
  EXPECT_TRUE(native_series[0].contains("histogram")) << "not scraped as a native histogram: " << native_series.dump();
  EXPECT_TRUE(native.query("pcie_bar_op_duration_seconds_bucket").empty());
  EXPECT_TRUE(classic.query("pcie_bar_op_duration_seconds{device=\"mid0\"}").empty());
  EXPECT_FALSE(classic.query("pcie_bar_op_duration_seconds_bucket{device=\"mid0\"}").empty());

  std::printf("%-6s %-4s %12s %12s %8s %12s %8s  %s\n", "device", "q", "tool", "native", "error", "classic", "error",
              "tool's 3 runs");
  for (const char* device : kDevices)
    for (double q : kQuantiles) {
      const ToolFigure& figure = tool.at(device).at(q);
      const double own = figure.median;
      const double from_native = scalar(native, quantile_query(q, "pcie_bar_op_duration_seconds", device));
      const double from_classic = scalar(classic, quantile_query(q, "pcie_bar_op_duration_seconds_bucket", device));
      const double native_error = from_native / own - 1, classic_error = from_classic / own - 1;
      const bool disturbed = fraction_disturbed(classic, device) >= 0.005;
      std::printf("%-6s %-4s %12.4g %12.4g %+7.1f%% %12.4g %+7.1f%%  %.4g-%.4g%s\n", device, quantile_key(q).c_str(),
                  own, from_native, 100 * native_error, from_classic, 100 * classic_error, figure.min, figure.max,
                  q == 0.5                         ? ""
                  : std::string(device) == "fast0" ? " (batch means: not compared)"
                  : !figure.reproducible()         ? " (not reproducible: not compared)"
                  : disturbed                      ? " (the exporter's runs were disturbed: not compared)"
                                                   : "");
      const bool batched = std::string(device) == "fast0";
      if (q != 0.5 && (batched || !figure.reproducible() || disturbed)) continue;
      EXPECT_LT(std::abs(native_error), 0.10)
          << device << " " << quantile_key(q) << ": native " << from_native << " s against the tool's " << own << " s";
      // The classic 1-2-5 buckets: only a loose bound, the figure goes to the README.
      EXPECT_LT(std::abs(classic_error), 1.0) << device << " " << quantile_key(q) << ": classic " << from_classic;
    }
}

}  // namespace
}  // namespace pcie_bar
