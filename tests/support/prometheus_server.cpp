#include "tests/support/prometheus_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/loopback.h"
#include "tests/support/http_client.h"

namespace pcie_bar::testing {

PrometheusServer::PrometheusServer(const std::vector<std::string>& targets, const std::string& extra_config,
                                   const std::string& scrape_interval) {
  dir_ = std::string(::testing::TempDir()) + "/prometheus-" + std::to_string(getpid()) + "-" +
         std::to_string(reinterpret_cast<uintptr_t>(this));
  std::filesystem::create_directories(dir_ + "/data");
  std::string list;
  for (const auto& t : targets) list += (list.empty() ? "'" : ", '") + t + "'";
  std::ofstream(dir_ + "/prometheus.yml") << "global: {scrape_interval: " << scrape_interval
                                          << ", evaluation_interval: 1s}\n"
                                          << "scrape_configs:\n  - job_name: pcie_bar\n    static_configs:\n"
                                          << "      - targets: [" << list << "]\n"
                                          << extra_config;
  port_ = free_loopback_port();
  pid_ = fork();
  if (pid_ == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1), dup2(devnull, 2);
    execl("/usr/bin/prometheus", "prometheus", ("--config.file=" + dir_ + "/prometheus.yml").c_str(),
          ("--storage.tsdb.path=" + dir_ + "/data").c_str(), ("--web.listen-address=127.0.0.1:" + std::to_string(port_)).c_str(),
          nullptr);
    _exit(127);
  }
}

PrometheusServer::~PrometheusServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::filesystem::remove_all(dir_);
}

std::string PrometheusServer::own_metrics() const {
  return http_get("http://127.0.0.1:" + std::to_string(port_) + "/metrics").body;
}

nlohmann::json query_api(int port, const std::string& promql) {
  auto r = http_get("http://127.0.0.1:" + std::to_string(port) + "/api/v1/query?query=" + url_encode(promql));
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
