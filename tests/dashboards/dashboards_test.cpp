// The Grafana dashboards in dashboards/: their conventions (grafana dashboard-linter's rules),
// and that every query, with the variables substituted, returns data from a real Prometheus
// server scraping the exporter on the simulated device.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "tests/support/exporter_process.h"
#include "tests/support/prometheus_server.h"
#include "tests/support/run_command.h"

namespace pcie_bar {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::vector<std::pair<std::string, json>> dashboards() {
  std::vector<std::pair<std::string, json>> out;
  for (const auto& e : fs::directory_iterator(PCIE_BAR_SOURCE_DIR "/dashboards"))
    if (e.path().extension() == ".json") out.emplace_back(e.path().filename(), json::parse(std::ifstream(e.path())));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

const json* variable(const json& d, const std::string& name) {
  for (const auto& v : d["templating"]["list"])
    if (v["name"] == name) return &v;
  return nullptr;
}

// Whether every counter series (…_total, …_bucket) in `expr` sits inside rate()/increase().
bool counters_only_in_rates(const std::string& expr) {
  std::vector<std::string> open;  // function name for each open parenthesis
  std::string word;
  for (std::size_t i = 0; i <= expr.size(); ++i) {
    char c = i < expr.size() ? expr[i] : ' ';
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':') {
      word += c;
      continue;
    }
    bool is_counter = std::regex_match(word, std::regex("pcie_bar_\\w+_(total|bucket)"));
    if (is_counter &&
        std::none_of(open.begin(), open.end(), [](const std::string& f) { return f == "rate" || f == "increase"; }))
      return false;
    if (c == '(') open.push_back(word);
    if (c == ')' && !open.empty()) open.pop_back();
    if (c == '{' || c == '[') {  // skip label matchers and ranges
      char close = c == '{' ? '}' : ']';
      while (i < expr.size() && expr[i] != close) ++i;
    }
    word.clear();
  }
  return true;
}

TEST(Dashboards, CountersOnlyInRatesCheckerWorks) {
  EXPECT_TRUE(
      counters_only_in_rates("sum by (le) (rate(pcie_bar_op_duration_seconds_bucket{a=\"(\"}[$__rate_interval]))"));
  EXPECT_FALSE(counters_only_in_rates("sum(pcie_bar_runs_total{job=~\"$job\"})"));
  EXPECT_TRUE(counters_only_in_rates("pcie_bar_device_up{job=~\"$job\"}"));
}

// The series the fleet rules record (dashboards/fleet/pcie_bar.fleet.rules.yml), by their `record:` lines.
std::set<std::string> fleet_recorded_series() {
  std::set<std::string> names;
  std::ifstream rules(PCIE_BAR_SOURCE_DIR "/dashboards/fleet/pcie_bar.fleet.rules.yml");
  std::smatch m;
  for (std::string line; std::getline(rules, line);)
    if (std::regex_search(line, m, std::regex("^\\s*- record: (\\S+)"))) names.insert(m[1]);
  return names;
}

// The metric names in `expr`: words starting with pcie_bar (raw `pcie_bar_…` or recorded `pcie_bar:…`).
std::set<std::string> metric_names(const std::string& expr) {
  std::set<std::string> names;
  std::regex name("pcie_bar[_:][A-Za-z0-9_:]+");
  for (auto it = std::sregex_iterator(expr.begin(), expr.end(), name); it != std::sregex_iterator(); ++it)
    names.insert(it->str());
  return names;
}

// Series without a device label, which a `device` matcher would filter out entirely.
bool has_device_label(const std::string& metric) { return metric != "pcie_bar:exporter_up"; }

TEST(Dashboards, FollowTheConventions) {
  auto all = dashboards();
  ASSERT_EQ(all.size(), 3u);
  for (const auto& [file, d] : all) {
    SCOPED_TRACE(file);
    ASSERT_TRUE(variable(d, "datasource"));
    EXPECT_EQ((*variable(d, "datasource"))["type"], "datasource");
    for (const char* name : {"job", "instance", "device"}) {
      const json* v = variable(d, name);
      ASSERT_TRUE(v) << name;
      EXPECT_TRUE((*v)["includeAll"].get<bool>()) << name;
      EXPECT_EQ((*v)["allValue"], ".+") << name;
      EXPECT_EQ((*v)["datasource"]["uid"], "${datasource}") << name;
      if (std::string(name) != "device" || file == "pcie-bar-overview.json") {
        EXPECT_TRUE((*v)["multi"].get<bool>()) << name;
      }
    }
    ASSERT_GT(d["panels"].size(), 10u);
    for (const auto& p : d["panels"]) {
      SCOPED_TRACE(p["title"].get<std::string>());
      EXPECT_FALSE(p["description"].get<std::string>().empty());
      EXPECT_FALSE(p["fieldConfig"]["defaults"]["unit"].get<std::string>().empty());
      EXPECT_EQ(p["datasource"]["uid"], "${datasource}");
      ASSERT_FALSE(p["targets"].empty());
      for (const auto& t : p["targets"]) {
        std::string e = t["expr"];
        for (const char* m : {"job=~\"$job\"", "instance=~\"$instance\""}) EXPECT_NE(e.find(m), std::string::npos) << e;
        auto names = metric_names(e);
        if (std::any_of(names.begin(), names.end(), has_device_label)) {
          EXPECT_NE(e.find("device=~\"$device\""), std::string::npos) << e;
        }
        for (std::size_t at = e.find("rate("); at != std::string::npos; at = e.find("rate(", at + 1))
          EXPECT_NE(e.find("[$__rate_interval]", at), std::string::npos) << e;
        EXPECT_TRUE(counters_only_in_rates(e)) << e;
      }
    }
    EXPECT_EQ(d["panels"].size(), std::set<std::string>([&] {
                                    std::set<std::string> titles;
                                    for (const auto& p : d["panels"]) titles.insert(p["title"].get<std::string>());
                                    return titles;
                                  }())
                                      .size())
        << "panel titles must be unique";
  }
}

// The fleet dashboard runs on the global Prometheus, which holds only what the shards record: every
// series it (and its variables) asks for must be one of the fleet rules' (a raw pcie_bar_ name would
// show "No data" there while working on a shard).
TEST(Dashboards, FleetDashboardUsesOnlyRecordedSeries) {
  auto recorded = fleet_recorded_series();
  ASSERT_EQ(recorded.size(), 7u);
  for (const auto& [file, d] : dashboards()) {
    if (file != "pcie-bar-fleet.json") continue;
    std::vector<std::string> exprs;
    for (const auto& v : d["templating"]["list"])
      if (v["type"] == "query") exprs.push_back(v["definition"]);
    for (const auto& p : d["panels"])
      for (const auto& t : p["targets"]) exprs.push_back(t["expr"]);
    ASSERT_GT(exprs.size(), 10u);
    for (const auto& e : exprs)
      for (const auto& name : metric_names(e)) EXPECT_TRUE(recorded.count(name)) << name << " in " << e;
    return;
  }
  FAIL() << "dashboards/pcie-bar-fleet.json not found";
}

TEST(Dashboards, MetricNamesFindsRawAndRecordedNames) {
  EXPECT_EQ(metric_names("sum(1 - pcie_bar:device_up{job=~\"$job\"}) + pcie_bar_device_up"),
            (std::set<std::string>{"pcie_bar:device_up", "pcie_bar_device_up"}));
}

// Every variable and panel query of every dashboard returns data from a real Prometheus scraping
// the real exporter: with `native`, Prometheus asks for protobuf and keeps the latency histograms
// as native ones, and the devices use the fleet profile (no classic buckets).
void expect_every_query_returns_data(bool native) {
  // ro0's baseline (pcie_bar_baseline_throughput_ratio): a --once report of the default device.
  auto saved = testing::run_command({PCIE_BAR_EXPORTER_BIN, "--once", "--output", "json"});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  const std::string baseline = testing::write_temp_file("dash-baseline.json", saved.out);
  const std::string metrics = native ? ", metrics: {profile: fleet}" : "";
  std::string yaml = R"(devices:
  - {name: rw0, backend: sim, sweep: {interval: 1s, block_sizes: [8, 64, 4096], iterations: {read: 300, write: 300, rw: 100}}METRICS}
  - {name: ro0, backend: sim, writes: {enabled: false}, sim: {link: {speed: 8, width: 2, max_width: 4}}, sweep: {interval: 1s, block_sizes: [8, 4096], iterations: {read: 300}}, thresholds: [{op: read, block_sizes: [4096], min_throughput: 1000GB/s}, {max_p99: 1s}], baseline: BASELINEMETRICS}
  - {name: gone0, backend: sim, sim: {path: /nonexistent/pcie-bar-dashboards-test/gone0}, sweep: {interval: 1s}METRICS}
)";
  for (std::size_t at; (at = yaml.find("BASELINE")) != std::string::npos;) yaml.replace(at, 8, baseline);
  for (std::size_t at; (at = yaml.find("METRICS")) != std::string::npos;) yaml.replace(at, 7, metrics);
  const std::string cfg = testing::write_temp_file("dash.yml", yaml);
  testing::ExporterProcess exporter({"--config.file", cfg});
  ASSERT_GT(exporter.port(), 0) << exporter.log();
  // With the fleet rules, which the fleet dashboard's queries read (here on the one server that
  // scrapes, in a fleet on the global one: tests/dashboards/fleet_test.cpp), and the alert rules'
  // latency recording rule, which promtool 2.42's test files cannot feed native histograms.
  testing::PrometheusServer prometheus(
      {"127.0.0.1:" + std::to_string(exporter.port())},
      "rule_files: ['" PCIE_BAR_SOURCE_DIR "/dashboards/fleet/pcie_bar.fleet.rules.yml', '" PCIE_BAR_SOURCE_DIR
      "/dashboards/alerts/pcie_bar.rules.yml']\n",
      "1s", native ? std::vector<std::string>{"--enable-feature=native-histograms"} : std::vector<std::string>{});
  if (native) {  // the latency histograms are native series: no _bucket series to fall back on
    ASSERT_FALSE(prometheus.wait_for("pcie_bar_op_duration_seconds{op=\"read\"}", 60).empty());
    EXPECT_TRUE(prometheus.query("pcie_bar_op_duration_seconds_bucket").empty());
  }
  // rate() over the dashboards' interval needs two scrapes with growing counters.
  ASSERT_FALSE(prometheus.wait_for("rate(pcie_bar_transferred_bytes_total{op=\"rw\"}[1m]) > 0", 60).empty());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(prometheus.query("pcie_bar:read8_latency_p99:15m > 0").size(), 2u);  // rw0 and ro0
  auto substitute = [](std::string e) {
    for (auto [from, to] :
         {std::pair{"$job", "pcie_bar"}, {"$instance", ".+"}, {"$device", ".+"}, {"$__rate_interval", "1m"}})
      for (std::size_t at; (at = e.find(from)) != std::string::npos;) e.replace(at, std::strlen(from), to);
    return e;
  };
  for (const auto& [file, d] : dashboards()) {
    for (const char* name : {"job", "instance", "device"}) {
      std::smatch m;
      std::string def = (*variable(d, name))["definition"];
      ASSERT_TRUE(std::regex_match(def, m, std::regex("label_values\\((.*), (\\w+)\\)"))) << def;
      EXPECT_FALSE(prometheus.query(substitute(m[1])).empty()) << file << " variable " << name << ": " << def;
    }
    for (const auto& p : d["panels"])
      for (const auto& t : p["targets"]) {
        std::string e = substitute(t["expr"]);
        EXPECT_FALSE(prometheus.query(e).empty()) << file << " / " << p["title"] << ": " << e;
      }
  }
}

TEST(Dashboards, EveryQueryReturnsDataFromARealPrometheus) { expect_every_query_returns_data(false); }

TEST(Dashboards, EveryQueryReturnsDataFromNativeHistogramsOfTheFleetProfile) { expect_every_query_returns_data(true); }

}  // namespace
}  // namespace pcie_bar
