#include "tests/support/victoria_metrics_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/http_client.h"
#include "tests/support/loopback.h"
#include "tests/support/prometheus_server.h"

namespace pcie_bar::testing {

VictoriaMetricsServer::VictoriaMetricsServer(const std::vector<std::string>& targets, const std::string& scrape_interval) {
  dir_ = std::string(::testing::TempDir()) + "/victoria-metrics-" + std::to_string(getpid()) + "-" +
         std::to_string(reinterpret_cast<uintptr_t>(this));
  std::filesystem::create_directories(dir_ + "/data");
  std::string list;
  for (const auto& t : targets) list += (list.empty() ? "'" : ", '") + t + "'";
  std::ofstream(dir_ + "/scrape.yml") << "scrape_configs:\n  - job_name: pcie_bar\n    scrape_interval: " << scrape_interval
                                      << "\n    static_configs:\n      - targets: [" << list << "]\n";
  port_ = free_loopback_port();
  pid_ = fork();
  if (pid_ == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1), dup2(devnull, 2);
    execl("/usr/bin/victoria-metrics", "victoria-metrics", ("-storageDataPath=" + dir_ + "/data").c_str(),
          ("-httpListenAddr=127.0.0.1:" + std::to_string(port_)).c_str(), ("-promscrape.config=" + dir_ + "/scrape.yml").c_str(),
          // By default queries leave out the last 30 s and answer from a cache.
          "-search.latencyOffset=0s", "-search.disableCache", nullptr);
    _exit(127);
  }
}

VictoriaMetricsServer::~VictoriaMetricsServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::filesystem::remove_all(dir_);
}

nlohmann::json VictoriaMetricsServer::query(const std::string& promql) const { return query_api(port_, promql); }

std::string VictoriaMetricsServer::own_metrics() const {
  return http_get("http://127.0.0.1:" + std::to_string(port_) + "/metrics").body;
}

}  // namespace pcie_bar::testing
