#include "tests/support/exposition_sample.h"

#include <sstream>

namespace pcie_bar::testing {

std::optional<double> sample(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return std::nullopt;
}

}  // namespace pcie_bar::testing
