#pragma once
// The comparison as JSON, for the writers inside exporter/report (compare's output and the
// report's `baseline` object: report.schema.json's $defs/comparison).

#include <nlohmann/json.hpp>

#include "exporter/report/comparison.h"

namespace pcie_bar {

nlohmann::json comparison_json(const Comparison& c);

}  // namespace pcie_bar
