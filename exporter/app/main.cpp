#include <iostream>

#include "config/config_error.h"
#include "core/bar.h"
#include "exporter/app/cli.h"
#include "exporter/app/compare_command.h"
#include "exporter/app/exit_code.h"
#include "exporter/app/once_mode.h"
#include "exporter/app/service_mode.h"
#include "exporter/common/log.h"
#include "exporter/common/version.h"
#include "exporter/report/saved_report.h"
#include "exporter/setup/setup.h"

int main(int argc, char** argv) {
  using namespace pcie_bar;
  try {
    if (argc > 1 && std::string(argv[1]) == "setup") {
      run_setup(parse_setup_cli(std::vector<std::string>(argv + 2, argv + argc)), std::cout);
      return kExitOk;
    }
    if (argc > 1 && std::string(argv[1]) == "compare") {
      const CompareOptions options = parse_compare_cli(std::vector<std::string>(argv + 2, argv + argc));
      if (options.help) {
        std::cout << kCompareUsage;
        return kExitOk;
      }
      return run_compare(options, std::cout) ? kExitCheckFailed : kExitOk;
    }
    CliOptions cli = parse_cli(argc, argv);
    if (cli.help) {
      std::cout << cli.help_text;
      return kExitOk;
    }
    if (cli.version) {
      std::cout << "pcie_bar_exporter " << kVersion << " (revision " << kRevision << ")\n";
      return kExitOk;
    }
    set_log_level(cli.log_level);
    if (!cli.once) return run_service_mode(cli);
    return run_once_mode(cli, devices_from(cli), std::cout);
  } catch (const DeviceError& e) {
    std::cerr << "pcie_bar_exporter: " << e.what() << "\n";
    return kExitDeviceError;
  } catch (const ReportReadError& e) {  // compare: a file that is not a readable report
    std::cerr << "pcie_bar_exporter: compare: " << e.what() << "\n";
    return kExitUsage;
  } catch (const ConfigError& e) {
    std::cerr << "pcie_bar_exporter: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "pcie_bar_exporter: internal error: " << e.what() << "\n";
    return kExitInternalError;
  }
}
