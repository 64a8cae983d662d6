// The service mode end to end: the real binary, scraped by a real HTTP client, checked by
// promtool and by a real Prometheus server.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/credentials.h"
#include "tests/support/exporter_process.h"
#include "tests/support/exposition_sample.h"
#include "tests/support/http_client.h"
#include "tests/support/loopback.h"
#include "tests/support/prometheus_server.h"
#include "tests/support/run_command.h"

namespace pcie_bar {
namespace {

using namespace std::chrono_literals;
using testing::ExporterProcess;
using testing::http_get;
using testing::sample;
using testing::write_temp_file;

const char* kTwoDevices = R"(devices:
  - name: rw0
    backend: sim
    sweep: {interval: 1s, block_sizes: [8, 4096], iterations: {read: 200, write: 200, rw: 100}}
    verify: [{offset: 0x0}, {offset: 0x4000, value: 0xabcd, width: 2}]
  - name: ro0
    backend: sim
    writes: {enabled: false}
    sweep: {interval: 1s, block_sizes: [8], iterations: {read: 200}}
)";

bool wait_ready(const ExporterProcess& p) {
  for (int i = 0; i < 500; ++i) {
    if (http_get(p.url("/-/ready")).status == 200) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST(Serve, ScrapeHasEveryMetricWithItsLabelsAndPassesPromtool) {
  ExporterProcess p({"--config.file", write_temp_file("two.yml", kTwoDevices)});
  ASSERT_GT(p.port(), 0) << p.log();
  ASSERT_TRUE(wait_ready(p)) << p.log();
  auto r = http_get(p.url("/metrics"));
  ASSERT_EQ(r.status, 200);

  std::string file = write_temp_file("scrape.txt", r.body);
  auto lint = testing::run_command({"/bin/sh", "-c", "promtool check metrics < " + file});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;

  const std::string rw = "device=\"rw0\",bar=\"0\"";
  for (const std::string& series : {
           "pcie_bar_op_duration_seconds_bucket{" + rw + ",op=\"read\",block_size=\"8\",le=\"+Inf\"}",
           "pcie_bar_op_duration_seconds_count{" + rw + ",op=\"rw\",block_size=\"4096\"}",
           "pcie_bar_throughput_bytes_per_second{" + rw + ",op=\"write\",block_size=\"4096\"}",
           "pcie_bar_transferred_bytes_total{" + rw + ",op=\"rw\"}",
           "pcie_bar_rw_mismatches_total{" + rw + ",block_size=\"8\"}",
           "pcie_bar_verify_success{" + rw + ",offset=\"0x4000\"}",
           "pcie_bar_verify_runs_total{" + rw + ",offset=\"0x0\"}",
           "pcie_bar_verify_failures_total{" + rw + ",offset=\"0x0\"}",
           std::string("pcie_bar_sweep_duration_seconds{device=\"rw0\"}"),
           std::string("pcie_bar_sweep_interval_seconds{device=\"rw0\"}"),
           std::string("pcie_bar_link_speed_transfers_per_second{device=\"rw0\",kind=\"current\"}"),
           std::string("pcie_bar_link_width_lanes{device=\"ro0\",kind=\"max\"}"),
           std::string("pcie_bar_aer_errors_total{device=\"rw0\",severity=\"fatal\"}"),
           std::string("pcie_bar_last_run_timestamp_seconds{device=\"ro0\"}"),
           std::string("pcie_bar_runs_total{device=\"ro0\",result=\"success\"}"),
           std::string("pcie_bar_device_up{device=\"ro0\"}"),
           std::string("pcie_bar_bar_size_bytes{device=\"rw0\",bar=\"0\"}"),
           std::string("pcie_bar_clock_overhead_seconds"),
       }) {
    EXPECT_TRUE(sample(r.body, series)) << "missing " << series;
  }
  EXPECT_EQ(sample(r.body, "pcie_bar_verify_success{" + rw + ",offset=\"0x4000\"}"), 1.0);
  EXPECT_EQ(sample(r.body, "pcie_bar_device_up{device=\"rw0\"}"), 1.0);
  EXPECT_EQ(sample(r.body, "pcie_bar_bar_size_bytes{device=\"rw0\",bar=\"0\"}"), 65536.0);
  EXPECT_EQ(sample(r.body, "pcie_bar_sweep_interval_seconds{device=\"rw0\"}"), 1.0);
  EXPECT_EQ(sample(r.body, "pcie_bar_link_speed_transfers_per_second{device=\"rw0\",kind=\"max\"}"), 8e9);
  EXPECT_NE(r.body.find("pcie_bar_device_info{device=\"rw0\",address=\"\",backend=\"sim\",bar=\"0\",vendor_id=\"\""),
            std::string::npos);
  EXPECT_TRUE(std::regex_search(
      r.body, std::regex("pcie_bar_exporter_build_info\\{version=\"0\\.1\\.0\",revision=\"[^\"]+\"\\} 1")));
  // Writes disabled on ro0: no write, rw or verify series at all, rather than zeros.
  EXPECT_EQ(r.body.find("device=\"ro0\",bar=\"0\",op=\"write\""), std::string::npos);
  EXPECT_EQ(r.body.find("pcie_bar_verify_success{device=\"ro0\""), std::string::npos);
  EXPECT_EQ(r.body.find("pcie_bar_rw_mismatches_total{device=\"ro0\""), std::string::npos);
}

TEST(Serve, HistogramCountsGrowFromRunToRun) {
  ExporterProcess p({"--config.file", write_temp_file("two.yml", kTwoDevices)});
  ASSERT_TRUE(wait_ready(p)) << p.log();
  const std::string series =
      "pcie_bar_op_duration_seconds_count{device=\"rw0\",bar=\"0\",op=\"read\",block_size=\"8\"}";
  auto first = sample(http_get(p.url("/metrics")).body, series);
  ASSERT_TRUE(first);
  std::optional<double> later;
  for (int i = 0; i < 100 && (!later || *later <= *first); ++i) {
    std::this_thread::sleep_for(50ms);
    later = sample(http_get(p.url("/metrics")).body, series);
  }
  ASSERT_TRUE(later);
  EXPECT_GE(*later, *first + 200);  // one more run of 200 timed reads
}

TEST(Serve, RealPrometheusScrapesItAndComputesRates) {
  ExporterProcess p({"--config.file", write_temp_file("two.yml", kTwoDevices)});
  ASSERT_GT(p.port(), 0) << p.log();
  testing::PrometheusServer prometheus({"127.0.0.1:" + std::to_string(p.port())});
  auto result = prometheus.wait_for(
      "rate(pcie_bar_op_duration_seconds_count{device=\"rw0\",op=\"read\",block_size=\"8\"}[1m]) > 0", 60);
  ASSERT_FALSE(result.empty()) << "Prometheus never saw the latency histogram grow";
  EXPECT_GT(std::stod(result[0]["value"][1].get<std::string>()), 0);
}

// A device's config baseline: a --once report of the device at 1.2 us per read; the service runs
// it at 12 us, so every cell's throughput ratio is about 0.1 (the baseline alert fires below 0.8).
// Ten times slower, because stalls of a busy host can cost a short run most of its throughput.
TEST(Serve, ABaselineGivesEachCellsThroughputRatio) {
  const std::string device =
      "{name: dev0, backend: sim, writes: {enabled: false}, verify: [], sweep: {interval: 1s, "
      "block_sizes: [8, 64], iterations: {read: 2000}, budget: 100ms}, sim: {model: {jitter: "
      "0.02, read_latency: ";
  auto saved = testing::run_command({PCIE_BAR_EXPORTER_BIN, "--once", "--output", "json", "--config.file",
                                     write_temp_file("fast.yml", "devices:\n  - " + device + "1.2us}}}\n")});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  const std::string baseline = write_temp_file("baseline.json", saved.out);
  ExporterProcess p(
      {"--config.file", write_temp_file("slow.yml", "devices:\n  - " + device.substr(0, device.size() - 1) +
                                                        " 12us}}, baseline: " + baseline + "}\n")});
  ASSERT_TRUE(wait_ready(p)) << p.log();
  const std::string body = http_get(p.url("/metrics")).body;
  for (const char* block : {"8", "64"}) {
    auto ratio = sample(body, std::string("pcie_bar_baseline_throughput_ratio{device=\"dev0\",bar=\"0\",op=\"read\","
                                          "block_size=\"") +
                                  block + "\"}");
    ASSERT_TRUE(ratio) << body;
    EXPECT_GT(*ratio, 0.02) << block;
    EXPECT_LT(*ratio, 0.5) << block;
  }
}

TEST(Serve, SigtermExitsZeroWithinTwoSeconds) {
  ExporterProcess p({"--config.file", write_temp_file("two.yml", kTwoDevices)});
  ASSERT_TRUE(wait_ready(p));
  auto t0 = std::chrono::steady_clock::now();
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(5s), 0) << p.log();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_NE(p.log().find("msg=stopping"), std::string::npos);
}

TEST(Serve, SigtermDuringALongRunStillExitsPromptly) {
  std::string cfg = write_temp_file("long.yml",
                                    "devices:\n  - name: big\n    backend: sim\n"
                                    "    sweep: {budget: 20s, iterations: {read: 1000000000}}\n");
  ExporterProcess p({"--config.file", cfg});
  ASSERT_GT(p.port(), 0) << p.log();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(http_get(p.url("/-/ready")).status, 503);  // first run still going
  auto t0 = std::chrono::steady_clock::now();
  p.signal(SIGINT);
  EXPECT_EQ(p.wait_exit(5s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST(Serve, SighupReloadsAGoodConfigAndKeepsTheOldOneOnABadOne) {
  std::string cfg = write_temp_file("reload.yml", kTwoDevices);
  ExporterProcess p({"--config.file", cfg});
  ASSERT_TRUE(wait_ready(p));
  std::ofstream(cfg) << std::string(kTwoDevices) +
                            "  - {name: new0, backend: sim, sweep: {interval: 1s, block_sizes: [8]}}\n";
  p.signal(SIGHUP);
  ASSERT_TRUE(p.wait_for_log("msg=\"configuration reloaded\" devices=3")) << p.log();
  ASSERT_TRUE(wait_ready(p));
  EXPECT_EQ(sample(http_get(p.url("/metrics")).body, "pcie_bar_device_up{device=\"new0\"}"), 1.0);

  std::ofstream(cfg) << "devices:\n  - {name: x, backend: sim, access: {width: 3}}\n";
  p.signal(SIGHUP);
  ASSERT_TRUE(p.wait_for_log("msg=\"reload failed; keeping the running configuration\"")) << p.log();
  EXPECT_NE(p.log().find("devices[0].access.width: 3 is not an access width"), std::string::npos);
  auto body = http_get(p.url("/metrics")).body;
  EXPECT_EQ(sample(body, "pcie_bar_device_up{device=\"new0\"}"), 1.0);
  EXPECT_FALSE(sample(body, "pcie_bar_device_up{device=\"x\"}"));
}

TEST(Serve, AVanishedDeviceIsReportedDownWhileTheOtherKeepsWorking) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(::testing::TempDir()) / ("vanish-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string cfg = write_temp_file(
      "vanish.yml", "devices:\n  - {name: gone, backend: sim, sim: {path: " + (dir / "bar").string() +
                        "}, sweep: {interval: 500ms, block_sizes: [8], iterations: {read: 100, write: 100, rw: 100}}}\n"
                        "  - {name: stays, backend: sim, sweep: {interval: 500ms, block_sizes: [8], "
                        "iterations: {read: 100, write: 100, rw: 100}}}\n");
  ExporterProcess p({"--config.file", cfg});
  ASSERT_TRUE(wait_ready(p)) << p.log();
  fs::remove_all(dir);  // the file and its directory: reopening cannot recreate it
  const std::string stays_runs = "pcie_bar_runs_total{device=\"stays\",result=\"success\"}";
  double before = sample(http_get(p.url("/metrics")).body, stays_runs).value_or(0);
  std::string body;
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(50ms);
    body = http_get(p.url("/metrics")).body;
    if (sample(body, "pcie_bar_device_up{device=\"gone\"}") == 0.0 && sample(body, stays_runs) >= before + 2) break;
  }
  EXPECT_EQ(sample(body, "pcie_bar_device_up{device=\"gone\"}"), 0.0) << p.log();
  EXPECT_GE(sample(body, "pcie_bar_device_errors_total{device=\"gone\",reason=\"gone\"}").value_or(0), 1.0);
  EXPECT_EQ(sample(body, "pcie_bar_device_up{device=\"stays\"}"), 1.0);
  EXPECT_GE(sample(body, stays_runs).value_or(0), before + 2);
  EXPECT_NE(p.log().find("was deleted"), std::string::npos);
}

TEST(Serve, ABarThatVanishesMidSweepRaisesSigbusAndOnlyThatDeviceGoesDown) {
  std::string bar = std::string(::testing::TempDir()) + "/sigbus-" + std::to_string(getpid());
  std::string cfg = write_temp_file(
      "sigbus.yml",
      "devices:\n  - {name: vanish, backend: sim, sim: {path: " + bar +
          "}, writes: {enabled: false}, sweep: {interval: 10s, budget: 5s, iterations: {read: 1000000000}}}\n"
          "  - {name: stays, backend: sim, sweep: {interval: 1s, block_sizes: [8], "
          "iterations: {read: 100, write: 100, rw: 100}}}\n");
  ExporterProcess p({"--config.file", cfg});
  ASSERT_GT(p.port(), 0) << p.log();
  std::this_thread::sleep_for(500ms);  // vanish is inside its endless read sweep
  ASSERT_EQ(truncate(bar.c_str(), 0), 0);
  ASSERT_TRUE(p.wait_for_log("reason=bus_error")) << p.log();
  std::string body;
  for (int i = 0; i < 100; ++i) {
    body = http_get(p.url("/metrics")).body;
    if (sample(body, "pcie_bar_runs_total{device=\"stays\",result=\"success\"}").value_or(0) >= 1) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(sample(body, "pcie_bar_device_up{device=\"vanish\"}"), 0.0);
  EXPECT_EQ(sample(body, "pcie_bar_device_errors_total{device=\"vanish\",reason=\"bus_error\"}"), 1.0);
  EXPECT_GE(sample(body, "pcie_bar_runs_total{device=\"stays\",result=\"success\"}").value_or(0), 1.0);
  EXPECT_FALSE(
      sample(body, "pcie_bar_throughput_bytes_per_second{device=\"vanish\",bar=\"0\",op=\"read\",block_size=\"1\"}"))
      << "a run abandoned on SIGBUS must not publish figures";
  unlink(bar.c_str());
}

TEST(Serve, SigtermDuringAWriteSweepRestoresTheWindowBeforeExiting) {
  std::string bar = std::string(::testing::TempDir()) + "/restore-" + std::to_string(getpid());
  std::string original(65536, '\0');
  for (std::size_t i = 0; i < original.size(); ++i) original[i] = static_cast<char>(i * 37 + 11);
  std::ofstream(bar, std::ios::binary) << original;
  std::string cfg = write_temp_file(
      "restore.yml", "devices:\n  - {name: w, backend: sim, sim: {path: " + bar +
                         "}, sweep: {block_sizes: [4096], budget: 20s, iterations: {read: 10, write: 1000000000}}}\n");
  ExporterProcess p({"--config.file", cfg});
  ASSERT_GT(p.port(), 0) << p.log();
  std::this_thread::sleep_for(500ms);  // inside the endless WRITE sweep: the window holds the pattern now
  std::ifstream during(bar, std::ios::binary);
  std::string mid((std::istreambuf_iterator<char>(during)), std::istreambuf_iterator<char>());
  ASSERT_NE(mid.substr(0, 16384), original.substr(0, 16384)) << "the sweep should be writing by now";
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(5s), 0);
  std::ifstream after(bar, std::ios::binary);
  std::string now((std::istreambuf_iterator<char>(after)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(now == original) << "the window was not restored";
  unlink(bar.c_str());
}

TEST(Serve, RunAsDropsRootAfterOpeningTheDevices) {
  if (getuid() != 0) GTEST_SKIP() << "needs root to switch users";
  ExporterProcess p({"--run-as", "nobody"});
  ASSERT_GT(p.port(), 0) << p.log();
  std::ifstream status("/proc/" + std::to_string(p.pid()) + "/status");
  std::map<std::string, std::string> ids;
  for (std::string line; std::getline(status, line);)
    if (auto colon = line.find(':'); colon != std::string::npos) ids[line.substr(0, colon)] = line.substr(colon + 1);
  // User, group and supplementary groups: keeping root's group 0 would keep access to
  // everything group-root can reach.
  EXPECT_TRUE(std::regex_match(ids["Uid"], std::regex("\\s+65534\\s+65534\\s+65534\\s+65534"))) << ids["Uid"];
  EXPECT_TRUE(std::regex_match(ids["Gid"], std::regex("\\s+65534\\s+65534\\s+65534\\s+65534"))) << ids["Gid"];
  EXPECT_TRUE(std::regex_match(ids["Groups"], std::regex("\\s*(65534\\s*)?"))) << ids["Groups"];
  ASSERT_TRUE(wait_ready(p));
  EXPECT_EQ(sample(http_get(p.url("/metrics")).body, "pcie_bar_device_up{device=\"sim0\"}"), 1.0);
}

TEST(Serve, TlsAndBasicAuthFromAWebConfigFile) {
  std::string dir = ::testing::TempDir();
  auto cert = testing::self_signed_cert(dir);
  std::string web =
      write_temp_file("web-ok.yml", "tls_server_config:\n  cert_file: " + cert.cert + "\n  key_file: " + cert.key +
                                        "\nbasic_auth_users:\n  prom: " + testing::bcrypt_hash("scrape-me") + "\n");
  ExporterProcess p({"--web.config.file", web});
  ASSERT_GT(p.port(), 0) << p.log();
  EXPECT_NE(p.log().find("tls=true"), std::string::npos);
  const std::string https = "https://127.0.0.1:" + std::to_string(p.port()) + "/metrics";
  testing::HttpRequest good{https};
  good.ca_file = cert.cert, good.user = "prom", good.password = "scrape-me";
  auto r = testing::http(good);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_NE(r.body.find("pcie_bar_exporter_build_info"), std::string::npos);
  testing::HttpRequest wrong = good;
  wrong.password = "guess";
  EXPECT_EQ(testing::http(wrong).status, 401);
  auto plain = http_get(p.url("/metrics"));  // plain http on the TLS port: connected, but no HTTP answer
  EXPECT_EQ(plain.status, 0);
  EXPECT_EQ(plain.error.find("connect"), std::string::npos) << plain.error;
  EXPECT_EQ(testing::http(good).status, 200) << "the server did not survive the plain request";
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(5s), 0);
}

TEST(Serve, StartupErrorsExitWithCode2AndOneLine) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  std::string bad_web = write_temp_file("web.yml", "basic_auth_users: {alice: plain}\n");
  for (const Case& c : std::vector<Case>{
           {{"--web.config.file", bad_web},
            bad_web + ":1:27: basic_auth_users.alice: not a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters)"},
           {{"--web.listen-address", "localhost:1"},
            "--web.listen-address: 'localhost:1' needs an IP address, not a host name (e.g. 127.0.0.1:9842)"},
           {{"--run-as", "no-such-user-here"}, "--run-as: no such user 'no-such-user-here'"},
           {{"--log.level", "loud"}, "--log.level: 'loud' is not a level (debug, info, warn or error)"},
       }) {
    std::vector<std::string> argv = {PCIE_BAR_EXPORTER_BIN, "--web.listen-address=127.0.0.1:0"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = testing::run_command(argv);
    EXPECT_EQ(r.exit_code, 2) << c.expected;
    EXPECT_NE(r.err.find("pcie_bar_exporter: " + c.expected + "\n"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace pcie_bar

namespace pcie_bar {
namespace {

using testing::connect_loopback;

std::string send_raw(int port, const std::string& request) {
  int fd = connect_loopback(port);
  if (fd < 0) return "";
  timeval tv{3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)!write(fd, request.data(), request.size());
  std::string reply;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) reply.append(buf, static_cast<size_t>(n));
  close(fd);
  return reply;
}

TEST(Serve, HostileClientsDoNotStopOtherScrapes) {
  ExporterProcess p({});
  ASSERT_TRUE(wait_ready(p)) << p.log();
  // Twenty slowloris clients: a request line and one header, then silence.
  std::vector<int> slow;
  for (int i = 0; i < 20; ++i) {
    int fd = connect_loopback(p.port());
    ASSERT_GE(fd, 0);
    (void)!write(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\n", 32);
    slow.push_back(fd);
  }
  auto scrapes_are_prompt = [&] {
    for (int i = 0; i < 5; ++i) {
      testing::HttpRequest r(p.url("/metrics"));
      r.timeout_ms = 2000;
      auto t0 = std::chrono::steady_clock::now();
      auto resp = testing::http(r);
      EXPECT_EQ(resp.status, 200) << resp.error;
      EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    }
  };
  scrapes_are_prompt();  // while the slow clients still hold their connections
  // Garbage, a request line with no HTTP version, and a megabyte of header.
  EXPECT_EQ(send_raw(p.port(), std::string("\x00\x01\x02 garbage \xff\r\n\r\n", 17)).find("200 OK"), std::string::npos);
  EXPECT_EQ(send_raw(p.port(), "GET /metrics\r\n\r\n").find("pcie_bar_"), std::string::npos);
  std::string huge = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n";
  EXPECT_EQ(send_raw(p.port(), huge).find("200 OK"), std::string::npos);
  scrapes_are_prompt();
  for (int fd : slow) close(fd);
  EXPECT_EQ(http_get(p.url("/-/healthy")).status, 200);
}

}  // namespace
}  // namespace pcie_bar

namespace pcie_bar {
namespace {

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// 20 scrapers for PCIE_BAR_LOAD_SECONDS (default 60) while devices sweep every second: no scrape
// may fail, and the process must not grow. Prints the scrape count, p99 latency and RSS.
TEST(Serve, TwentyConcurrentScrapersWhileRunsGoOn) {
  const int seconds = std::getenv("PCIE_BAR_LOAD_SECONDS") ? std::atoi(std::getenv("PCIE_BAR_LOAD_SECONDS")) : 60;
  ExporterProcess p({"--config.file", write_temp_file("load.yml", kTwoDevices)});
  ASSERT_TRUE(wait_ready(p)) << p.log();
  auto scrape_for = [&](std::chrono::steady_clock::duration how_long, std::vector<double>& latencies, int& failures) {
    std::mutex mu;
    std::vector<std::thread> threads;
    const auto end = std::chrono::steady_clock::now() + how_long;
    for (int t = 0; t < 20; ++t) {
      threads.emplace_back([&] {
        std::vector<double> mine;
        int failed = 0;
        while (std::chrono::steady_clock::now() < end) {
          auto t0 = std::chrono::steady_clock::now();
          auto r = http_get(p.url("/metrics"));
          mine.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
          failed += r.status != 200 || r.body.find("pcie_bar_device_up") == std::string::npos;
        }
        std::lock_guard lock(mu);
        latencies.insert(latencies.end(), mine.begin(), mine.end());
        failures += failed;
      });
    }
    for (auto& t : threads) t.join();
  };
  std::vector<double> warmup, latencies;
  int failures = 0;
  scrape_for(std::chrono::seconds(3), warmup, failures);  // allocator and thread caches settle
  const long rss_before = rss_kib(p.pid());
  scrape_for(std::chrono::seconds(seconds) / 2, latencies, failures);
  const long rss_half = rss_kib(p.pid());
  scrape_for(std::chrono::seconds(seconds) - std::chrono::seconds(seconds) / 2, latencies, failures);
  const long rss_after = rss_kib(p.pid());
  std::sort(latencies.begin(), latencies.end());
  const double p99 = latencies.empty() ? 0 : latencies[latencies.size() * 99 / 100];
  std::printf("load: %zu scrapes in %d s by 20 scrapers, %d failed, p99 %.2f ms, RSS %ld -> %ld -> %ld KiB\n",
              latencies.size(), seconds, failures, p99 * 1e3, rss_before, rss_half, rss_after);
  RecordProperty("scrapes", static_cast<int>(latencies.size()));
  RecordProperty("p99_ms", std::to_string(p99 * 1e3));
  const std::string log = p.log();  // its end says why, if the exporter died (e.g. a sanitizer report)
  EXPECT_EQ(failures, 0) << log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
  EXPECT_GE(latencies.size(), 1000u);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)  // sanitizers hold freed memory on purpose
  // A leak grows with the scrapes: one lost allocation per scrape is megabytes over the second
  // half's 100,000 or more. Pages being rebuilt while scrapers still hold older ones (text,
  // protobuf and the gzip of each) let the allocator settle higher during the first half.
  EXPECT_LT(rss_after - rss_half, 512) << "RSS kept growing under load (a leak per scrape?)";
  EXPECT_LT(rss_after - rss_before, 4096) << "RSS grew by more than 4 MiB under load";
#endif
}

}  // namespace
}  // namespace pcie_bar
