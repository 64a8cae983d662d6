#pragma once
// Reads one sample out of Prometheus text exposition, as a scraper sees it.

#include <optional>
#include <string>

namespace pcie_bar::testing {

// The value of the series `series` (name and labels exactly as exposed), if exposed.
std::optional<double> sample(const std::string& exposition, const std::string& series);

}  // namespace pcie_bar::testing
