#pragma once
// Everything the exporter says about one device, accumulated over its runs. The device's
// worker updates it after each run; scrapes read it. Every update renders the device's samples
// anew in both exposition formats (text lines, protobuf entries), so a scrape takes a pointer to
// finished bytes and never waits for conversion work.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/measure.h"
#include "core/pci_info.h"
#include "exporter/metrics/exposition.h"
#include "exporter/metrics/metric_families.h"
#include "exporter/metrics/native_histogram.h"

namespace pcie_bar {

class DeviceMetrics {
 public:
  explicit DeviceMetrics(DeviceSpec spec);

  const std::string& name() const { return spec_.name; }
  void set_spec(DeviceSpec spec);
  void record_opened(const BarProperties& bar, const PciInfo& info);
  // A completed run: its figures (and run.info: link state, AER counters) become the latest;
  // histograms and counters accumulate.
  void record_run(const DeviceRun& run, double unix_time);
  // A failed open or run: the device is down, counted under `reason`.
  // `busy_seconds`: how long the failed run accessed the device (0 when it could not be opened).
  void record_failure(ErrorReason reason, double busy_seconds = 0);
  // Whether the first run (or first failure) has been recorded: what /-/ready waits for.
  bool first_run_done() const;

  void collect(MetricFamilies& out) const;
  // The samples of collect() in both formats (the histograms' native buckets in protobuf), as
  // rendered at the last update.
  std::shared_ptr<const RenderedSamples> samples() const;
  // Declares the families collect() adds to, with their help texts.
  static void declare(MetricFamilies& out);

 private:
  struct OpKey {
    Op op;
    uint64_t block_size;
    auto operator<=>(const OpKey&) const = default;
  };
  struct LatencySeries {
    std::vector<uint64_t> cumulative;  // per bucket bound, then +Inf
    NativeCounts native;               // the same ops in native buckets (protobuf exposition only)
    double sum_seconds = 0;
    uint64_t count = 0;
  };
  struct VerifySeries {
    bool last_ok = false;
    uint64_t runs = 0, failures = 0;
  };

  bool exported(uint64_t block_size) const;  // whether the cells of this block size are series
  void collect_locked(MetricFamilies& out) const;
  void render_locked();
  void collect_sweep(MetricFamilies& out, const Labels& device_bar) const;
  void collect_device(MetricFamilies& out) const;
  Labels sweep_labels() const;  // device and bar: the labels every sweep series starts with
  static Labels op_labels(const Labels& device_bar, const OpKey& key);

  mutable std::mutex mu_;
  DeviceSpec spec_;
  std::vector<double> bounds_;             // classic buckets of the latency histograms
  std::vector<uint64_t> exported_blocks_;  // ascending
  bool up_ = false;
  bool first_run_done_ = false;
  std::optional<uint64_t> bar_size_;
  PciInfo info_;
  std::optional<TimingCpu> timing_cpu_;  // of the last completed run
  std::map<OpKey, LatencySeries> latency_;
  std::map<OpKey, double> throughput_;
  std::map<OpKey, uint64_t> ops_;  // ops timed in the last run
  double busy_seconds_ = 0;        // summed over every run, completed or failed
  std::map<Op, uint64_t> transferred_bytes_;
  std::map<uint64_t, uint64_t> rw_mismatches_;                          // by block size
  std::map<uint64_t, VerifySeries> verify_;                             // by offset
  std::map<std::tuple<Op, uint64_t, Limit>, bool> threshold_violated_;  // the last run's checks
  std::map<OpKey, double> baseline_ratio_;  // the last run's throughput over the config baseline's
  std::map<ErrorReason, uint64_t> errors_;
  uint64_t runs_success_ = 0, runs_error_ = 0;
  std::optional<double> sweep_seconds_, last_run_unix_;
  std::shared_ptr<const RenderedSamples> samples_;
};

}  // namespace pcie_bar
