#pragma once
// What to measure on one device: the typed form of one `devices[]` entry of the YAML config.
// Defaults here are the documented defaults.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/bar.h"
#include "core/cell_change.h"
#include "core/named_enum.h"
#include "core/op.h"

namespace pcie_bar {

struct Window {
  uint64_t offset = 0;
  uint64_t size = 16 * 1024;
};

struct SimLink {  // the simulated device's PCIe link, reported as a real device's would be
  double speed_gts = 8.0, max_speed_gts = 8.0;
  unsigned width = 4, max_width = 4;
};

// sim.model: a slow device (core/sim_model.h). Each access waits as a real one stalls the CPU.
struct SimModel {
  std::string preset;                         // the preset's name, or empty for values given one by one
  std::chrono::nanoseconds read_latency{0};   // per access: a non-posted read waits for its completion
  std::chrono::nanoseconds write_latency{0};  // per access: a posted write's issue cost
  double jitter = 0;                          // each wait is its latency times a uniform factor in [1-jitter, 1+jitter]
  double tail_probability = 0;                // the chance that an access takes tail_latency instead (a rare long tail)
  std::chrono::nanoseconds tail_latency{0};
  bool active() const { return read_latency.count() > 0 || write_latency.count() > 0; }
};

struct SimSpec {
  uint64_t size = 64 * 1024;
  std::string path;  // empty: anonymous memory (a memfd)
  SimLink link;
  SimModel model;  // inactive by default: the BAR is host memory
};

struct AccessSpec {
  unsigned width = 8;
  AccessMethod method = AccessMethod::kMmap;
  bool write_combining = false;  // access.mapping: wc (sysfs resourceN_wc, prefetchable BARs only)
};

struct WriteSpec {
  bool enabled = true;
  bool restore = true;  // save the window before writing, put it back afterwards
};

struct Iterations {
  uint64_t read = 10000;
  uint64_t write = 10000;
  uint64_t rw = 5000;
};

// sweep.cpu: the CPU a run is pinned to (core/timing_cpu.h).
struct CpuSetting {
  enum class Mode { kAuto, kNone, kFixed };
  Mode mode = Mode::kAuto;  // auto: a CPU local to the device; none: not pinned; fixed: `cpu`
  unsigned cpu = 0;
};

struct SweepSpec {
  std::chrono::milliseconds interval{60'000};
  // A run that takes longer is cut short and reported (0: the interval).
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds effective_timeout() const { return timeout.count() ? timeout : interval; }
  // How long a run (probes and sweep) may access the device; cells get equal shares and iterations
  // become upper bounds (0: 1 s, or half the timeout when that is shorter).
  std::chrono::milliseconds budget{0};
  std::chrono::milliseconds effective_budget() const {
    return budget.count() ? budget : std::min(std::chrono::milliseconds(1000), effective_timeout() / 2);
  }
  std::vector<uint64_t> block_sizes{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
  Iterations iterations;
  // The whole sweep this many times per run (sharing the budget); each cell then reports the
  // median and spread of its throughput across repetitions, as benchmark aggregates do.
  unsigned repetitions = 1;
  CpuSetting cpu;
};

struct VerifySpec {
  uint64_t offset = 0;
  uint64_t value = 0x1234567890abcdefULL;
  unsigned width = 8;
  bool restore = true;
};

// A limit on the sweep's figures (config `thresholds`), as xbtest and DCGM's diagnostics fail a
// card on per-product bandwidth and latency limits: --once exits 1 when one is violated.
struct Threshold {
  std::optional<Op> op;                    // nullopt: every op
  std::vector<uint64_t> block_sizes;       // empty: every block size swept
  std::optional<double> min_throughput;    // bytes per second
  std::optional<double> max_p50, max_p99;  // seconds
};

// How much of a device's figures becomes time series (config `metrics.profile`): `full` exports
// every cell with classic buckets; `fleet` keeps a device near 100 series for fleets of thousands.
enum class MetricsProfile { kFull, kFleet };

inline constexpr NamedValue<MetricsProfile> kMetricsProfiles[] = {
    {MetricsProfile::kFull, "full", "every swept block size, classic buckets 1-2-5 from 10 ns to 100 ms"},
    {MetricsProfile::kFleet, "fleet", "block sizes 8, 64 and 4096, no classic buckets: under 100 series per device"},
};
static_assert(is_complete_table(kMetricsProfiles));

constexpr std::span<const NamedValue<MetricsProfile>> name_table(MetricsProfile) { return kMetricsProfiles; }

// The classic buckets of pcie_bar_op_duration_seconds (config `metrics.latency_buckets`).
struct LatencyBucketLayout {
  enum class Kind { kProfile, kOneTwoFive, kBounds };
  Kind kind = Kind::kProfile;  // kProfile: 1-2-5 in the full profile, none in the fleet profile
  std::vector<double> bounds;  // kBounds: seconds, ascending, +Inf implicit; empty: only +Inf
};

struct MetricsSpec {
  MetricsProfile profile = MetricsProfile::kFull;
  LatencyBucketLayout latency_buckets;
  // The block sizes exported as time series (all are swept and in --once); empty: the profile's.
  std::vector<uint64_t> block_sizes;
};

// config `baseline`: a saved JSON report (--once --output json) this device's runs are compared
// with: in service mode pcie_bar_baseline_throughput_ratio, with --once a BASELINE section.
struct BaselineSpec {
  std::string path;    // a relative path in the config is relative to the config file's directory
  std::string origin;  // where the config sets it, "pcie.yml:9:15: devices[0].baseline", for errors
  // Filled when the report is loaded (load_baselines): its device compared with this one, and
  // that device's cells.
  std::string device;
  std::vector<Cell> cells;
};

struct DeviceSpec {
  std::string name = "sim0";
  Backend backend = Backend::kSim;
  std::string address;  // canonical 0000:bb:dd.f; empty for sim
  unsigned bar = 0;
  SimSpec sim;
  Window window;
  AccessSpec access;
  WriteSpec writes;
  SweepSpec sweep;
  std::vector<VerifySpec> verify{VerifySpec{0x0000}, VerifySpec{0x4000}};
  std::vector<Threshold> thresholds;
  MetricsSpec metrics;
  std::optional<BaselineSpec> baseline;
  // Set for devices given only on the command line: the defaults are shrunk to fit a BAR smaller
  // than them instead of failing (a config file's values are never changed).
  bool fit_defaults_to_bar = false;
};

}  // namespace pcie_bar
