#include "exporter/app/cli.h"

#include <cxxopts.hpp>

#include "config/config_loader.h"
#include "core/pci_address.h"
#include "exporter/common/log.h"
#include "exporter/report/saved_report.h"

namespace pcie_bar {

namespace {

cxxopts::Options make_options() {
  cxxopts::Options o("pcie_bar_exporter",
                     "Measures PCIe BAR (MMIO) throughput, latency and write-verify health; "
                     "runs as a Prometheus exporter, or once with --once.");
  o.custom_help(
      "[OPTIONS] [DEVICE]\n  pcie_bar_exporter setup ADDR [--driver vfio-pci|uio_pci_generic] [-v]\n  "
      "pcie_bar_exporter setup --restore ADDR\n  pcie_bar_exporter compare A.json B.json [--output table|json]");
  o.positional_help("");
  o.add_options()("config.file", "YAML configuration file (devices to measure)", cxxopts::value<std::string>())(
      "once", "Measure every device once, print a report and exit")(
      "baseline",
      "With --once: compare the run with this saved JSON report (--output json); exit 1 when a cell got slower",
      cxxopts::value<std::string>())("output", "Report format for --once: table, json, csv or html",
                                     cxxopts::value<std::string>()->default_value("table"))(
      "device", "PCI address of the device (0000:22:00.0 or 22:00.0); also accepted as the positional DEVICE",
      cxxopts::value<std::string>())(
      "backend", "Backend for --device: " + names_text<Backend>() + " (default: vfio with --device, else sim)",
      cxxopts::value<std::string>())("writes.enabled",
                                     "Allow writes (WRITE, R+W, write-verify) on the device given with --device")(
      "web.listen-address", "Address to serve metrics on (IP:port, :port; port 0 picks a free one)",
      cxxopts::value<std::string>()->default_value(":9842"))("web.telemetry-path", "Path of the metrics endpoint",
                                                             cxxopts::value<std::string>()->default_value("/metrics"))(
      "web.config.file", "exporter-toolkit web config: TLS and basic auth", cxxopts::value<std::string>())(
      "run-as", "Open the devices as root, then run as this user", cxxopts::value<std::string>())(
      "log.level", "debug, info, warn or error", cxxopts::value<std::string>()->default_value("info"))(
      "h,help", "Show this help and exit")("version", "Show the version and exit");
  o.parse_positional({"device"});
  o.show_positional_help();  // --device is an option too, not only the positional DEVICE
  return o;
}

Backend backend_from(const std::string& s) {
  if (auto b = from_name<Backend>(s)) return *b;
  throw ConfigError("--backend: '" + s + "' is not a backend (" + names_text<Backend>() + ")");
}

OutputFormat output_from(const std::string& s) {
  if (s == "table") return OutputFormat::kTable;
  if (s == "json") return OutputFormat::kJson;
  if (s == "csv") return OutputFormat::kCsv;
  if (s == "html") return OutputFormat::kHtml;
  throw ConfigError("--output: '" + s + "' is not a format (table, json, csv or html)");
}

// cxxopts quotes names with U+2018/U+2019; every other message here uses ASCII quotes.
std::string plain_quotes(std::string s) {
  for (const char* curly : {"\u2018", "\u2019"}) {
    for (auto at = s.find(curly); at != std::string::npos; at = s.find(curly)) s.replace(at, 3, "'");
  }
  return s;
}

}  // namespace

CliOptions parse_cli(int argc, const char* const* argv) {
  cxxopts::Options options = make_options();
  CliOptions cli;
  cli.help_text = options.help();
  cxxopts::ParseResult r;
  try {
    r = options.parse(argc, argv);
  } catch (const cxxopts::exceptions::exception& e) {
    throw ConfigError(plain_quotes(e.what()) + " (see --help)");
  }
  cli.help = r.count("help") > 0;
  cli.version = r.count("version") > 0;
  cli.once = r.count("once") > 0;
  cli.writes_enabled = r.count("writes.enabled") > 0;
  if (r.count("baseline")) cli.baseline_file = r["baseline"].as<std::string>();
  if (r.count("config.file")) cli.config_file = r["config.file"].as<std::string>();
  cli.listen_address = r["web.listen-address"].as<std::string>();
  cli.telemetry_path = r["web.telemetry-path"].as<std::string>();
  if (r.count("web.config.file")) cli.web_config_file = r["web.config.file"].as<std::string>();
  if (r.count("run-as")) cli.run_as = r["run-as"].as<std::string>();
  cli.log_level = parse_log_level(r["log.level"].as<std::string>());
  cli.output = output_from(r["output"].as<std::string>());
  if (r.count("backend")) cli.backend = backend_from(r["backend"].as<std::string>());
  if (r.count("device")) {
    const std::string text = r["device"].as<std::string>();
    auto addr = canonical_pci_address(text);
    if (!addr) throw ConfigError("--device: '" + text + "' is not a PCI address (e.g. 0000:22:00.0 or 22:00.0)");
    cli.device = *addr;
  }
  if (!r.unmatched().empty()) throw ConfigError("unexpected argument '" + r.unmatched().front() + "' (see --help)");
  if (cli.backend == Backend::kSim && !cli.device.empty())
    throw ConfigError("--backend: sim takes no device address; drop --device or pick " +
                      names_text<Backend>([](Backend b) { return b != Backend::kSim; }));
  if (!cli.config_file.empty() && cli.backend)
    throw ConfigError(
        "--backend: the config file names each device's backend; use --backend only without --config.file");
  if (cli.writes_enabled && (!cli.config_file.empty() || cli.device.empty()))
    throw ConfigError("--writes.enabled: only for a device given with --device; in a config file use writes.enabled");
  if (!cli.baseline_file.empty() && !cli.once)
    throw ConfigError("--baseline: only with --once; in service mode give each device a baseline in the config file");
  return cli;
}

std::vector<DeviceSpec> devices_from(const CliOptions& cli) {
  if (!cli.config_file.empty()) {
    std::vector<DeviceSpec> devices = load_config_file(cli.config_file).devices;
    if (!cli.device.empty()) {
      std::erase_if(devices, [&](const DeviceSpec& d) { return d.address != cli.device; });
      if (devices.empty()) throw ConfigError("--device: " + cli.device + " is not a device in " + cli.config_file);
    }
    try {
      load_baselines(devices);
    } catch (const ReportReadError& e) {
      throw ConfigError(e.what());
    }
    return devices;
  }
  if (cli.device.empty()) return {default_device_spec(Backend::kSim, "")};
  DeviceSpec d = default_device_spec(cli.backend.value_or(Backend::kVfio), cli.device);
  d.writes.enabled = cli.writes_enabled;
  return {d};
}

}  // namespace pcie_bar
