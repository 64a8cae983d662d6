#include <iostream>

#include "config/config_error.h"
#include "exporter/cli.h"
#include "exporter/once.h"
#include "exporter/version.h"

int main(int argc, char** argv) {
  using namespace pcie_bar;
  try {
    CliOptions cli = parse_cli(argc, argv);
    if (cli.help) {
      std::cout << cli.help_text;
      return kExitOk;
    }
    if (cli.version) {
      std::cout << "pcie_bar_exporter " << kVersion << " (revision " << kRevision << ")\n";
      return kExitOk;
    }
    std::vector<DeviceSpec> devices = devices_from(cli);
    if (!cli.once) {
      std::cerr << "pcie_bar_exporter: the service mode is not available in this build yet; use --once\n";
      return kExitUsage;
    }
    return run_once(cli, devices, std::cout);
  } catch (const ConfigError& e) {
    std::cerr << "pcie_bar_exporter: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "pcie_bar_exporter: internal error: " << e.what() << "\n";
    return 70;
  }
}
