#pragma once
// The YAML configuration file, decoded once into typed device specs and validated up front.

#include <cstdint>
#include <string>
#include <vector>

#include "config/config_error.h"
#include "core/device_spec.h"

namespace pcie_bar {

struct Config {
  std::vector<DeviceSpec> devices;
};

// Both throw ConfigError: "<source>:<line>:<col>: <yaml path>: <problem>".
Config load_config_file(const std::string& path);
Config parse_config(const std::string& yaml_text, const std::string& source);

// Defaults for a device given only on the command line.
DeviceSpec default_device_spec(Backend backend, const std::string& address);

}  // namespace pcie_bar
