#include "exporter/app/service_mode.h"

#include <malloc.h>

#include "config/config_error.h"
#include "config/web_config.h"
#include "exporter/app/exit_code.h"
#include "exporter/app/monitored_devices.h"
#include "exporter/app/privileges.h"
#include "exporter/app/signals.h"
#include "exporter/common/log.h"
#include "exporter/common/version.h"
#include "exporter/http/web_server.h"

namespace pcie_bar {

namespace {

// A bad new config is logged and the running one kept, as Prometheus does.
void reload(const CliOptions& cli, MonitoredDevices& monitored) {
  if (cli.config_file.empty()) {
    log_event(LogLevel::kInfo, "SIGHUP ignored: no --config.file to reload");
    return;
  }
  std::vector<DeviceSpec> devices;
  try {
    devices = devices_from(cli);
  } catch (const ConfigError& e) {
    log_event(LogLevel::kError, "reload failed; keeping the running configuration", {{"err", e.what()}});
    return;
  }
  monitored.configure(devices);
  monitored.start();
  log_event(LogLevel::kInfo, "configuration reloaded", {{"devices", std::to_string(devices.size())}});
}

// glibc gives each of the ~40 threads (civetweb's workers, the device workers) an arena of its
// own, up to 8 per core, and raises its mmap threshold whenever a large block is freed, so that
// later large blocks (a page being built, zlib's buffers) stay in those arenas after use.
// Together they let RSS creep up under load. Two arenas and a fixed threshold keep it flat;
// the service allocates little per scrape, so the arenas are not contended.
void bound_heap_growth() {
  // Before any thread exists (run_service_mode's first call), so mallopt's lack of thread
  // safety cannot matter.
  mallopt(M_ARENA_MAX, 2);               // NOLINT(concurrency-mt-unsafe)
  mallopt(M_MMAP_THRESHOLD, 64 * 1024);  // NOLINT(concurrency-mt-unsafe)
}

}  // namespace

int run_service_mode(const CliOptions& cli) {
  bound_heap_growth();
  block_service_signals();  // before any thread exists, so every thread inherits the mask
  std::vector<DeviceSpec> devices = devices_from(cli);
  WebOptions web;
  web.listen_address = cli.listen_address;
  web.telemetry_path = cli.telemetry_path;
  if (!cli.web_config_file.empty()) web.web = load_web_config(cli.web_config_file);

  const Clock clock = Clock::calibrate();
  if (!clock.fallback_reason().empty())
    log_event(LogLevel::kWarn, "TSC not used for timing", {{"reason", clock.fallback_reason()}});
  MonitoredDevices monitored(clock);
  monitored.configure(devices);  // devices are opened here, while still privileged
  WebServer server(
      web, [&monitored] { return monitored.metrics_page().current(); }, [&monitored] { return monitored.ready(); });
  if (!cli.run_as.empty()) drop_privileges(cli.run_as);
  monitored.start();

  std::string port = server.ports().empty() ? "?" : std::to_string(server.ports().front());
  log_event(LogLevel::kInfo, "listening",
            {{"address", cli.listen_address},
             {"port", port},
             {"tls", web.web.tls() ? "true" : "false"},
             {"version", kVersion},
             {"devices", std::to_string(devices.size())}});
  while (wait_for_service_signal() == ServiceSignal::kReload) reload(cli, monitored);
  log_event(LogLevel::kInfo, "stopping");
  monitored.stop();
  return kExitOk;
}

}  // namespace pcie_bar
