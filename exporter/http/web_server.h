#pragma once
// The HTTP(S) endpoint: /metrics (or --web.telemetry-path), a landing page at /, /-/healthy and
// /-/ready. Every handler only reads recorded state: no request ever touches a device.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/web_config.h"
#include "exporter/http/exposition_page.h"

class CivetServer;

namespace pcie_bar {

using MetricsSource = std::function<std::shared_ptr<const ExpositionPage>()>;

struct WebOptions {
  std::string listen_address = ":9842";
  std::string telemetry_path = "/metrics";
  WebConfig web;
  // Each connection holds a worker thread until it is answered or timed out: 32 workers mean
  // that up to 31 stalled (slowloris) clients cannot delay a scrape; more can, by up to the
  // request timeout each.
  int threads = 32;
  // Scrapers' connections kept open between scrapes until the client closes them, each with a
  // worker of its own on top of `threads`; past this many, responses say `Connection: close`.
  int kept_connections = 32;
  int request_timeout_ms = 5'000;  // a client that has not sent its request by then is dropped
};

class WebServer {
 public:
  // Starts serving; throws ConfigError (listen address, TLS files) with one line saying why.
  // `metrics` returns the current /metrics page; `ready` whether every device has run once.
  WebServer(const WebOptions& options, MetricsSource metrics, std::function<bool()> ready);
  ~WebServer();

  // The ports actually listened on (port 0 resolved to the one the kernel chose).
  std::vector<int> ports() const;

  struct State;  // opaque; public only so civetweb's C callbacks in web_server.cpp can reach it

 private:
  std::unique_ptr<State> state_;
  std::unique_ptr<CivetServer> server_;
};

// Validates --web.telemetry-path; throws ConfigError.
void check_telemetry_path(const std::string& path);

}  // namespace pcie_bar
