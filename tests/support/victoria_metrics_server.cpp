#include "tests/support/victoria_metrics_server.h"

#include <filesystem>
#include <fstream>

#include "tests/support/background_process.h"
#include "tests/support/http_client.h"
#include "tests/support/loopback.h"
#include "tests/support/prometheus_server.h"

namespace pcie_bar::testing {

VictoriaMetricsServer::VictoriaMetricsServer(const std::vector<std::string>& targets,
                                             const std::string& scrape_interval)
    : dir_(fresh_test_dir("victoria-metrics", this)), port_(free_loopback_port()) {
  std::ofstream(dir_ + "/scrape.yml") << "scrape_configs:\n  - job_name: pcie_bar\n    scrape_interval: "
                                      << scrape_interval
                                      << "\n    static_configs:\n      - targets: " << yaml_target_list(targets)
                                      << "\n";
  process_ = std::make_unique<BackgroundProcess>(std::vector<std::string>{
      "/usr/bin/victoria-metrics", "-storageDataPath=" + dir_ + "/data",
      "-httpListenAddr=127.0.0.1:" + std::to_string(port_), "-promscrape.config=" + dir_ + "/scrape.yml",
      // By default queries leave out the last 30 s and answer from a cache.
      "-search.latencyOffset=0s", "-search.disableCache"});
}

VictoriaMetricsServer::~VictoriaMetricsServer() {
  process_.reset();  // stopped before its data directory goes
  std::filesystem::remove_all(dir_);
}

nlohmann::json VictoriaMetricsServer::query(const std::string& promql) const { return query_api(port_, promql); }

std::string VictoriaMetricsServer::own_metrics() const {
  return http_get("http://127.0.0.1:" + std::to_string(port_) + "/metrics").body;
}

}  // namespace pcie_bar::testing
