#pragma once

#include "exporter/app/cli.h"

namespace pcie_bar {

// The service mode: opens every device, serves /metrics, sweeps on schedule until SIGTERM or
// SIGINT (exit 0), reloads the config on SIGHUP. Throws ConfigError for start-up problems.
int run_service_mode(const CliOptions& cli);

}  // namespace pcie_bar
