#include "exporter/metrics/device_metrics.h"

#include <algorithm>

#include "core/hex.h"
#include "core/stats.h"
#include "exporter/metrics/latency_buckets.h"
#include "exporter/metrics/metrics_profile.h"
#include "exporter/metrics/protobuf_exposition.h"

namespace pcie_bar {

using prometheus::MetricType;

namespace {

// "open (the device ... opened), io (...), ...": every reason the counter can carry.
std::string reasons_help() {
  std::string out;
  for (const auto& r : kErrorReasons) out += std::string(out.empty() ? "" : ", ") + r.name + " (" + r.meaning + ")";
  return out + ".";
}

// The throughput of the cell (op, block size) in the device's baseline report; 0 when it has none.
double baseline_throughput(const DeviceSpec& spec, Op op, uint64_t block_size) {
  if (!spec.baseline) return 0;
  for (const Cell& c : spec.baseline->cells)
    if (c.op == op && c.block_size == block_size) return c.figures.throughput;
  return 0;
}

}  // namespace

void DeviceMetrics::declare(MetricFamilies& f) {
  const std::string last = " Figures come from the last completed run; scrapes never access the device.";
  f.declare("pcie_bar_op_duration_seconds",
            "Latency of BAR ops (read, write, rw = write+read-back), cumulative over runs; ops shorter than 32 "
            "timestamp pairs are timed in batches and counted at the batch mean.",
            MetricType::Histogram);
  f.declare("pcie_bar_throughput_bytes_per_second", "BAR throughput per op and block size." + last, MetricType::Gauge);
  f.declare(
      "pcie_bar_sweep_ops",
      "Ops timed per op and block size in the last completed run; sweep.budget may plan it below sweep.iterations.",
      MetricType::Gauge);
  f.declare("pcie_bar_transferred_bytes_total", "Bytes moved by timed ops (rw counts both directions).",
            MetricType::Counter);
  f.declare("pcie_bar_rw_mismatches_total", "R+W ops whose read-back differed from what was written.",
            MetricType::Counter);
  f.declare("pcie_bar_verify_success", "1 if the write-verify probe at this offset passed." + last, MetricType::Gauge);
  f.declare("pcie_bar_verify_runs_total", "Write-verify probes run.", MetricType::Counter);
  f.declare("pcie_bar_verify_failures_total", "Write-verify probes that read back something else.",
            MetricType::Counter);
  f.declare("pcie_bar_threshold_violated",
            "1 if the last run's figure for the cell (op, block_size) was beyond the limit (min_throughput, max_p50, "
            "max_p99) of the device's thresholds, 0 if within; only cells a threshold applies to.",
            MetricType::Gauge);
  f.declare("pcie_bar_baseline_throughput_ratio",
            "The last run's throughput over the same cell's in the device's baseline report (config baseline); "
            "below 1 is slower. Only cells both measured.",
            MetricType::Gauge);
  f.declare("pcie_bar_sweep_duration_seconds", "Wall time of the last completed run (probes and sweep).",
            MetricType::Gauge);
  f.declare("pcie_bar_last_run_timestamp_seconds", "Unix time the last completed run finished.", MetricType::Gauge);
  f.declare("pcie_bar_sweep_interval_seconds", "Configured time between runs (sweep.interval).", MetricType::Gauge);
  f.declare("pcie_bar_sweep_budget_seconds", "Configured device time per run (sweep.budget).", MetricType::Gauge);
  f.declare("pcie_bar_device_busy_seconds_total",
            "Time runs spent accessing the device (probes and sweep, failed runs included); its rate is the duty "
            "cycle the exporter imposes on the device.",
            MetricType::Counter);
  f.declare("pcie_bar_runs_total", "Runs by result: success (completed) or error (open or I/O failure).",
            MetricType::Counter);
  f.declare("pcie_bar_device_errors_total", "Device failures by reason: " + reasons_help(), MetricType::Counter);
  f.declare("pcie_bar_device_up", "1 if the device opened and its last run completed.", MetricType::Gauge);
  f.declare("pcie_bar_device_info", "Identity of the measured device; value 1.", MetricType::Gauge);
  f.declare("pcie_bar_bar_size_bytes", "Size of the measured BAR.", MetricType::Gauge);
  f.declare("pcie_bar_timing_cpu_info",
            "The CPU the last run was pinned to (sweep.cpu; cpu=\"none\" when not pinned), the device's NUMA node, "
            "and whether the CPU is local to it; value 1.",
            MetricType::Gauge);
  f.declare("pcie_bar_link_speed_transfers_per_second", "PCIe link speed (current and max), in transfers/s.",
            MetricType::Gauge);
  f.declare("pcie_bar_link_width_lanes", "PCIe link width (current and max), in lanes.", MetricType::Gauge);
  f.declare("pcie_bar_aer_errors_total", "AER error counters from sysfs, by severity.", MetricType::Counter);
}

DeviceMetrics::DeviceMetrics(DeviceSpec spec)
    : spec_(std::move(spec)), bounds_(classic_bounds(spec_.metrics)), exported_blocks_(exported_block_sizes(spec_)) {
  render_locked();
}

void DeviceMetrics::set_spec(DeviceSpec spec) {
  std::lock_guard lock(mu_);
  spec_ = std::move(spec);
  exported_blocks_ = exported_block_sizes(spec_);
  if (auto bounds = classic_bounds(spec_.metrics); bounds != bounds_) {
    bounds_ = std::move(bounds);
    latency_.clear();  // counts kept in the old buckets cannot be split into new ones: start again
  }
  render_locked();
}

bool DeviceMetrics::exported(uint64_t block_size) const {
  return std::binary_search(exported_blocks_.begin(), exported_blocks_.end(), block_size);
}

void DeviceMetrics::record_opened(const BarProperties& bar, const PciInfo& info) {
  std::lock_guard lock(mu_);
  bar_size_ = bar.size;
  info_ = info;
  render_locked();
}

void DeviceMetrics::record_run(const DeviceRun& run, double unix_time) {
  std::lock_guard lock(mu_);
  for (const OpResult& r : run.sweep.results) {
    OpKey key{r.op, r.block_size};
    LatencySeries& s = latency_[key];
    if (s.cumulative.empty()) s.cumulative.assign(bounds_.size() + 1, 0);
    auto add = cumulative_bucket_counts(r.latency, run.sweep.seconds_per_unit, bounds_);
    for (std::size_t i = 0; i < add.size(); ++i) s.cumulative[i] += add[i];
    add_native_counts(r.latency, run.sweep.seconds_per_unit, s.native);
    s.sum_seconds += r.latency.sum() * run.sweep.seconds_per_unit;
    s.count += r.latency.count();
    throughput_[key] = op_stats(r, run.sweep.seconds_per_unit).throughput_bytes_per_second;
    ops_[key] = r.ops;
    transferred_bytes_[r.op] += r.bytes;
    if (r.op == Op::kReadWrite) rw_mismatches_[r.block_size] += r.mismatches;
  }
  baseline_ratio_.clear();  // a baseline removed by a reload stops being exported
  for (const OpResult& r : run.sweep.results) {
    const double base = baseline_throughput(spec_, r.op, r.block_size);
    if (base > 0 && r.ops > 0)
      baseline_ratio_[{r.op, r.block_size}] =
          op_stats(r, run.sweep.seconds_per_unit).throughput_bytes_per_second / base;
  }
  threshold_violated_.clear();  // thresholds removed by a reload stop being exported
  for (const ThresholdCheck& c : run.thresholds) {
    bool& violated = threshold_violated_[{c.op, c.block_size, c.limit}];
    violated = violated || c.violated;  // two thresholds with the same limit on a cell: either
  }
  for (const VerifyResult& v : run.verify) {
    if (v.status == VerifyStatus::kSkipped) continue;
    VerifySeries& s = verify_[v.offset];
    s.last_ok = v.ok();
    ++s.runs;
    s.failures += !v.ok();
  }
  info_ = run.info;
  timing_cpu_ = run.timing_cpu;
  busy_seconds_ += run.busy_seconds;
  sweep_seconds_ = run.sweep.wall_seconds;
  last_run_unix_ = unix_time;
  ++runs_success_;
  up_ = true;
  first_run_done_ = true;
  render_locked();
}

void DeviceMetrics::record_failure(ErrorReason reason, double busy_seconds) {
  std::lock_guard lock(mu_);
  busy_seconds_ += busy_seconds;
  ++errors_[reason];
  ++runs_error_;
  up_ = false;
  first_run_done_ = true;
  render_locked();
}

bool DeviceMetrics::first_run_done() const {
  std::lock_guard lock(mu_);
  return first_run_done_;
}

void DeviceMetrics::collect(MetricFamilies& out) const {
  std::lock_guard lock(mu_);
  collect_locked(out);
}

std::shared_ptr<const RenderedSamples> DeviceMetrics::samples() const {
  std::lock_guard lock(mu_);
  return samples_;
}

void DeviceMetrics::render_locked() {
  MetricFamilies f;
  declare(f);
  collect_locked(f);
  const auto families = f.take();
  NativeHistograms native;
  auto& durations = native["pcie_bar_op_duration_seconds"];
  for (const auto& [key, s] : latency_)
    if (exported(key.block_size)) durations[op_labels(sweep_labels(), key)] = encode_native(s.native);
  samples_ = std::make_shared<const RenderedSamples>(
      RenderedSamples{render_samples(families), render_protobuf_samples(families, native)});
}

Labels DeviceMetrics::sweep_labels() const { return {{"device", spec_.name}, {"bar", std::to_string(spec_.bar)}}; }

Labels DeviceMetrics::op_labels(const Labels& device_bar, const OpKey& key) {
  Labels l = device_bar;
  l.push_back({"op", op_name(key.op)});
  l.push_back({"block_size", std::to_string(key.block_size)});
  return l;
}

void DeviceMetrics::collect_locked(MetricFamilies& out) const {
  collect_sweep(out, sweep_labels());
  collect_device(out);
}

void DeviceMetrics::collect_sweep(MetricFamilies& out, const Labels& device_bar) const {
  for (const auto& [key, s] : latency_) {
    if (!exported(key.block_size)) continue;
    const Labels l = op_labels(device_bar, key);
    auto& h = out.add("pcie_bar_op_duration_seconds", l).histogram;
    h.sample_count = s.count;
    h.sample_sum = s.sum_seconds;
    for (std::size_t i = 0; i < s.cumulative.size(); ++i)
      h.bucket.push_back({s.cumulative[i], i < bounds_.size() ? bounds_[i] : std::numeric_limits<double>::infinity()});
    out.gauge("pcie_bar_throughput_bytes_per_second", l, throughput_.at(key));
    out.gauge("pcie_bar_sweep_ops", l, static_cast<double>(ops_.at(key)));
  }
  for (const auto& [op, bytes] : transferred_bytes_) {
    Labels l = device_bar;
    l.push_back({"op", op_name(op)});
    out.counter("pcie_bar_transferred_bytes_total", l, static_cast<double>(bytes));
  }
  for (const auto& [block, n] : rw_mismatches_) {
    Labels l = device_bar;
    l.push_back({"block_size", std::to_string(block)});
    out.counter("pcie_bar_rw_mismatches_total", l, static_cast<double>(n));
  }
  for (const auto& [key, violated] : threshold_violated_) {
    const auto& [op, block, limit] = key;
    Labels l = device_bar;
    l.push_back({"op", op_name(op)});
    l.push_back({"block_size", std::to_string(block)});
    l.push_back({"limit", limit_name(limit)});
    out.gauge("pcie_bar_threshold_violated", l, violated ? 1 : 0);
  }
  for (const auto& [key, ratio] : baseline_ratio_) {
    Labels l = device_bar;
    l.push_back({"op", op_name(key.op)});
    l.push_back({"block_size", std::to_string(key.block_size)});
    out.gauge("pcie_bar_baseline_throughput_ratio", l, ratio);
  }
  for (const auto& [offset, v] : verify_) {
    Labels l = device_bar;
    l.push_back({"offset", hex(offset)});
    out.gauge("pcie_bar_verify_success", l, v.last_ok ? 1 : 0);
    out.counter("pcie_bar_verify_runs_total", l, static_cast<double>(v.runs));
    out.counter("pcie_bar_verify_failures_total", l, static_cast<double>(v.failures));
  }
}

void DeviceMetrics::collect_device(MetricFamilies& out) const {
  const Labels device = {{"device", spec_.name}};
  if (sweep_seconds_) out.gauge("pcie_bar_sweep_duration_seconds", device, *sweep_seconds_);
  if (last_run_unix_) out.gauge("pcie_bar_last_run_timestamp_seconds", device, *last_run_unix_);
  out.gauge("pcie_bar_sweep_interval_seconds", device, std::chrono::duration<double>(spec_.sweep.interval).count());
  out.gauge("pcie_bar_sweep_budget_seconds", device,
            std::chrono::duration<double>(spec_.sweep.effective_budget()).count());
  out.counter("pcie_bar_device_busy_seconds_total", device, busy_seconds_);
  for (auto [result, n] : {std::pair{"success", runs_success_}, std::pair{"error", runs_error_}})
    out.counter("pcie_bar_runs_total", {{"device", spec_.name}, {"result", result}}, static_cast<double>(n));
  for (const auto& [reason, n] : errors_)
    out.counter("pcie_bar_device_errors_total", {{"device", spec_.name}, {"reason", error_reason_name(reason)}},
                static_cast<double>(n));
  out.gauge("pcie_bar_device_up", device, up_ ? 1 : 0);
  out.gauge("pcie_bar_device_info",
            {{"device", spec_.name},
             {"address", spec_.address},
             {"backend", backend_name(spec_.backend)},
             {"bar", std::to_string(spec_.bar)},
             {"vendor_id", info_.vendor_id},
             {"device_id", info_.device_id},
             {"subsystem_vendor_id", info_.subsystem_vendor_id},
             {"subsystem_device_id", info_.subsystem_device_id},
             {"class", info_.class_code},
             {"revision", info_.revision},
             {"driver", info_.driver},
             {"iommu_group", info_.iommu_group}},
            1);
  if (timing_cpu_) {
    const TimingCpu& t = *timing_cpu_;
    out.gauge("pcie_bar_timing_cpu_info",
              {{"device", spec_.name},
               {"cpu", t.cpu < 0 ? "none" : std::to_string(t.cpu)},
               {"numa_node", t.numa_node ? std::to_string(*t.numa_node) : ""},
               {"local", t.local_to_device ? "true" : "false"}},
              1);
  }
  if (bar_size_)
    out.gauge("pcie_bar_bar_size_bytes", {{"device", spec_.name}, {"bar", std::to_string(spec_.bar)}},
              static_cast<double>(*bar_size_));
  auto link = [&](const char* metric, const char* kind, auto value, double scale) {
    if (value) out.gauge(metric, {{"device", spec_.name}, {"kind", kind}}, static_cast<double>(*value) * scale);
  };
  link("pcie_bar_link_speed_transfers_per_second", "current", info_.link.current_speed_gts, 1e9);
  link("pcie_bar_link_speed_transfers_per_second", "max", info_.link.max_speed_gts, 1e9);
  link("pcie_bar_link_width_lanes", "current", info_.link.current_width, 1);
  link("pcie_bar_link_width_lanes", "max", info_.link.max_width, 1);
  if (info_.aer) {
    for (auto [severity, n] : {std::pair{"correctable", info_.aer->correctable},
                               std::pair{"nonfatal", info_.aer->nonfatal}, std::pair{"fatal", info_.aer->fatal}})
      out.counter("pcie_bar_aer_errors_total", {{"device", spec_.name}, {"severity", severity}},
                  static_cast<double>(n));
  }
}

}  // namespace pcie_bar
