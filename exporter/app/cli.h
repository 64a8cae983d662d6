#pragma once
// Command-line options, node_exporter style (--config.file, --web.listen-address, ...).

#include <optional>
#include <string>
#include <vector>

#include "core/device_spec.h"
#include "exporter/common/log.h"

namespace pcie_bar {

enum class OutputFormat { kTable, kJson, kCsv, kHtml };

struct CliOptions {
  bool help = false;
  bool version = false;
  std::string help_text;

  std::string config_file;
  bool once = false;
  OutputFormat output = OutputFormat::kTable;
  std::string device;              // canonical PCI address, from --device or the positional
  std::optional<Backend> backend;  // --backend
  bool writes_enabled = false;     // --writes.enabled, for a device given with --device
  std::string baseline_file;       // --baseline: a saved JSON report --once compares its run with

  // Service mode.
  std::string listen_address = ":9842";
  std::string telemetry_path = "/metrics";
  std::string web_config_file;
  std::string run_as;
  LogLevel log_level = LogLevel::kInfo;
};

// Throws ConfigError with a one-line message naming the flag.
CliOptions parse_cli(int argc, const char* const* argv);

// The devices to measure: from the config file, narrowed by --device, or a device built from
// --device/--backend, or the simulated default; devices' config `baseline` reports are read and
// checked here. Throws ConfigError.
std::vector<DeviceSpec> devices_from(const CliOptions& cli);

}  // namespace pcie_bar
