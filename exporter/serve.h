#pragma once

#include "exporter/cli.h"

namespace pcie_bar {

// The service mode: opens every device, serves /metrics, sweeps on schedule until SIGTERM or
// SIGINT (exit 0), reloads the config on SIGHUP. Throws ConfigError for start-up problems.
int run_service(const CliOptions& cli);

}  // namespace pcie_bar
