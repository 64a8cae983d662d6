#include "exporter/report/comparison.h"

#include <cstdio>

#include "exporter/report/comparison_json.h"
#include "exporter/report/units.h"

namespace pcie_bar {

namespace {

const Cell* find_cell(const std::vector<Cell>& cells, Op op, uint64_t block_size) {
  for (const Cell& c : cells)
    if (c.op == op && c.block_size == block_size) return &c;
  return nullptr;
}

// A device's failure, said once: its cells (if any) are still compared.
void note_failure(const SavedDevice& d, const std::string& source, std::vector<std::string>& notes) {
  if (!d.error.empty()) notes.push_back("device " + d.name + ": failed in " + source + ": " + d.error);
}

// How the verdict was reached, in a few characters: "U p=0.008" or "band 5.0%".
std::string rule_text(const CellChange& c) {
  return c.method == VerdictMethod::kUTest ? printf_string("U p=%.3g", c.p_value)
                                           : printf_string("band %.1f%%", 100 * c.noise_band);
}

}  // namespace

std::size_t DeviceComparison::count(Verdict v) const {
  std::size_t n = 0;
  for (const CellComparison& c : cells) n += c.change.verdict == v;
  return n;
}

std::size_t Comparison::count(Verdict v) const {
  std::size_t n = 0;
  for (const DeviceComparison& d : devices) n += d.count(v);
  return n;
}

std::size_t Comparison::cells() const {
  std::size_t n = 0;
  for (const DeviceComparison& d : devices) n += d.cells.size();
  return n;
}

DeviceComparison compare_device(const SavedDevice& baseline, const std::string& baseline_source,
                                const SavedDevice& run) {
  DeviceComparison out;
  out.name = run.name;
  out.baseline_name = baseline.name;
  out.baseline_source = baseline_source;
  for (const Cell& after : run.cells) {
    const Cell* before = find_cell(baseline.cells, after.op, after.block_size);
    if (!before) {
      ++out.cells_only_in_run;
      continue;
    }
    out.cells.push_back(
        {after.op, after.block_size, before->figures, after.figures, compare_cell(before->figures, after.figures)});
  }
  for (const Cell& before : baseline.cells)
    out.cells_only_in_baseline += !find_cell(run.cells, before.op, before.block_size);
  return out;
}

Comparison compare_reports(const SavedReport& baseline, const SavedReport& run) {
  Comparison out;
  out.run_source = run.source;
  const bool one_each = baseline.devices.size() == 1 && run.devices.size() == 1;
  std::vector<bool> baseline_matched(baseline.devices.size(), false);
  for (const SavedDevice& d : run.devices) {
    std::size_t i = 0;
    while (i < baseline.devices.size() && !one_each && baseline.devices[i].name != d.name) ++i;
    if (i == baseline.devices.size()) {
      out.notes.push_back("device " + d.name + ": only in " + run.source);
      continue;
    }
    baseline_matched[i] = true;
    note_failure(baseline.devices[i], baseline.source, out.notes);
    note_failure(d, run.source, out.notes);
    out.devices.push_back(compare_device(baseline.devices[i], baseline.source, d));
  }
  for (std::size_t i = 0; i < baseline.devices.size(); ++i)
    if (!baseline_matched[i])
      out.notes.push_back("device " + baseline.devices[i].name + ": only in " + baseline.source);
  return out;
}

std::string verdict_counts(const Comparison& c) {
  return std::to_string(c.count(Verdict::kSlower)) + " of " + std::to_string(c.cells()) + " cells slower, " +
         std::to_string(c.count(Verdict::kFaster)) + " faster, " + std::to_string(c.count(Verdict::kSame)) + " same";
}

void write_comparison_table(const Comparison& c, const std::string& title, std::ostream& out) {
  for (const DeviceComparison& d : c.devices) {
    out << "\n=== " << title << ": " << d.name << " (A: " << d.baseline_name << " in " << d.baseline_source
        << ", B: " << c.run_source << ") ===\n"
        << "OP    | Block Size |   A MB/s   |   B MB/s   |   B/A  | Difference MB/s | p50 B/A | p99 B/A | Verdict | "
           "Rule\n"
        << "------|------------|------------|------------|--------|-----------------|---------|---------|---------|"
           "------------\n";
    for (const CellComparison& cell : d.cells) {
      const CellChange& ch = cell.change;
      out << printf_string("%-5s | %10s | %10s | %10s | %6.3f | %15s | %7.3f | %7.3f | %-7s | %s\n", op_label(cell.op),
                           format_bytes(cell.block_size).c_str(), format_mb_per_s(cell.before.throughput).c_str(),
                           format_mb_per_s(cell.after.throughput).c_str(), ch.throughput_ratio,
                           printf_string("%+.2f", ch.throughput_difference / 1e6).c_str(), ch.p50_ratio, ch.p99_ratio,
                           name_of(ch.verdict), rule_text(ch).c_str());
    }
    if (d.cells_only_in_baseline || d.cells_only_in_run)
      out << d.cells_only_in_baseline << " cells measured only in A, " << d.cells_only_in_run
          << " only in B: not compared\n";
  }
  out << "\n";
  for (const std::string& note : c.notes) out << "NOTE: " << note << "\n";
  out << "Verdict rule: with 5 or more repetitions on both sides, a Mann-Whitney U test on their throughputs "
         "(p < 0.05) and the median latency moved at least 5 %; otherwise the median latency moved beyond max(5 %, "
         "3 x the combined CV across repetitions) with the medians' 95 % intervals apart\n"
      << "Result: " << (c.regression() ? "REGRESSION" : "OK") << " (" << verdict_counts(c) << ")\n";
}

nlohmann::json comparison_json(const Comparison& c) {
  using nlohmann::json;
  const ChangeRule rule;
  json j = {{"run", c.run_source},
            {"rule",
             {{"min_relative_change", rule.min_relative_change},
              {"alpha", rule.alpha},
              {"spread_factor", rule.spread_factor},
              {"min_repetitions", rule.min_repetitions}}},
            {"regression", c.regression()},
            {"summary",
             {{"cells", c.cells()},
              {"slower", c.count(Verdict::kSlower)},
              {"faster", c.count(Verdict::kFaster)},
              {"same", c.count(Verdict::kSame)}}},
            {"devices", json::array()},
            {"notes", c.notes}};
  for (const DeviceComparison& d : c.devices) {
    json cells = json::array();
    for (const CellComparison& cell : d.cells) {
      const CellChange& ch = cell.change;
      cells.push_back({{"op", op_name(cell.op)},
                       {"block_size", cell.block_size},
                       {"baseline_throughput_bytes_per_second", cell.before.throughput},
                       {"throughput_bytes_per_second", cell.after.throughput},
                       {"throughput_ratio", ch.throughput_ratio},
                       {"throughput_difference_bytes_per_second", ch.throughput_difference},
                       {"p50_ratio", ch.p50_ratio},
                       {"p99_ratio", ch.p99_ratio},
                       {"verdict", name_of(ch.verdict)},
                       {"method", name_of(ch.method)},
                       {"p_value", ch.p_value},
                       {"noise_band", ch.noise_band}});
    }
    j["devices"].push_back({{"name", d.name},
                            {"baseline", d.baseline_source},
                            {"baseline_name", d.baseline_name},
                            {"cells_only_in_baseline", d.cells_only_in_baseline},
                            {"cells_only_in_run", d.cells_only_in_run},
                            {"cells", cells}});
  }
  return j;
}

void write_comparison_json(const Comparison& c, std::ostream& out) { out << comparison_json(c).dump(2) << '\n'; }

}  // namespace pcie_bar
