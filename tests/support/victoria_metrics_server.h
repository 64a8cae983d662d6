#pragma once
// A real VictoriaMetrics single-node server (Debian's /usr/bin/victoria-metrics) on a free
// loopback port, scraping the given targets with its own scraper (the one vmagent uses), with a
// throwaway data directory. Queries see samples as soon as they are stored.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pcie_bar::testing {

class BackgroundProcess;

class VictoriaMetricsServer {
 public:
  VictoriaMetricsServer(const std::vector<std::string>& targets, const std::string& scrape_interval);
  ~VictoriaMetricsServer();
  nlohmann::json query(const std::string& promql) const;
  // The server's own /metrics page (its scraper's counters: scrapes, failures, dials).
  std::string own_metrics() const;

 private:
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<BackgroundProcess> process_;
};

}  // namespace pcie_bar::testing
