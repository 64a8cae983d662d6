#pragma once
// Runs a program with arguments, captures stdout and stderr, returns its exit code.

#include <string>
#include <vector>

namespace pcie_bar::testing {

struct CommandResult {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

CommandResult run_command(const std::vector<std::string>& argv);

}  // namespace pcie_bar::testing
