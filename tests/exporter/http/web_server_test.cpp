#include "exporter/http/web_server.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "config/config_error.h"
#include "exporter/app/monitored_devices.h"
#include "tests/support/credentials.h"
#include "tests/support/fake_bar.h"
#include "tests/support/http_client.h"
#include "tests/support/loopback.h"

namespace pcie_bar {
namespace {

using testing::http;
using testing::http_get;
using testing::HttpRequest;

const char kFixedPage[] = "# HELP probe_value A fixed value.\n# TYPE probe_value gauge\nprobe_value 42\n";
// The same family as one length-delimited MetricFamily: name, help, type GAUGE, one metric with
// gauge value 42.
const std::string kFixedProtobuf = [] {
  const std::string family = std::string(
                                 "\x0a\x0bprobe_value\x12\x0e"
                                 "A fixed value.\x18\x01",
                                 31) +
                             "\x22\x0b\x12\x09\x09" + std::string("\0\0\0\0\0\0\x45\x40", 8);
  return static_cast<char>(family.size()) + family;
}();
// What Prometheus 2.42 sends with --enable-feature=native-histograms, and without it.
const char kPrometheusProtobufAccept[] =
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
    "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,"
    "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
const char kPrometheusTextAccept[] =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
    "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
const char kProtobufContentType[] =
    "Content-Type: application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited\r\n";

struct Server {
  explicit Server(
      WebOptions o = {}, std::function<bool()> ready = [] { return true; }) {
    if (o.listen_address == ":9842") o.listen_address = "127.0.0.1:0";
    auto page = std::make_shared<const ExpositionPage>(kFixedPage, kFixedProtobuf);
    web = std::make_unique<WebServer>(
        o, [page] { return page; }, std::move(ready));
  }
  std::string url(const std::string& path, const char* scheme = "http") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(web->ports().at(0)) + path;
  }
  std::unique_ptr<WebServer> web;
};

TEST(WebServer, ServesMetricsInTheTextFormat) {
  Server s;
  auto r = http_get(s.url("/metrics"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kFixedPage);
}

TEST(WebServer, MetricsAreGzippedForClientsThatAcceptIt) {
  Server s;
  HttpRequest gzip(s.url("/metrics"));
  gzip.accept_encoding = "gzip";  // as Prometheus asks
  auto r = http(gzip);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.headers.find("Content-Encoding: gzip\r\n"), std::string::npos) << r.headers;
  EXPECT_EQ(r.body, kFixedPage);  // as decoded by libcurl
  auto plain = http_get(s.url("/metrics"));
  EXPECT_EQ(plain.headers.find("Content-Encoding"), std::string::npos) << plain.headers;
  EXPECT_NE(plain.headers.find("Vary: Accept, Accept-Encoding\r\n"), std::string::npos) << plain.headers;
}

// Prometheus with native histograms asks for protobuf first: it gets the protobuf page, gzipped
// as it accepts, with the content type its parser switches on.
TEST(WebServer, PrometheusAskingForProtobufGetsTheProtobufPage) {
  Server s;
  HttpRequest scrape(s.url("/metrics"));
  scrape.accept = kPrometheusProtobufAccept;
  scrape.accept_encoding = "gzip";
  auto r = http(scrape);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.headers.find(kProtobufContentType), std::string::npos) << r.headers;
  EXPECT_NE(r.headers.find("Content-Encoding: gzip\r\n"), std::string::npos) << r.headers;
  EXPECT_EQ(r.body, kFixedProtobuf);
  scrape.accept_encoding.clear();
  auto plain = http(scrape);
  EXPECT_NE(plain.headers.find(kProtobufContentType), std::string::npos) << plain.headers;
  EXPECT_EQ(plain.headers.find("Content-Encoding"), std::string::npos) << plain.headers;
  EXPECT_EQ(plain.body, kFixedProtobuf);
}

// Without the feature Prometheus asks for text formats only; curl sends */*; a client may also
// rank protobuf below text. All of them get the text page.
TEST(WebServer, EveryOtherAcceptGetsTheTextPage) {
  Server s;
  for (const char* accept : {kPrometheusTextAccept, "*/*",
                             "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                             "encoding=delimited;q=0.3,text/plain;q=0.9"}) {
    HttpRequest scrape(s.url("/metrics"));
    scrape.accept = accept;
    auto r = http(scrape);
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.headers.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), std::string::npos)
        << accept << "\n"
        << r.headers;
    EXPECT_EQ(r.body, kFixedPage) << accept;
  }
}

// One response read off a kept connection: the header block, then Content-Length bytes.
std::string read_response(int fd) {
  std::string got;
  char buf[4096];
  for (;;) {
    std::size_t end = got.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::size_t at = got.find("Content-Length: ");
      if (at != std::string::npos && got.size() >= end + 4 + std::stoul(got.substr(at + 16))) return got;
    }
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return got;
    got.append(buf, static_cast<std::size_t>(n));
  }
}

// A kept connection with a read timeout, as a scraper holds it.
int connect_scraper(const Server& s) {
  int fd = testing::connect_loopback(s.web->ports().at(0));
  timeval tv{10, 0};
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

std::string scrape_on(int fd) {
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) return "(write failed)";
  return read_response(fd);
}

// Whether the server closed `fd` (end of stream) within the socket's read timeout.
bool closed_by_server(int fd) {
  char byte;
  return read(fd, &byte, 1) == 0;
}

// A client that reuses its connection after idling, without checking it first (Python's
// http.client, VictoriaMetrics' scraper): the connection still answers, however long the gap.
TEST(WebServer, AScraperThatKeepsItsConnectionIsAnsweredOnItAfterIdling) {
  Server s;
  int fd = connect_scraper(s);
  ASSERT_GE(fd, 0);
  for (int scrape = 0; scrape < 3; ++scrape) {
    // 2.5 s: longer than civetweb's 2-second poll quantum and than the former 0.5 s idle timeout.
    if (scrape == 2) std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    std::string r = scrape_on(fd);
    EXPECT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << "scrape " << scrape << ": " << r;
    EXPECT_NE(r.find("Connection: keep-alive\r\n"), std::string::npos) << r;
    EXPECT_EQ(r.substr(r.find("\r\n\r\n") + 4), kFixedPage);
  }
  close(fd);
}

// Each kept connection holds a worker: past the limit a response says so, and the server closes
// the connection after it, so no client is left to reuse a connection the server will not keep.
TEST(WebServer, PastTheKeptLimitResponsesSayCloseAndAFreedPlaceIsReused) {
  WebOptions o;
  o.kept_connections = 1;
  Server s(o);
  int first = connect_scraper(s), second = connect_scraper(s);
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  EXPECT_NE(scrape_on(first).find("Connection: keep-alive\r\n"), std::string::npos);
  std::string refused = scrape_on(second);
  EXPECT_EQ(refused.rfind("HTTP/1.1 200", 0), 0u) << refused;
  EXPECT_NE(refused.find("Connection: close\r\n"), std::string::npos) << refused;
  EXPECT_TRUE(closed_by_server(second));
  close(second);
  EXPECT_NE(scrape_on(first).find("Connection: keep-alive\r\n"), std::string::npos);  // still kept

  close(first);  // the client leaves: its place goes to the next one
  std::string kept;
  for (int attempt = 0; attempt < 50 && kept.find("keep-alive") == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    int fd = connect_scraper(s);
    kept = scrape_on(fd);
    close(fd);
  }
  EXPECT_NE(kept.find("Connection: keep-alive\r\n"), std::string::npos) << kept;
}

TEST(WebServer, StoppingDoesNotWaitForIdleKeptConnections) {
  Server s;
  int fd = connect_scraper(s);
  ASSERT_GE(fd, 0);
  ASSERT_NE(scrape_on(fd).find("Connection: keep-alive\r\n"), std::string::npos);
  auto start = std::chrono::steady_clock::now();
  s.web.reset();
  // civetweb would notice its stop flag on the idle connection only after its 2-second poll.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
  EXPECT_TRUE(closed_by_server(fd));
  close(fd);
}

TEST(WebServer, LandingPageLinksTheTelemetryPath) {
  WebOptions o;
  o.telemetry_path = "/custom";
  Server s(o);
  auto landing = http_get(s.url("/"));
  EXPECT_EQ(landing.status, 200);
  EXPECT_NE(landing.body.find("href=\"/custom\""), std::string::npos);
  EXPECT_EQ(http_get(s.url("/custom")).status, 200);
  EXPECT_EQ(http_get(s.url("/metrics")).status, 404);
  EXPECT_EQ(http_get(s.url("/nothing/here")).status, 404);
}

TEST(WebServer, HealthAndReadiness) {
  std::atomic<bool> ready{false};
  Server s({}, [&] { return ready.load(); });
  EXPECT_EQ(http_get(s.url("/-/healthy")).status, 200);
  EXPECT_EQ(http_get(s.url("/-/ready")).status, 503);
  ready = true;
  auto r = http_get(s.url("/-/ready"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "Ready\n");
}

TEST(WebServer, OnlyGetIsAllowed) {
  Server s;
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"}) {
    for (const char* path : {"/metrics", "/", "/-/ready"})
      EXPECT_EQ(http(HttpRequest{s.url(path), method}).status, 405) << method << " " << path;
  }
}

TEST(WebServer, BasicAuthGuardsEveryPath) {
  WebOptions o;
  o.web.basic_auth_users = {{"alice", testing::bcrypt_hash("s3cret")}};
  Server s(o);
  for (const char* path : {"/metrics", "/", "/-/healthy"}) {
    EXPECT_EQ(http_get(s.url(path)).status, 401) << path;
    HttpRequest wrong{s.url(path)};
    wrong.user = "alice", wrong.password = "nope";
    EXPECT_EQ(http(wrong).status, 401) << path;
    HttpRequest right{s.url(path)};
    right.user = "alice", right.password = "s3cret";
    EXPECT_EQ(http(right).status, 200) << path;
  }
}

TEST(WebServer, TlsServesHttpsAndRefusesPlainHttp) {
  auto cert = testing::self_signed_cert(::testing::TempDir());
  WebOptions o;
  o.web.cert_file = cert.cert;
  o.web.key_file = cert.key;
  Server s(o);
  HttpRequest https{s.url("/metrics", "https")};
  https.ca_file = cert.cert;
  auto r = http(https);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_NE(r.body.find("probe_value 42"), std::string::npos);
  auto plain = http_get(s.url("/metrics"));  // connected, but no HTTP answer
  EXPECT_EQ(plain.status, 0);
  EXPECT_EQ(plain.error.find("connect"), std::string::npos) << plain.error;
  HttpRequest untrusted{s.url("/metrics", "https")};  // without the CA: the certificate is checked
  auto refused = http(untrusted);
  EXPECT_EQ(refused.status, 0);
  EXPECT_NE(refused.error.find("certificate"), std::string::npos) << refused.error;
}

TEST(WebServer, StartupErrorsAreOneLine) {
  WebOptions bad_path;
  bad_path.listen_address = "127.0.0.1:0";
  bad_path.telemetry_path = "metrics";
  EXPECT_THROW(Server{bad_path}, ConfigError);

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  WebOptions busy;
  busy.listen_address = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  try {
    Server s(busy);
    FAIL() << "expected the port in use to be an error";
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind("--web.listen-address: cannot serve on " + busy.listen_address + ": ", 0), 0u) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
  close(fd);
}

TEST(WebServer, NoRequestOfAnyPathOrMethodTouchesTheDevice) {
  static const Clock clock = Clock::calibrate();
  std::atomic<testing::FakeBar*> bar{nullptr};
  MonitoredDevices service(clock, [&](const DeviceSpec&) {
    auto b = std::make_unique<testing::FakeBar>(65536);  // unmapped: every access is recorded
    bar = b.get();
    return b;
  });
  DeviceSpec spec;
  spec.sweep.interval = std::chrono::hours(1);
  spec.sweep.block_sizes = {8};
  spec.sweep.iterations = {10, 10, 10};
  service.configure({spec});
  WebOptions o;
  o.listen_address = "127.0.0.1:0";
  WebServer web(
      o, [&] { return service.metrics_page().current(); }, [&] { return service.ready(); });
  service.start();
  for (int i = 0; i < 1000 && !service.ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(service.ready());
  const std::size_t accesses = bar.load()->accesses.size();
  ASSERT_GT(accesses, 0u);
  const std::string base = "http://127.0.0.1:" + std::to_string(web.ports().at(0));
  for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"})
    for (const char* path : {"/", "/metrics", "/-/healthy", "/-/ready", "/-/reload", "/debug", "/metrics?x=1"})
      http(HttpRequest{base + path, method});
  EXPECT_EQ(bar.load()->accesses.size(), accesses);
  service.stop();
}

}  // namespace
}  // namespace pcie_bar
