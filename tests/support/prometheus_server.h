#pragma once
// A real Prometheus server (Debian's /usr/bin/prometheus) on a free loopback port, scraping the
// given targets (every second unless told otherwise), with a throwaway TSDB.

#include <sys/types.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pcie_bar::testing {

class BackgroundProcess;

// ['a', 'b'] for a YAML flow list of scrape targets.
std::string yaml_target_list(const std::vector<std::string>& targets);

// An instant query against the Prometheus HTTP API on 127.0.0.1:`port` (Prometheus, and
// VictoriaMetrics, which serves the same API): the result array, empty on error or no data.
nlohmann::json query_api(int port, const std::string& promql);

class PrometheusServer {
 public:
  // `extra_config` is appended to prometheus.yml (e.g. rule_files); `flags` go to the command
  // line (e.g. --enable-feature=native-histograms).
  explicit PrometheusServer(const std::vector<std::string>& targets, const std::string& extra_config = "",
                            const std::string& scrape_interval = "1s", std::vector<std::string> flags = {});
  // A server whose prometheus.yml is `yaml` as it stands (files it names: absolute paths). The
  // tag keeps a braced target list from meaning this constructor.
  struct WholeConfig {};
  PrometheusServer(WholeConfig, const std::string& yaml);
  ~PrometheusServer();
  int port() const { return port_; }
  pid_t pid() const;
  // The server's own directory: prometheus.yml and the TSDB.
  const std::string& dir() const { return dir_; }
  // The instant query's result array (empty on error or no data).
  nlohmann::json query(const std::string& promql) const { return query_api(port_, promql); }
  // The server's own /metrics page.
  std::string own_metrics() const;
  // Polls `promql` once a second until it returns a sample or `seconds` pass.
  nlohmann::json wait_for(const std::string& promql, int seconds) const;

 private:
  void start();  // runs prometheus on dir_/prometheus.yml

  std::string dir_;
  int port_ = 0;
  std::vector<std::string> flags_;
  std::unique_ptr<BackgroundProcess> process_;
};

}  // namespace pcie_bar::testing
