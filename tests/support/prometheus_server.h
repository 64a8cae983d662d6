#pragma once
// A real Prometheus server (Debian's /usr/bin/prometheus) on a free loopback port, scraping the
// given targets every second, with a throwaway TSDB.

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pcie_bar::testing {

class PrometheusServer {
 public:
  // `extra_config` is appended to prometheus.yml (e.g. rule_files).
  explicit PrometheusServer(const std::vector<std::string>& targets, const std::string& extra_config = "");
  ~PrometheusServer();
  // The instant query's result array (empty on error or no data).
  nlohmann::json query(const std::string& promql) const;
  // Polls `promql` once a second until it returns a sample or `seconds` pass.
  nlohmann::json wait_for(const std::string& promql, int seconds) const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

}  // namespace pcie_bar::testing
