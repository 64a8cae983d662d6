#pragma once
// The `metrics` section of a device: what its figures cost in time series.

#include "config/yaml_scalar.h"
#include "core/device_spec.h"

namespace pcie_bar {

// {profile, latency_buckets, block_sizes}; block sizes must be ones `sweep` measures. Fails
// through `f` with the key and what is wrong.
MetricsSpec decode_metrics(const YamlField& f, const SweepSpec& sweep);

}  // namespace pcie_bar
