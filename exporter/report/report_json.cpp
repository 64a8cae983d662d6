#include <nlohmann/json.hpp>

#include "core/hex.h"
#include "core/stats.h"
#include "exporter/report/comparison_json.h"
#include "exporter/report/report.h"

namespace pcie_bar {

namespace {

using nlohmann::json;

json result_json(const OpResult& r, double seconds_per_unit) {
  OpStats s = op_stats(r, seconds_per_unit);
  json j = {{"op", op_name(r.op)},
            {"block_size", r.block_size},
            {"ops", r.ops},
            {"bytes", r.bytes},
            {"seconds", s.seconds},
            {"throughput_bytes_per_second", s.throughput_bytes_per_second},
            {"mismatches", r.mismatches},
            {"all_ones_reads", r.all_ones_reads},
            {"ops_per_sample", r.ops_per_sample},
            {"iterations_planned", r.iterations_planned},
            {"budget_limited", r.budget_limited},
            {"underpowered", r.underpowered()},
            {"samples", r.samples},
            {"latency_seconds",
             {{"min", s.latency.min},
              {"mean", s.latency.mean},
              {"p50", s.latency.p50},
              {"p99", s.latency.p99},
              {"p999", s.latency.p999},
              {"max", s.latency.max},
              {"stddev", s.latency.stddev},
              {"cv", s.latency.cv},
              {"p50_ci95", {s.latency.p50_ci_low, s.latency.p50_ci_high}}}},
            {"repetitions",
             {{"count", s.repetitions.count},
              {"median_throughput_bytes_per_second", s.repetitions.median_throughput},
              {"throughput_cv", s.repetitions.cv}}}};
  // Each repetition's throughput: what `compare` and `--baseline` rank-test (core/cell_change.h).
  if (r.repetition_throughputs.size() > 1) j["repetitions"]["throughputs_bytes_per_second"] = r.repetition_throughputs;
  return j;
}

// 64-bit register values as hex strings: JSON numbers lose precision above 2^53.
json verify_json(const VerifyResult& v) {
  return {{"offset", v.offset},
          {"width", v.width},
          {"status", verify_status_name(v.status)},
          {"ok", v.ok()},
          {"original", hex(v.original)},
          {"written", hex(v.written)},
          {"read_back", hex(v.read_back)},
          {"mismatch_bits", hex(v.mismatch_bits)},
          {"restored", v.restored}};
}

json threshold_json(const ThresholdCheck& c) {
  return {{"op", op_name(c.op)},          {"block_size", c.block_size}, {"limit", limit_name(c.limit)},
          {"limit_value", c.limit_value}, {"measured", c.measured},     {"violated", c.violated},
          {"description", describe(c)}};
}

json pci_json(const PciInfo& i) {
  if (i.vendor_id.empty()) return nullptr;
  auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  return {{"vendor_id", i.vendor_id},
          {"device_id", i.device_id},
          {"vendor_name", i.vendor_name},
          {"device_name", i.device_name},
          {"subsystem_vendor_id", i.subsystem_vendor_id},
          {"subsystem_device_id", i.subsystem_device_id},
          {"class", i.class_code},
          {"revision", i.revision},
          {"driver", i.driver},
          {"iommu_group", i.iommu_group},
          {"memory_decoding", opt(i.memory_decoding)},
          {"link",
           {{"current_speed_gts", opt(i.link.current_speed_gts)},
            {"max_speed_gts", opt(i.link.max_speed_gts)},
            {"current_width", opt(i.link.current_width)},
            {"max_width", opt(i.link.max_width)}}}};
}

json device_json(const DeviceRun& d) {
  json j = {{"name", d.spec.name},
            {"backend", backend_name(d.spec.backend)},
            {"address", d.spec.address},
            {"bar", d.spec.bar},
            {"bar_size", d.bar.size},
            {"bar_description", d.bar.description},
            {"window", {{"offset", d.spec.window.offset}, {"size", d.spec.window.size}}},
            {"access_width", d.spec.access.width},
            {"access_method", access_method_name(d.spec.access.method)},
            {"writes_enabled", d.spec.writes.enabled},
            {"window_restored", d.sweep.window_restored},
            {"sweep_wall_seconds", d.sweep.wall_seconds},
            {"timing_cpu",
             {{"cpu", d.timing_cpu.cpu < 0 ? json(nullptr) : json(d.timing_cpu.cpu)},
              {"numa_node", d.timing_cpu.numa_node ? json(*d.timing_cpu.numa_node) : json(nullptr)},
              {"local_to_device", d.timing_cpu.local_to_device},
              {"note", d.timing_cpu.note}}},
            {"error", d.error.empty() ? json(nullptr) : json(d.error)},
            {"pci", pci_json(d.info)},
            {"results", json::array()},
            {"verify", json::array()},
            {"thresholds", json::array()}};
  for (const OpResult& r : d.sweep.results) j["results"].push_back(result_json(r, d.sweep.seconds_per_unit));
  for (const VerifyResult& v : d.verify) j["verify"].push_back(verify_json(v));
  for (const ThresholdCheck& c : d.thresholds) j["thresholds"].push_back(threshold_json(c));
  return j;
}

}  // namespace

void write_json(const OnceReport& report, std::ostream& out) {
  const ReportContext& c = report.context;
  json j = {{"schema_version", kReportSchemaVersion},
            {"context",
             {{"tool_version", c.tool_version},
              {"tool_revision", c.tool_revision},
              {"host", c.host},
              {"kernel", c.kernel},
              {"cpu_model", c.cpu_model},
              {"date", c.date},
              {"clock",
               {{"source", report.clock_source},
                {"overhead_seconds", report.clock_overhead_seconds},
                {"fallback_reason", report.clock_fallback_reason}}}}},
            {"devices", json::array()}};
  for (const DeviceRun& d : report.devices) j["devices"].push_back(device_json(d));
  if (report.baseline) j["baseline"] = comparison_json(*report.baseline);
  out << j.dump(2) << '\n';
}

}  // namespace pcie_bar
