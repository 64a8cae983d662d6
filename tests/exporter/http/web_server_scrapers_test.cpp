// Real scrapers against the real binary, at real scrape intervals, with their connections kept
// between scrapes: VictoriaMetrics (whose scraper reuses a pooled connection without checking it),
// Prometheus, and Python's http.client. Each scrape must succeed, fast, on the kept connection.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "tests/support/exporter_process.h"
#include "tests/support/exposition_sample.h"
#include "tests/support/prometheus_server.h"
#include "tests/support/run_command.h"
#include "tests/support/victoria_metrics_server.h"

namespace pcie_bar {
namespace {

using testing::ExporterProcess;
using testing::sample;

// A range statistic of the scraper's own series for the exporter's job (NaN when absent).
template <class Scraper>
double over_last_minutes(const Scraper& scraper, const std::string& function, const std::string& series) {
  auto result = scraper.query(function + "(" + series + "{job=\"pcie_bar\"}[3m])");
  return result.empty() ? std::nan("") : std::stod(result[0]["value"][1].template get<std::string>());
}

std::string target(const ExporterProcess& p) { return "127.0.0.1:" + std::to_string(p.port()); }

TEST(Scrapers, VictoriaMetricsReusingItsConnectionSucceedsFastAtEveryScrape) {
  ExporterProcess exporter({});  // the simulated device with the defaults
  ASSERT_GT(exporter.port(), 0) << exporter.log();
  testing::VictoriaMetricsServer vm({target(exporter)}, "5s");
  std::this_thread::sleep_for(std::chrono::seconds(65));

  std::string own = vm.own_metrics();
  EXPECT_EQ(sample(own, "vm_promscrape_scrapes_failed_total"), 0.0) << own;
  EXPECT_GE(sample(own, "vm_promscrape_scrapes_total{status_code=\"200\"}").value_or(0), 11) << own;
  EXPECT_EQ(sample(own, "vm_promscrape_dials_total"), 1.0) << "the connection was not kept";
  EXPECT_EQ(over_last_minutes(vm, "min_over_time", "up"), 1.0);
  EXPECT_LT(over_last_minutes(vm, "max_over_time", "scrape_duration_seconds"), 0.050);
}

TEST(Scrapers, PrometheusAtA15SecondIntervalKeepsItsConnection) {
  ExporterProcess exporter({});
  ASSERT_GT(exporter.port(), 0) << exporter.log();
  testing::PrometheusServer prometheus({target(exporter)}, "", "15s");
  std::this_thread::sleep_for(std::chrono::seconds(65));

  EXPECT_GE(over_last_minutes(prometheus, "count_over_time", "up"), 4.0);
  EXPECT_EQ(over_last_minutes(prometheus, "min_over_time", "up"), 1.0);
  EXPECT_LT(over_last_minutes(prometheus, "max_over_time", "scrape_duration_seconds"), 0.050);
  std::string own = prometheus.own_metrics();
  EXPECT_EQ(sample(own, "net_conntrack_dialer_conn_established_total{dialer_name=\"pcie_bar\"}"), 1.0)
      << "the connection was not kept";
}

// http.client sends the next request on its connection without checking it: after an idle gap
// the server must still answer on it (it never closes a kept connection on its own).
TEST(Scrapers, PythonHttpClientReusingItsConnectionAfterIdlingIsAnswered) {
  ExporterProcess exporter({});
  ASSERT_GT(exporter.port(), 0) << exporter.log();
  auto r = testing::run_command({"/usr/bin/python3", "-c", R"(
import http.client, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
for gap in (0, 3, 6):
    time.sleep(gap)
    c.request("GET", "/metrics")
    r = c.getresponse()
    r.read()
    print(r.status, r.getheader("Connection"))
)",
                                 std::to_string(exporter.port())});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "200 keep-alive\n200 keep-alive\n200 keep-alive\n");
}

}  // namespace
}  // namespace pcie_bar
