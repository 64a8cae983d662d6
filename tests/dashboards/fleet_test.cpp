// The fleet of dashboards/fleet, run for real: 100 exporters with 8 simulated devices each on
// loopback ports, two Prometheus shards configured from prometheus-shard.yml (hashmod over the
// targets; the alert and fleet rules), and a global Prometheus configured from
// prometheus-global.yml, federating the recorded series. Each exporter and each device must be
// scraped by exactly one shard, the global view must hold every device, and every query of the
// fleet dashboard must answer for all of them. It records head series, RSS and CPU per Prometheus
// and the exporters' CPU (printed, and written to fleet_report.txt; BENCHMARKS.md quotes them).
//
// A few hosts have a device that cannot be opened (down, with failed runs) or one whose link trained
// below its maximum (degraded), so the "down", "degraded" and "errors" panels are checked against
// what was set up, not only for being non-empty. PCIE_BAR_FLEET_EXPORTERS changes the host count.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/background_process.h"
#include "tests/support/exporter_process.h"
#include "tests/support/prometheus_server.h"

namespace pcie_bar {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Device = std::pair<std::string, std::string>;  // instance, device

const std::string kFleetDir = PCIE_BAR_SOURCE_DIR "/dashboards/fleet";
constexpr int kDevicesPerHost = 8;
constexpr int kShards = 2;
// Scrape and rule intervals of the test (the examples say 15s and 30s): a few minutes in all.
constexpr const char* kInterval = "2s";

int host_count() {
  const char* env = std::getenv("PCIE_BAR_FLEET_EXPORTERS");
  return env ? std::atoi(env) : 100;
}
// Which hosts have a broken device: sim7 cannot be opened on hosts 3, 28, 53, 78; sim6's link is
// x2 of x4 on hosts 5, 25, 45, 65, 85.
bool has_gone_device(int host) { return host % 25 == 3; }
bool has_degraded_device(int host) { return host % 20 == 5; }
// sim5 has thresholds on every host: beyond them (an unreachable READ throughput) on hosts 7, 40
// and 73, within them (a p99 of a second) elsewhere.
bool has_device_beyond_threshold(int host) { return host % 33 == 7; }

// A cheap device, so that 800 of them fit beside three Prometheus servers on 2 cores: two block
// sizes in a 4 KiB window, a 10 ms budget, a run every 10 s (the p99 needs two runs).
std::string device_yaml(int index, bool gone, bool degraded, bool beyond_threshold) {
  std::string name = "sim" + std::to_string(index);
  std::string sim = "{size: 8192";
  if (gone) sim += ", path: /nonexistent/pcie-bar-fleet-test/" + name;
  if (degraded) sim += ", link: {speed: 8, width: 2, max_width: 4}";
  sim += "}";
  return "  - {name: " + name + ", backend: sim, sim: " + sim +
         ", window: {size: 4096}, verify: [{offset: 0x0}], sweep: {interval: 10s, budget: 10ms, "
         "block_sizes: [8, 4096], iterations: {read: 200, write: 200, rw: 100}, cpu: none}" +
         (index != 5         ? std::string("")
          : beyond_threshold ? ", thresholds: [{op: read, block_sizes: [4096], min_throughput: 1000GB/s}]"
                             : ", thresholds: [{max_p99: 1s}]") +
         "}\n";
}

std::string host_config(bool gone, bool degraded, bool beyond_threshold) {
  std::string yaml = "devices:\n";
  for (int i = 0; i < kDevicesPerHost; ++i)
    yaml += device_yaml(i, gone && i == 7, degraded && i == 6, beyond_threshold);
  return yaml;
}

std::string emit(const YAML::Node& node) {
  YAML::Emitter out;
  out << node;
  return out.c_str();
}

// dashboards/fleet/prometheus-shard.yml for shard `shard`: its number in the external label and the
// keep rule, the test's intervals, and absolute paths for the rule files and the targets.
std::string shard_config(int shard, const std::string& targets_file) {
  YAML::Node c = YAML::LoadFile(kFleetDir + "/prometheus-shard.yml");
  c["global"]["scrape_interval"] = kInterval;
  c["global"]["evaluation_interval"] = kInterval;
  c["global"]["external_labels"]["shard"] = std::to_string(shard);
  for (std::size_t i = 0; i < c["rule_files"].size(); ++i)
    c["rule_files"][i] = kFleetDir + "/" + c["rule_files"][i].as<std::string>();
  YAML::Node job = c["scrape_configs"][0];
  job["file_sd_configs"][0]["files"][0] = targets_file;
  int hashmods = 0, keeps = 0;
  for (YAML::Node rule : job["relabel_configs"]) {
    if (rule["action"].as<std::string>() == "hashmod") rule["modulus"] = kShards, ++hashmods;
    if (rule["action"].as<std::string>() == "keep") rule["regex"] = std::to_string(shard), ++keeps;
  }
  EXPECT_EQ(hashmods, 1) << "prometheus-shard.yml: want one hashmod relabel rule";
  EXPECT_EQ(keeps, 1) << "prometheus-shard.yml: want one keep relabel rule";
  return emit(c);
}

// dashboards/fleet/prometheus-global.yml federating the test's shards.
std::string global_config(const std::vector<int>& shard_ports) {
  YAML::Node c = YAML::LoadFile(kFleetDir + "/prometheus-global.yml");
  c["global"]["scrape_interval"] = kInterval;
  c["global"]["evaluation_interval"] = kInterval;
  YAML::Node targets;
  for (int port : shard_ports) targets.push_back("127.0.0.1:" + std::to_string(port));
  c["scrape_configs"][0]["static_configs"][0]["targets"] = targets;
  return emit(c);
}

struct ProcessUsage {
  double cpu_seconds = 0;
  double rss_bytes = 0;
};

ProcessUsage usage_of(pid_t pid) {
  ProcessUsage u;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  std::istringstream fields(text.substr(text.rfind(')') + 2));  // after the command name
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> field && i <= 15; ++i) {  // fields 14 and 15: utime, stime (ticks)
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  u.cpu_seconds = (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) u.rss_bytes = std::stod(line.substr(6)) * 1024;
  return u;
}

double scalar(const json& result) {
  if (result.size() != 1) return NAN;
  return std::stod(result[0]["value"][1].get<std::string>());
}

std::set<Device> devices_in(const json& result) {
  std::set<Device> out;
  for (const auto& s : result) out.emplace(s["metric"].value("instance", ""), s["metric"].value("device", ""));
  return out;
}

std::set<std::string> instances_in(const json& result) {
  std::set<std::string> out;
  for (const auto& s : result) out.insert(s["metric"].value("instance", ""));
  return out;
}

bool all_finite(const json& result) {
  for (const auto& s : result)
    if (!std::isfinite(std::stod(s["value"][1].get<std::string>()))) return false;
  return true;
}

// A Prometheus metric's value from a /metrics page (the first sample of that name).
double own_metric(const std::string& page, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(page, m, std::regex("\n" + name + " ([^\n]+)"))) return NAN;
  return std::stod(m[1]);
}

struct Fleet {
  std::vector<std::unique_ptr<testing::ExporterProcess>> exporters;
  std::vector<std::unique_ptr<testing::PrometheusServer>> shards;
  std::unique_ptr<testing::PrometheusServer> global;
  std::set<std::string> instances, gone_hosts, degraded_hosts;
  std::set<Device> devices, up_devices, gone_devices, degraded_devices, beyond_threshold_devices;
  std::string why_not_ready;  // empty once every device has its recorded series in the global view
  Clock::time_point started, ready_at;
  double exporter_start_seconds = 0, ready_seconds = 0;
  std::vector<ProcessUsage> exporters_at_ready, servers_at_ready;  // servers: the shards, then the global

  std::vector<testing::PrometheusServer*> servers() const {
    std::vector<testing::PrometheusServer*> all;
    for (const auto& s : shards) all.push_back(s.get());
    all.push_back(global.get());
    return all;
  }

  void start();
  bool wait_until(const std::string& promql, double want, int seconds);
};

void Fleet::start() {
  started = Clock::now();
  std::string dir = testing::fresh_test_dir("fleet", this);
  std::map<std::tuple<bool, bool, bool>, std::string> configs;
  std::vector<std::string> targets;
  for (int host = 0; host < host_count(); ++host) {
    bool gone = has_gone_device(host), degraded = has_degraded_device(host);
    bool beyond = has_device_beyond_threshold(host);
    auto& cfg = configs[{gone, degraded, beyond}];
    if (cfg.empty()) {
      cfg = dir + "/host" + (gone ? "-gone" : "") + (degraded ? "-degraded" : "") + (beyond ? "-beyond" : "") + ".yml";
      std::ofstream(cfg) << host_config(gone, degraded, beyond);
    }
    auto& e = exporters.emplace_back(
        std::make_unique<testing::ExporterProcess>(std::vector<std::string>{"--config.file", cfg}));
    if (e->port() <= 0) {
      why_not_ready = "exporter " + std::to_string(host) + " did not start: " + e->log();
      return;
    }
    std::string instance = "127.0.0.1:" + std::to_string(e->port());
    targets.push_back(instance);
    instances.insert(instance);
    for (int i = 0; i < kDevicesPerHost; ++i) {
      Device d{instance, "sim" + std::to_string(i)};
      devices.insert(d);
      if (gone && i == 7)
        gone_devices.insert(d), gone_hosts.insert(instance);
      else
        up_devices.insert(d);
      if (degraded && i == 6) degraded_devices.insert(d), degraded_hosts.insert(instance);
      if (beyond && i == 5) beyond_threshold_devices.insert(d);
    }
  }
  exporter_start_seconds = std::chrono::duration<double>(Clock::now() - started).count();

  std::filesystem::create_directories(dir + "/targets");
  std::ofstream(dir + "/targets/fleet.json") << json::array({{{"targets", targets}}}).dump();
  std::vector<int> shard_ports;
  for (int shard = 0; shard < kShards; ++shard) {
    shards.push_back(std::make_unique<testing::PrometheusServer>(testing::PrometheusServer::WholeConfig{},
                                                                 shard_config(shard, dir + "/targets/*.json")));
    shard_ports.push_back(shards.back()->port());
  }
  global =
      std::make_unique<testing::PrometheusServer>(testing::PrometheusServer::WholeConfig{}, global_config(shard_ports));

  // Every up device's p99 (finite: two runs scraped), every failing device's errors, every
  // device with thresholds (sim5 on each host), every exporter.
  const int budget = 240;
  if (!wait_until("count(pcie_bar:op_latency_p99_seconds:rate5m >= 0)", 3.0 * up_devices.size(), budget) ||
      !wait_until("count(pcie_bar:threshold_violated:max)", static_cast<double>(instances.size()), budget) ||
      !wait_until("count(pcie_bar:errors:increase15m{kind=\"run\"} > 0)", static_cast<double>(gone_devices.size()),
                  budget) ||
      !wait_until("count(pcie_bar:exporter_up == 1)", static_cast<double>(instances.size()), budget))
    return;
  ready_at = Clock::now();
  ready_seconds = std::chrono::duration<double>(ready_at - started).count();
  for (const auto& e : exporters) exporters_at_ready.push_back(usage_of(e->pid()));
  for (auto* s : servers()) servers_at_ready.push_back(usage_of(s->pid()));
}

bool Fleet::wait_until(const std::string& promql, double want, int seconds) {
  double got = NAN;
  for (auto deadline = started + std::chrono::seconds(seconds); Clock::now() < deadline;) {
    got = scalar(global->query(promql));
    if (got == want || (want == 0 && std::isnan(got))) return true;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  why_not_ready = "global view: " + promql + " is " + std::to_string(got) + ", want " + std::to_string(want) +
                  " after " + std::to_string(seconds) + " s";
  return false;
}

class FleetTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fleet_ = new Fleet;
    fleet_->start();
  }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(fleet_->why_not_ready, ""); }
  static Fleet* fleet_;
};
Fleet* FleetTest::fleet_ = nullptr;

TEST_F(FleetTest, EveryExporterIsScrapedByExactlyOneShard) {
  std::map<std::string, std::vector<int>> shards_of;
  for (int shard = 0; shard < kShards; ++shard) {
    auto up = fleet_->shards[shard]->query("up{job=\"pcie_bar\"}");
    EXPECT_FALSE(up.empty()) << "shard " << shard << " scrapes nothing: the split is uneven or the keep rule wrong";
    for (const auto& s : up) {
      shards_of[s["metric"]["instance"]].push_back(shard);
      EXPECT_EQ(s["value"][1], "1") << s.dump();
    }
  }
  EXPECT_EQ(shards_of.size(), fleet_->instances.size());
  for (const auto& instance : fleet_->instances)
    EXPECT_EQ(shards_of[instance].size(), 1u)
        << instance << " is scraped by " << shards_of[instance].size() << " shards";
}

// Per metric rather than all pcie_bar_ series at once: selecting a shard's 75,000 series by a name
// regex takes tens of seconds on the loaded machine.
TEST_F(FleetTest, EveryDeviceIsInExactlyOneShard) {
  const std::vector<std::pair<std::string, const std::set<Device>*>> metrics = {
      {"pcie_bar_device_up", &fleet_->devices},
      {"pcie_bar_runs_total", &fleet_->devices},
      {"pcie_bar_sweep_interval_seconds", &fleet_->devices},
      {"pcie_bar_op_duration_seconds_count", &fleet_->up_devices},
      {"pcie_bar_throughput_bytes_per_second", &fleet_->up_devices},
      {"pcie_bar_verify_success", &fleet_->up_devices},
  };
  for (const auto& [metric, want] : metrics) {
    SCOPED_TRACE(metric);
    std::map<Device, int> shard_count;
    for (const auto& shard : fleet_->shards)
      for (const auto& d : devices_in(shard->query("count by (instance, device) (" + metric + ")"))) ++shard_count[d];
    EXPECT_EQ(shard_count.size(), want->size());
    for (const auto& d : *want) EXPECT_EQ(shard_count[d], 1) << d.first << " " << d.second;
  }
}

TEST_F(FleetTest, GlobalViewHasEveryDeviceFromTheShardThatScrapesIt) {
  std::map<std::string, std::string> shard_of;  // instance -> shard, from the shards' own `up`
  for (int shard = 0; shard < kShards; ++shard)
    for (const auto& i : instances_in(fleet_->shards[shard]->query("up{job=\"pcie_bar\"}")))
      shard_of[i] = std::to_string(shard);
  auto up = fleet_->global->query("pcie_bar:device_up");
  EXPECT_EQ(devices_in(up), fleet_->devices);
  EXPECT_EQ(up.size(), fleet_->devices.size()) << "a device is in the global view more than once";
  for (const auto& s : up) {
    EXPECT_EQ(s["metric"].value("shard", ""), shard_of[s["metric"]["instance"]]) << s.dump();
    EXPECT_EQ(s["metric"]["job"], "pcie_bar") << "honor_labels keeps the shard's job";
  }
}

TEST_F(FleetTest, GlobalViewHoldsOnlyRecordedSeries) {
  EXPECT_TRUE(fleet_->global->query("count({__name__=~\"pcie_bar_.+\"})").empty());
  EXPECT_FALSE(fleet_->global->query("count({__name__=~\"pcie_bar:.+\"})").empty());
}

// What each panel of the fleet dashboard must show for the fleet set up above.
using PanelCheck = std::function<void(const Fleet&, const std::string& ref, const json& result)>;

void expect_count(const json& r, std::size_t want) { EXPECT_EQ(scalar(r), static_cast<double>(want)); }

// topk/bottomk by (op) (10, X): ten devices per op, and X itself covers every up device.
void expect_ranked(const Fleet& f, const std::string& expr, const json& result) {
  EXPECT_EQ(result.size(), 3 * std::min<std::size_t>(10, f.up_devices.size()));
  EXPECT_TRUE(all_finite(result));
  std::smatch m;
  ASSERT_TRUE(std::regex_match(expr, m, std::regex("(topk|bottomk) by \\(op\\) \\(10, (.*)\\)"))) << expr;
  auto all = f.global->query(m[2]);
  EXPECT_EQ(all.size(), 3 * f.up_devices.size()) << m[2];
  EXPECT_EQ(devices_in(all), f.up_devices) << m[2];
  EXPECT_TRUE(all_finite(all)) << m[2];
}

const std::map<std::string, PanelCheck>& panel_checks() {
  static const std::map<std::string, PanelCheck> checks = {
      {"Devices", [](const Fleet& f, const std::string&, const json& r) { expect_count(r, f.devices.size()); }},
      {"Devices down",
       [](const Fleet& f, const std::string&, const json& r) { expect_count(r, f.gone_devices.size()); }},
      {"Devices with a degraded link",
       [](const Fleet& f, const std::string&, const json& r) { expect_count(r, f.degraded_devices.size()); }},
      {"Devices with errors (15m)",
       [](const Fleet& f, const std::string&, const json& r) { expect_count(r, f.gone_devices.size()); }},
      {"Exporters not answering", [](const Fleet&, const std::string&, const json& r) { expect_count(r, 0); }},
      {"Exporters", [](const Fleet& f, const std::string&, const json& r) { expect_count(r, f.instances.size()); }},
      {"Devices down or degraded per host",
       [](const Fleet& f, const std::string& ref, const json& r) {
         EXPECT_EQ(instances_in(r), ref == "A" ? f.gone_hosts : f.degraded_hosts) << ref;
       }},
      {"Errors per device (15m)",
       [](const Fleet& f, const std::string&, const json& r) {
         EXPECT_EQ(devices_in(r), f.gone_devices);
         for (const auto& s : r) EXPECT_EQ(s["metric"]["kind"], "run");
       }},
      {"Slowest devices: p99 of 8-byte ops", nullptr},  // expect_ranked, which needs the expression
      {"Lowest throughput", nullptr},
      {"Fleet p99 of 8-byte ops: median and worst device",
       [](const Fleet&, const std::string&, const json& r) {
         EXPECT_EQ(r.size(), 3u);  // one per op
         EXPECT_TRUE(all_finite(r));
       }},
      {"Fleet best throughput: median and lowest device",
       [](const Fleet&, const std::string&, const json& r) {
         EXPECT_EQ(r.size(), 3u);
         EXPECT_TRUE(all_finite(r));
       }},
      {"Devices beyond a threshold",
       [](const Fleet& f, const std::string&, const json& r) { EXPECT_EQ(devices_in(r), f.beyond_threshold_devices); }},
      {"Devices down, degraded and with errors over time",
       [](const Fleet& f, const std::string& ref, const json& r) {
         expect_count(r, ref == "B" ? f.degraded_devices.size() : f.gone_devices.size());
       }},
  };
  return checks;
}

std::string substitute(std::string e) {
  for (auto [from, to] : {std::pair{"$job", "pcie_bar"}, {"$instance", ".+"}, {"$device", ".+"}})
    for (std::size_t at; (at = e.find(from)) != std::string::npos;) e.replace(at, std::strlen(from), to);
  return e;
}

TEST_F(FleetTest, EveryFleetDashboardQueryAnswersForEveryDevice) {
  json d = json::parse(std::ifstream(PCIE_BAR_SOURCE_DIR "/dashboards/pcie-bar-fleet.json"));
  for (const auto& v : d["templating"]["list"]) {
    if (v["type"] != "query") continue;
    std::smatch m;
    std::string def = v["definition"];
    ASSERT_TRUE(std::regex_match(def, m, std::regex("label_values\\((.*), (\\w+)\\)"))) << def;
    EXPECT_EQ(devices_in(fleet_->global->query(substitute(m[1]))), fleet_->devices) << "variable " << v["name"];
  }
  for (const auto& p : d["panels"]) {
    std::string title = p["title"];
    SCOPED_TRACE(title);
    auto check = panel_checks().find(title);
    ASSERT_TRUE(check != panel_checks().end()) << "a panel this test does not know: add what it must show";
    for (const auto& t : p["targets"]) {
      std::string expr = substitute(t["expr"]);
      SCOPED_TRACE(expr);
      auto result = fleet_->global->query(expr);
      ASSERT_FALSE(result.empty());
      if (check->second)
        check->second(*fleet_, t["refId"], result);
      else
        expect_ranked(*fleet_, expr, result);
    }
  }
}

// The figures BENCHMARKS.md quotes: per Prometheus its head series, RSS and CPU; per device its
// series; the exporters' CPU from the moment every device was in the global view until now.
TEST_F(FleetTest, RecordsSeriesMemoryAndCpu) {
  // A steady state of at least 30 s for the CPU figures (the checks above take a few seconds).
  std::this_thread::sleep_until(fleet_->ready_at + std::chrono::seconds(30));
  double window = std::chrono::duration<double>(Clock::now() - fleet_->ready_at).count();
  double exporter_cpu = 0, exporter_rss = 0;
  for (std::size_t i = 0; i < fleet_->exporters.size(); ++i) {
    auto now = usage_of(fleet_->exporters[i]->pid());
    exporter_cpu += now.cpu_seconds - fleet_->exporters_at_ready[i].cpu_seconds;
    exporter_rss += now.rss_bytes;
  }
  std::ostringstream report;
  report << "fleet: " << fleet_->instances.size() << " exporters x " << kDevicesPerHost << " devices ("
         << fleet_->gone_devices.size() << " down, " << fleet_->degraded_devices.size() << " degraded), " << kShards
         << " shards, scrape/evaluation interval " << kInterval << "\n";
  report << "exporters started in " << fleet_->exporter_start_seconds << " s; every device in the global view "
         << fleet_->ready_seconds << " s after the start\n";
  report << "exporters: CPU " << 100 * exporter_cpu / window << " % of one core in all (over " << window << " s), RSS "
         << exporter_rss / fleet_->exporters.size() / 1048576 << " MiB each\n";
  // One healthy device's series, wherever it is scraped.
  const Device& d = *fleet_->up_devices.begin();
  std::string one_device = "instance=\"" + d.first + "\",device=\"" + d.second + "\"";
  double raw_per_device = 0;
  for (const auto& shard : fleet_->shards)
    if (double n = scalar(shard->query("count({__name__=~\"pcie_bar_.+\"," + one_device + "})")); n > 0)
      raw_per_device += n;
  double recorded_per_device = scalar(fleet_->global->query("count({__name__=~\"pcie_bar:.+\"," + one_device + "})"));
  report << "series per healthy device: " << raw_per_device << " raw on its shard, " << recorded_per_device
         << " recorded in the global view\n";
  EXPECT_GT(raw_per_device, 100);
  EXPECT_LT(recorded_per_device, 20);
  auto servers = fleet_->servers();
  for (std::size_t i = 0; i < servers.size(); ++i) {
    std::string name = i < fleet_->shards.size() ? "shard " + std::to_string(i) : "global";
    double head = own_metric(servers[i]->own_metrics(), "prometheus_tsdb_head_series");
    double targets = scalar(servers[i]->query("count(up)"));
    auto u = usage_of(servers[i]->pid());
    double cpu = u.cpu_seconds - fleet_->servers_at_ready[i].cpu_seconds;
    report << name << ": " << targets << " targets, head series " << head << ", RSS " << u.rss_bytes / 1048576
           << " MiB (" << u.rss_bytes / head << " bytes per head series), CPU " << 100 * cpu / window
           << " % of one core\n";
    EXPECT_GT(head, 0) << name;
  }
  std::cout << report.str();
  std::ofstream("fleet_report.txt") << report.str();
}

}  // namespace
}  // namespace pcie_bar
