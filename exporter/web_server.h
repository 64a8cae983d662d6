#pragma once
// The HTTP(S) endpoint: /metrics (or --web.telemetry-path), a landing page at /, /-/healthy and
// /-/ready. Every handler only reads recorded state: no request ever touches a device.

#include <prometheus/collectable.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/web_config.h"

class CivetServer;

namespace pcie_bar {

struct WebOptions {
  std::string listen_address = ":9842";
  std::string telemetry_path = "/metrics";
  WebConfig web;
  int threads = 8;                   // concurrent requests; more wait in the listen backlog
  int request_timeout_ms = 10'000;   // a slow client loses its connection after this
};

class WebServer {
 public:
  // Starts serving; throws ConfigError (listen address, TLS files) with one line saying why.
  WebServer(const WebOptions& options, std::shared_ptr<prometheus::Collectable> metrics, std::function<bool()> ready);
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
