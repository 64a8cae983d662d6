#pragma once

#include <stdexcept>

namespace pcie_bar {

// A bad configuration or command line: one line that names where and what; exit code 2.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace pcie_bar
