#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>

#include "core/hex.h"
#include "core/stats.h"
#include "core/sweep.h"
#include "exporter/report/report.h"
#include "exporter/report/units.h"

namespace pcie_bar {

namespace {

// The first line says plainly what is being measured, above all when it is not hardware.
void write_device_header(const DeviceRun& d, const OnceReport& report, std::ostream& out) {
  if (d.spec.backend == Backend::kSim) {
    out << "Device " << d.spec.name << ": SIMULATED BAR (backend sim) - no PCIe hardware is measured; "
        << "figures show this host's memory\n";
  } else {
    out << "Device " << d.spec.name << ": PCI " << d.spec.address << " BAR" << d.spec.bar << " via backend "
        << backend_name(d.spec.backend) << "\n";
  }
  if (!d.info.vendor_id.empty()) {
    out << "  Device:     " << d.info.vendor_id << ":" << d.info.device_id << " class " << d.info.class_code << " rev "
        << d.info.revision << ", driver " << (d.info.driver.empty() ? "none" : d.info.driver)
        << (d.info.iommu_group.empty() ? "" : ", IOMMU group " + d.info.iommu_group) << "\n";
    if (!d.info.vendor_name.empty())
      out << "              " << d.info.vendor_name << (d.info.device_name.empty() ? "" : " " + d.info.device_name)
          << "\n";
  }
  if (d.info.link.current_speed_gts && d.info.link.current_width) {
    out << "  Link:       " << *d.info.link.current_speed_gts << " GT/s x" << *d.info.link.current_width;
    if (d.info.link.max_speed_gts && d.info.link.max_width)
      out << " (max " << *d.info.link.max_speed_gts << " GT/s x" << *d.info.link.max_width << ")";
    out << (d.spec.backend == Backend::kSim ? ", simulated (sim.link): no real link\n" : "\n");
  }
  if (d.info.memory_decoding == false)
    out << "  WARNING:    memory decoding is off in the command register: every MMIO read returns all-ones\n";
  if (!d.opened) return;
  out << "  BAR" << d.spec.bar << " size:  " << d.bar.size << " bytes (" << hex(d.bar.size) << "), "
      << d.bar.description << "\n"
      << "  Window:     " << hex(d.spec.window.offset, 4) << " + " << hex(d.spec.window.size, 4) << " ("
      << format_bytes(d.spec.window.size) << ")\n"
      << "  Access:     " << d.spec.access.width << "-byte accesses via " << access_method_name(d.spec.access.method)
      << " (" << named(d.spec.access.method).meaning << ")\n"
      << "  Writes:     " << writes_text(d.spec.writes) << "\n"
      << "  Timing CPU: " << timing_cpu_text(d.timing_cpu) << "\n"
      << "  Clock:      " << report.clock_source << ", " << format_seconds(report.clock_overhead_seconds)
      << " per timestamp pair (median), subtracted from every sample; ops shorter than " << kBatchOpsUnderClockPairs
      << " pairs are timed in batches of at least " << kBatchClockPairs << " pairs"
      << (report.clock_fallback_reason.empty() ? "" : "; TSC not used: " + report.clock_fallback_reason) << "\n";
}

void write_hexdump(const std::vector<std::byte>& bytes, uint64_t base, std::ostream& out) {
  for (std::size_t row = 0; row < bytes.size(); row += 16) {
    std::string hexpart, text;
    for (std::size_t i = row; i < row + 16; ++i) {
      if (i < bytes.size()) {
        auto b = static_cast<unsigned>(bytes[i]);
        hexpart += printf_string("%02x ", b);
        text += (b >= 0x20 && b < 0x7f) ? static_cast<char>(b) : '.';
      } else {
        hexpart += "   ";
      }
    }
    out << printf_string("%08" PRIx64 ": ", base + row) << hexpart << " |" << text << "|\n";
  }
}

void write_verify(const VerifyResult& v, std::ostream& out) {
  out << "\n--- Write-verify at offset " << hex(v.offset, 4) << " ---\n"
      << "Reading " << v.before.size() << " bytes from offset " << hex(v.offset, 4) << ":\nInitial contents:\n";
  write_hexdump(v.before, v.offset, out);
  if (v.status == VerifyStatus::kSkipped) {
    out << "Write-verify skipped: writes are disabled for this device\n";
    return;
  }
  out << "\nWriting " << 8 * v.width << "-bit value " << hex(v.written, 2 * static_cast<int>(v.width)) << " to offset "
      << hex(v.offset, 4) << "\n"
      << "Reading " << v.after.size() << " bytes again from offset " << hex(v.offset, 4) << ":\nUpdated contents:\n";
  write_hexdump(v.after, v.offset, out);
  if (v.ok()) {
    out << "OK   write verification successful: " << hex(v.read_back, 2 * static_cast<int>(v.width));
  } else {
    out << "FAIL write verification failed: wrote " << hex(v.written, 2 * static_cast<int>(v.width)) << ", read back "
        << hex(v.read_back, 2 * static_cast<int>(v.width)) << ", mismatching bits "
        << hex(v.mismatch_bits, 2 * static_cast<int>(v.width));
  }
  out << (v.restored ? " (original value " + hex(v.original, 2 * static_cast<int>(v.width)) + " restored)\n" : "\n");
}

// With sweep.repetitions: how far a cell's throughput moved from one repetition to the next.
void write_repetitions(const DeviceRun& d, std::ostream& out) {
  const OpResult* widest = nullptr;
  double widest_cv = -1;
  std::size_t count = 0;
  for (const OpResult& r : d.sweep.results) {
    RepetitionStats rep = op_stats(r, d.sweep.seconds_per_unit).repetitions;
    count = std::max(count, rep.count);
    if (rep.count > 1 && rep.cv > widest_cv) widest_cv = rep.cv, widest = &r;
  }
  if (!widest) return;
  out << count << " repetitions: throughput varied by up to " << printf_string("%.1f%%", 100 * widest_cv)
      << " (coefficient of variation, " << op_label(widest->op) << " " << format_bytes(widest->block_size)
      << "); JSON and CSV give each cell's median and CV across repetitions\n";
}

void write_results(const DeviceRun& d, std::ostream& out) {
  out << "\n=== BENCHMARK RESULTS: " << d.spec.name << " (throughput in MB/s = 10^6 bytes/s; R+W counts "
      << "bytes written plus bytes read) ===\n"
      << "OP    | Block Size |     Ops | Throughput |      Min |     Mean |      p50 |      p99 |    p99.9 |      Max "
         "|    CV | Mismatches\n"
      << "------|------------|---------|------------|----------|----------|----------|----------|----------|----------|"
         "-------|-----------\n";
  for (const OpResult& r : d.sweep.results) {
    OpStats s = op_stats(r, d.sweep.seconds_per_unit);
    // * planned down to fit sweep.budget; ! too few ops to trust (fewer than 30).
    const std::string ops = std::to_string(r.ops) + (r.budget_limited ? "*" : "") + (r.underpowered() ? "!" : "");
    out << printf_string("%-5s | %10s | %7s | %10s", op_label(r.op), format_bytes(r.block_size).c_str(), ops.c_str(),
                         format_mb_per_s(s.throughput_bytes_per_second).c_str());
    for (double t : {s.latency.min, s.latency.mean, s.latency.p50, s.latency.p99, s.latency.p999, s.latency.max})
      out << " | " << pad_left(format_seconds(t), 8);
    out << " | " << pad_left(printf_string("%.0f%%", 100 * s.latency.cv), 5);
    out << " | " << pad_left(r.op == Op::kReadWrite ? std::to_string(r.mismatches) : "-", 10) << "\n";
  }
  const auto& results = d.sweep.results;
  if (std::any_of(results.begin(), results.end(), [](const OpResult& r) { return r.budget_limited; }))
    out << "* fewer ops than sweep.iterations: the cell's share of sweep.budget ("
        << format_seconds(std::chrono::duration<double>(d.spec.sweep.effective_budget()).count())
        << " per run) ran out\n";
  write_repetitions(d, out);
  if (std::any_of(results.begin(), results.end(), [](const OpResult& r) { return r.underpowered(); }))
    out << "! fewer than " << OpResult::kUsefulOps << " ops: too few for its percentiles to be trusted\n";
}

// Each limit of the device's thresholds on each cell it applies to: FAIL lines first.
void write_thresholds(const DeviceRun& d, std::ostream& out) {
  if (d.thresholds.empty()) return;
  out << "\n=== THRESHOLDS: " << d.spec.name << " ===\n";
  for (bool violated : {true, false})
    for (const ThresholdCheck& c : d.thresholds)
      if (c.violated == violated) out << (violated ? "FAIL " : "OK   ") << describe(c) << "\n";
}

void write_summary(const DeviceRun& d, std::ostream& out) {
  out << "\n=== PERFORMANCE SUMMARY: " << d.spec.name << " ===\n";
  auto summary = summarize(d.sweep);
  for (const OpSummary& s : summary)
    out << printf_string("Best %-5s throughput:    %10s MB/s with %s blocks\n", op_label(s.op),
                         format_mb_per_s(s.best_throughput).c_str(), format_bytes(s.best_block_size).c_str());
  for (const OpSummary& s : summary)
    out << printf_string("Average %-5s throughput: %10s MB/s\n", op_label(s.op),
                         format_mb_per_s(s.average_throughput).c_str());
  uint64_t mismatches = 0, all_ones = 0;
  for (const OpResult& r : d.sweep.results) mismatches += r.mismatches, all_ones += r.all_ones_reads;
  std::size_t probes_ok = 0, probes_run = 0;
  for (const VerifyResult& v : d.verify) probes_run += v.status != VerifyStatus::kSkipped, probes_ok += v.ok();
  if (d.sweep.writes_skipped) out << "WRITE and R+W skipped: writes are disabled for this device\n";
  if (all_ones)
    out << "WARNING: " << all_ones << " READ ops returned all-ones (0xff...): device gone or memory decoding off?\n";
  const auto violated = std::count_if(d.thresholds.begin(), d.thresholds.end(), [](auto& c) { return c.violated; });
  out << "Result: " << (d.failed_checks() ? "FAIL" : "OK") << " (" << mismatches << " R+W mismatches, " << probes_ok
      << "/" << probes_run << " write-verify probes ok"
      << (d.thresholds.empty() ? ""
                               : ", " + std::to_string(violated) + " of " + std::to_string(d.thresholds.size()) +
                                     " threshold checks failed")
      << (d.sweep.window_restored ? ", window restored" : "") << ", sweep took " << format_seconds(d.sweep.wall_seconds)
      << ")\n";
}

}  // namespace

void write_table(const OnceReport& report, std::ostream& out) {
  bool first = true;
  for (const DeviceRun& d : report.devices) {
    if (!first) out << "\n";
    first = false;
    write_device_header(d, report, out);
    if (!d.opened) {
      out << "ERROR: " << d.error << "\n";
      continue;
    }
    for (const VerifyResult& v : d.verify) write_verify(v, out);
    if (!d.sweep.results.empty()) {
      write_results(d, out);
      write_thresholds(d, out);
      write_summary(d, out);
    }
    if (!d.error.empty()) out << "ERROR: the run stopped: " << d.error << "\n";
  }
  if (report.baseline) write_comparison_table(*report.baseline, "BASELINE", out);
}

}  // namespace pcie_bar
