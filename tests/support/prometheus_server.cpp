#include "tests/support/prometheus_server.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/background_process.h"
#include "tests/support/http_client.h"
#include "tests/support/loopback.h"

namespace pcie_bar::testing {

std::string yaml_target_list(const std::vector<std::string>& targets) {
  std::string list;
  for (const auto& t : targets) list += (list.empty() ? "'" : ", '") + t + "'";
  return "[" + list + "]";
}

PrometheusServer::PrometheusServer(const std::vector<std::string>& targets, const std::string& extra_config,
                                   const std::string& scrape_interval, std::vector<std::string> flags)
    : dir_(fresh_test_dir("prometheus", this)), port_(free_loopback_port()), flags_(std::move(flags)) {
  std::ofstream(dir_ + "/prometheus.yml")
      << "global: {scrape_interval: " << scrape_interval << ", evaluation_interval: 1s}\n"
      << "scrape_configs:\n  - job_name: pcie_bar\n    static_configs:\n"
      << "      - targets: " << yaml_target_list(targets) << "\n"
      << extra_config;
  start();
}

PrometheusServer::PrometheusServer(WholeConfig, const std::string& yaml)
    : dir_(fresh_test_dir("prometheus", this)), port_(free_loopback_port()) {
  std::ofstream(dir_ + "/prometheus.yml") << yaml;
  start();
}

void PrometheusServer::start() {
  std::vector<std::string> argv = {"/usr/bin/prometheus", "--config.file=" + dir_ + "/prometheus.yml",
                                   "--storage.tsdb.path=" + dir_ + "/data",
                                   "--web.listen-address=127.0.0.1:" + std::to_string(port_)};
  argv.insert(argv.end(), flags_.begin(), flags_.end());
  process_ = std::make_unique<BackgroundProcess>(argv);
}

pid_t PrometheusServer::pid() const { return process_->pid(); }

PrometheusServer::~PrometheusServer() {
  process_.reset();  // stopped before its data directory goes
  std::filesystem::remove_all(dir_);
}

std::string PrometheusServer::own_metrics() const {
  return http_get("http://127.0.0.1:" + std::to_string(port_) + "/metrics").body;
}

nlohmann::json query_api(int port, const std::string& promql) {
  HttpRequest request("http://127.0.0.1:" + std::to_string(port) + "/api/v1/query?query=" + url_encode(promql));
  request.timeout_ms = 30000;  // a query over a whole shard's series, on a loaded machine, takes seconds
  auto r = http(request);
  if (r.status != 200) return nlohmann::json::array();
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || j["status"] != "success") return nlohmann::json::array();
  return j["data"]["result"];
}

nlohmann::json PrometheusServer::wait_for(const std::string& promql, int seconds) const {
  for (int i = 0; i < seconds; ++i) {
    auto result = query(promql);
    if (!result.empty()) return result;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return nlohmann::json::array();
}

}  // namespace pcie_bar::testing
