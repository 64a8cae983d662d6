// --output html: one self-contained page. Inline CSS, charts as inline SVG drawn by svg_chart,
// no script, and a Content-Security-Policy that lets the page load nothing from anywhere, so it
// opens the same on a laptop with no network as on the host that made it.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "core/hex.h"
#include "core/stats.h"
#include "exporter/report/report.h"
#include "exporter/report/svg_chart.h"
#include "exporter/report/units.h"

namespace pcie_bar {

namespace {

using Facts = std::vector<std::pair<std::string, std::string>>;  // label, text; both escaped on output

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;color:#1b1f24;margin:0 auto;padding:16px 24px;max-width:1440px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:19px;margin:0 0 10px}h3{font-size:15px;margin:18px 0 6px}
section.device{border-top:3px solid #d0d7de;margin-top:22px;padding-top:14px}
table{border-collapse:collapse;margin:4px 0 8px}th,td{padding:2px 10px 2px 0;text-align:left;vertical-align:top}
table.grid th,table.grid td{border-bottom:1px solid #e3e6ea;padding:3px 12px 3px 4px}
table.grid td.num{text-align:right;font-variant-numeric:tabular-nums}
table.facts th{color:#57606a;font-weight:normal;white-space:nowrap}
.badge{display:inline-block;padding:1px 9px;border-radius:10px;font-weight:600;font-size:13px;color:#fff}
.badge.ok{background:#1a7f37}.badge.fail{background:#cf222e}.badge.error{background:#9a6700}
tr.violated td{background:#ffebe9;color:#82071e;font-weight:600}tr.caveat td{color:#6e5600}
p.error{background:#fff8c5;border-left:4px solid #9a6700;padding:6px 10px}
p.note{color:#57606a;margin:2px 0 10px}.charts{display:flex;flex-wrap:wrap;gap:8px 18px}
svg.chart{font-size:12px;background:#fff}svg.chart .chart-title{font-weight:600;font-size:13px}
svg.chart line.grid{stroke:#e6e8eb}svg.chart rect.frame{fill:none;stroke:#8c959f}
svg.chart .axis text{fill:#424a53}svg.chart .axis-title{fill:#1b1f24}
svg.chart circle.hollow{fill:#fff;stroke-width:1.8}svg.chart circle.violation{fill:none;stroke:#cf222e;stroke-width:2}
svg.chart .legend text{fill:#1b1f24}code{font-size:13px}
)";

// Colour-blind safe (Okabe and Ito): one colour per op, one per percentile.
const char* op_color(Op op) {
  switch (op) {
    case Op::kRead: return "#0072B2";
    case Op::kWrite: return "#D55E00";
    case Op::kReadWrite: return "#009E73";
  }
  return "#000";
}

// The device's cells compared with the baseline's, when a baseline was given and holds the device.
const DeviceComparison* baseline_of(const OnceReport& report, const DeviceRun& d) {
  if (!report.baseline) return nullptr;
  for (const DeviceComparison& c : report.baseline->devices)
    if (c.name == d.spec.name) return &c;
  return nullptr;
}

const char* result_name(const DeviceRun& d, const DeviceComparison* baseline) {
  if (!d.error.empty()) return "error";  // as exit code 3 outranks 1
  const bool slower = baseline && baseline->count(Verdict::kSlower) > 0;
  return d.failed_checks() || slower ? "fail" : "ok";
}

std::string badge(const char* result) {
  std::string text = result;
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return std::string("<span class=\"badge ") + result + "\">" + text + "</span>";
}

std::string seconds_of(std::chrono::milliseconds ms) { return format_seconds(static_cast<double>(ms.count()) / 1e3); }

void write_facts(const Facts& facts, std::ostream& out) {
  out << "<table class=\"facts\">";
  for (const auto& [label, text] : facts)
    if (!text.empty()) out << "<tr><th>" << escape_html(label) << "</th><td>" << escape_html(text) << "</td></tr>";
  out << "</table>";
}

std::vector<const OpResult*> measured_cells(const DeviceRun& d, Op op) {
  std::vector<const OpResult*> cells;
  for (const OpResult& r : d.sweep.results)
    if (r.op == op && r.ops > 0) cells.push_back(&r);
  return cells;
}

bool cell_violated(const DeviceRun& d, const OpResult& r) {
  return std::any_of(d.thresholds.begin(), d.thresholds.end(), [&](const ThresholdCheck& c) {
    return c.violated && c.op == r.op && c.block_size == r.block_size;
  });
}

std::string caveats(const OpResult& r) {
  std::string text;
  if (r.budget_limited)
    text += "; budget-limited: " + std::to_string(r.ops) + " of " + std::to_string(r.iterations_planned) + " ops";
  if (r.underpowered()) text += "; under " + std::to_string(OpResult::kUsefulOps) + " ops";
  return text;
}

ChartPoint cell_point(const DeviceRun& d, const OpResult& r, double y, const std::string& figure) {
  ChartPoint p;
  p.x = static_cast<double>(r.block_size);
  p.y = y;
  p.tooltip = std::string(op_label(r.op)) + " " + format_bytes(r.block_size) + ": " + figure + ", " +
              std::to_string(r.ops) + " ops" + caveats(r);
  p.hollow = r.budget_limited || r.underpowered();
  p.violated = cell_violated(d, r);
  p.data = {{"block-size", std::to_string(r.block_size)}};
  return p;
}

// The baseline's throughput per op, dashed in the op's colour, each point saying the change.
void add_baseline_series(const DeviceComparison& baseline, LineChart& chart) {
  for (Op op : {Op::kRead, Op::kWrite, Op::kReadWrite}) {
    ChartSeries s{
        std::string(op_label(op)) + " baseline", op_color(op), {{"op", op_name(op)}, {"baseline", "true"}}, {}, true};
    for (const CellComparison& c : baseline.cells) {
      if (c.op != op) continue;
      ChartPoint p;
      p.x = static_cast<double>(c.block_size);
      p.y = c.before.throughput;
      p.tooltip = std::string(op_label(op)) + " " + format_bytes(c.block_size) +
                  " baseline: " + format_bytes_per_second(c.before.throughput) + "; this run " +
                  format_bytes_per_second(c.after.throughput) + ", " + name_of(c.change.verdict);
      p.hollow = true;
      p.data = {{"block-size", std::to_string(c.block_size)}, {"verdict", name_of(c.change.verdict)}};
      s.points.push_back(std::move(p));
    }
    if (!s.points.empty()) chart.series.push_back(std::move(s));
  }
}

LineChart throughput_chart(const DeviceRun& d, const DeviceComparison* baseline) {
  LineChart chart{
      "Throughput against block size",
      {"block size (log\xE2\x82\x82 scale)", [](double b) { return format_bytes(static_cast<uint64_t>(b)); }},
      {"throughput (log scale)", [](double v) { return round_tick_label(format_bytes_per_second(v)); }},
      {},
      {{"chart", "throughput"}}};
  for (Op op : {Op::kRead, Op::kWrite, Op::kReadWrite}) {
    ChartSeries s{op_label(op), op_color(op), {{"op", op_name(op)}}, {}};
    for (const OpResult* r : measured_cells(d, op)) {
      const double v = op_stats(*r, d.sweep.seconds_per_unit).throughput_bytes_per_second;
      s.points.push_back(cell_point(d, *r, v, format_bytes_per_second(v)));
    }
    if (!s.points.empty()) chart.series.push_back(std::move(s));
  }
  if (baseline) add_baseline_series(*baseline, chart);
  return chart;
}

LineChart latency_chart(const DeviceRun& d, Op op) {
  struct Percentile {
    const char* name;
    const char* label;
    const char* color;
    double LatencySummary::*field;
  };
  static constexpr Percentile kPercentiles[] = {{"p50", "p50", "#0072B2", &LatencySummary::p50},
                                                {"p99", "p99", "#E69F00", &LatencySummary::p99},
                                                {"p999", "p99.9", "#CC79A7", &LatencySummary::p999}};
  LineChart chart{
      std::string(op_label(op)) + " latency per op",
      {"block size (log\xE2\x82\x82 scale)", [](double b) { return format_bytes(static_cast<uint64_t>(b)); }},
      {"latency (log scale)", [](double s) { return round_tick_label(format_seconds(s)); }},
      {},
      {{"chart", "latency"}, {"op", op_name(op)}},
      430,
      300};
  for (const Percentile& pc : kPercentiles) {
    ChartSeries s{pc.label, pc.color, {{"op", op_name(op)}, {"stat", pc.name}}, {}};
    for (const OpResult* r : measured_cells(d, op)) {
      const double v = op_stats(*r, d.sweep.seconds_per_unit).latency.*pc.field;
      s.points.push_back(cell_point(d, *r, v, std::string(pc.label) + " " + format_seconds(v)));
    }
    chart.series.push_back(std::move(s));
  }
  return chart;
}

void write_charts(const DeviceRun& d, const DeviceComparison* baseline, std::ostream& out) {
  out << "<h3>Throughput and latency</h3><p class=\"note\">Hover a point for its figures. Hollow points: "
         "fewer ops than planned (sweep.budget) or under "
      << OpResult::kUsefulOps
      << " ops, too few to trust; a red ring: a threshold violated on that cell. R+W counts bytes written plus "
         "bytes read.</p><div class=\"charts\">"
      << render_svg(throughput_chart(d, baseline)) << "</div><div class=\"charts\">";
  for (Op op : {Op::kRead, Op::kWrite, Op::kReadWrite})
    if (!measured_cells(d, op).empty()) out << render_svg(latency_chart(d, op));
  out << "</div>";
}

void write_results_row(const DeviceRun& d, const OpResult& r, std::ostream& out) {
  const OpStats s = op_stats(r, d.sweep.seconds_per_unit);
  const bool caveat = r.budget_limited || r.underpowered();
  out << "<tr"
      << (cell_violated(d, r) ? " class=\"violated\""
          : caveat            ? " class=\"caveat\""
                              : "")
      << "><td>" << op_label(r.op) << "</td><td class=\"num\">" << format_bytes(r.block_size)
      << "</td><td class=\"num\">" << r.ops << (r.budget_limited ? "*" : "") << (r.underpowered() ? "!" : "")
      << "</td><td class=\"num\">" << format_bytes_per_second(s.throughput_bytes_per_second) << "</td>";
  for (double t : {s.latency.min, s.latency.p50, s.latency.p99, s.latency.p999, s.latency.max})
    out << "<td class=\"num\">" << format_seconds(t) << "</td>";
  char cv[16];
  std::snprintf(cv, sizeof cv, "%.0f%%", 100 * s.latency.cv);
  out << "<td class=\"num\">" << cv << "</td><td class=\"num\">"
      << (r.op == Op::kReadWrite ? std::to_string(r.mismatches) : "-") << "</td></tr>";
}

void write_results(const DeviceRun& d, std::ostream& out) {
  out << "<details><summary>Every cell (" << d.sweep.results.size()
      << ")</summary><table class=\"grid results\"><tr><th>op</th><th>block</th><th>ops</th><th>throughput</th>"
         "<th>min</th><th>p50</th><th>p99</th><th>p99.9</th><th>max</th><th>CV</th><th>R+W mismatches</th></tr>";
  for (const OpResult& r : d.sweep.results) write_results_row(d, r, out);
  out << "</table><p class=\"note\">* planned down to fit sweep.budget; ! under " << OpResult::kUsefulOps
      << " ops. Times are per op, the clock's own cost subtracted.</p></details>";
}

// Every check of the device's thresholds, violations first, as the table report lists them.
void write_thresholds(const DeviceRun& d, std::ostream& out) {
  if (d.thresholds.empty()) return;
  const auto violated = std::count_if(d.thresholds.begin(), d.thresholds.end(), [](auto& c) { return c.violated; });
  out << "<h3>Thresholds: " << violated << " of " << d.thresholds.size()
      << " checks failed</h3><table class=\"grid thresholds\"><tr><th>result</th><th>check</th></tr>";
  for (bool want : {true, false})
    for (const ThresholdCheck& c : d.thresholds)
      if (c.violated == want)
        out << "<tr class=\"" << (want ? "violated" : "within") << "\"><td>" << (want ? "FAIL" : "OK") << "</td><td>"
            << escape_html(describe(c)) << "</td></tr>";
  out << "</table>";
}

// Every cell against the baseline (--baseline or the config's), slower ones first and marked.
void write_baseline(const DeviceComparison& b, std::ostream& out) {
  out << "<h3>Baseline: " << b.count(Verdict::kSlower) << " of " << b.cells.size() << " cells slower, "
      << b.count(Verdict::kFaster) << " faster</h3><p class=\"note\">Against " << escape_html(b.baseline_name) << " in "
      << escape_html(b.baseline_source)
      << " (dashed in the throughput chart). Slower or faster only beyond the run-to-run spread (README: Comparing "
         "runs).</p><table class=\"grid baseline\"><tr><th>op</th><th>block</th><th>baseline</th><th>this "
         "run</th><th>ratio</th><th>p50 ratio</th><th>p99 ratio</th><th>verdict</th></tr>";
  for (Verdict want : {Verdict::kSlower, Verdict::kFaster, Verdict::kSame})
    for (const CellComparison& c : b.cells) {
      if (c.change.verdict != want) continue;
      auto ratio = [](double r) { return printf_string("%.3f", r); };
      out << "<tr class=\"" << (want == Verdict::kSlower ? "violated" : name_of(want)) << "\"><td>" << op_label(c.op)
          << "</td><td class=\"num\">" << format_bytes(c.block_size) << "</td><td class=\"num\">"
          << format_bytes_per_second(c.before.throughput) << "</td><td class=\"num\">"
          << format_bytes_per_second(c.after.throughput) << "</td><td class=\"num\">"
          << ratio(c.change.throughput_ratio) << "</td><td class=\"num\">" << ratio(c.change.p50_ratio)
          << "</td><td class=\"num\">" << ratio(c.change.p99_ratio) << "</td><td>" << name_of(want) << "</td></tr>";
    }
  out << "</table>";
}

void write_verify(const DeviceRun& d, std::ostream& out) {
  if (d.verify.empty()) return;
  out << "<h3>Write-verify probes</h3><table class=\"grid verify\"><tr><th>offset</th><th>width</th><th>result</th>"
         "<th>original</th><th>written</th><th>read back</th><th>mismatching bits</th><th>restored</th></tr>";
  for (const VerifyResult& v : d.verify) {
    const int digits = 2 * static_cast<int>(v.width);
    const bool skipped = v.status == VerifyStatus::kSkipped;
    out << "<tr" << (v.status == VerifyStatus::kMismatch ? " class=\"violated\"" : "") << "><td>" << hex(v.offset, 4)
        << "</td><td>" << v.width << " B</td><td>"
        << (skipped  ? "skipped (writes disabled)"
            : v.ok() ? "OK"
                     : "FAIL");
    for (uint64_t value : {v.original, v.written, v.read_back, v.mismatch_bits})
      out << "</td><td><code>" << (skipped ? "-" : hex(value, digits)) << "</code>";
    out << "</td><td>" << (v.restored ? "yes" : "no") << "</td></tr>";
  }
  out << "</table>";
}

std::string link_text(const PciLink& l) {
  if (!l.current_speed_gts || !l.current_width) return "";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%g GT/s x%u", *l.current_speed_gts, *l.current_width);
  std::string text = buf;
  if (l.max_speed_gts && l.max_width) {
    std::snprintf(buf, sizeof buf, " (max %g GT/s x%u)", *l.max_speed_gts, *l.max_width);
    text += buf;
  }
  return text;
}

// What was measured and with what: the device as sysfs describes it, and the run's CPU.
void write_identity(const DeviceRun& d, std::ostream& out) {
  const PciInfo& i = d.info;
  const bool sim = d.spec.backend == Backend::kSim;
  Facts facts = {
      {"Device", sim ? "SIMULATED BAR (backend sim): no PCIe hardware is measured; figures show this host's memory"
                     : "PCI " + d.spec.address + " BAR" + std::to_string(d.spec.bar) + " via backend " +
                           backend_name(d.spec.backend)},
      {"PCI identity", i.vendor_id.empty() ? ""
                                           : i.vendor_id + ":" + i.device_id + " class " + i.class_code + " rev " +
                                                 i.revision + ", driver " + (i.driver.empty() ? "none" : i.driver)},
      {"Name", i.vendor_name.empty() ? i.device_name : i.vendor_name + " " + i.device_name},
      {"IOMMU group", i.iommu_group},
      {"Link", link_text(i.link) + (sim && !link_text(i.link).empty() ? ", simulated (sim.link): no real link" : "")},
      {"Memory decoding",
       i.memory_decoding == false ? "OFF in the command register: every MMIO read returns all-ones" : ""}};
  if (d.opened) {
    facts.push_back({"BAR", std::to_string(d.bar.size) + " bytes (" + hex(d.bar.size) + "), " + d.bar.description});
    facts.push_back({"Timing CPU", timing_cpu_text(d.timing_cpu)});
    facts.push_back({"Sweep took", format_seconds(d.sweep.wall_seconds)});
  }
  write_facts(facts, out);
}

std::string sim_model_text(const SimModel& m) {
  if (!m.active()) return "none (host memory)";
  char buf[64];
  std::snprintf(buf, sizeof buf, ", jitter %g, tail %g at ", m.jitter, m.tail_probability);
  const auto ns = [](std::chrono::nanoseconds t) { return format_seconds(static_cast<double>(t.count()) / 1e9); };
  return (m.preset.empty() ? "" : m.preset + ": ") + "read " + ns(m.read_latency) + ", write " + ns(m.write_latency) +
         buf + ns(m.tail_latency);
}

std::string list_text(const std::vector<uint64_t>& values, const auto& format) {
  std::string text;
  for (uint64_t v : values) text += (text.empty() ? "" : ", ") + format(v);
  return text;
}

std::string cpu_setting_text(const CpuSetting& c) {
  switch (c.mode) {
    case CpuSetting::Mode::kAuto: return "auto";
    case CpuSetting::Mode::kNone: return "none";
    case CpuSetting::Mode::kFixed: return std::to_string(c.cpu);
  }
  return "?";
}

std::string threshold_text(const Threshold& t) {
  std::string text = std::string(t.op ? op_label(*t.op) : "every op") + ", " +
                     (t.block_sizes.empty() ? "every block size" : list_text(t.block_sizes, format_bytes)) + ":";
  if (t.min_throughput) text += " min_throughput " + format_bytes_per_second(*t.min_throughput);
  if (t.max_p50) text += " max_p50 " + format_seconds(*t.max_p50);
  if (t.max_p99) text += " max_p99 " + format_seconds(*t.max_p99);
  return text;
}

Facts sweep_facts(const SweepSpec& s) {
  const auto count = [](uint64_t v) { return std::to_string(v); };
  return {{"sweep.interval", seconds_of(s.interval)},
          {"sweep.timeout", seconds_of(s.effective_timeout())},
          {"sweep.budget", seconds_of(s.effective_budget())},
          {"sweep.block_sizes", list_text(s.block_sizes, format_bytes)},
          {"sweep.iterations", "read " + count(s.iterations.read) + ", write " + count(s.iterations.write) + ", rw " +
                                   count(s.iterations.rw)},
          {"sweep.repetitions", count(s.repetitions)},
          {"sweep.cpu", cpu_setting_text(s.cpu)}};
}

// The device's configuration as the run used it (defaults filled in), keyed as the YAML is.
void write_config(const DeviceSpec& spec, std::ostream& out) {
  Facts facts = {{"backend", backend_name(spec.backend)}, {"address", spec.address}, {"bar", std::to_string(spec.bar)}};
  if (spec.backend == Backend::kSim) {
    facts.push_back({"sim.size", std::to_string(spec.sim.size) + " bytes"});
    facts.push_back({"sim.path", spec.sim.path.empty() ? "none (anonymous memory)" : spec.sim.path});
    facts.push_back({"sim.model", sim_model_text(spec.sim.model)});
  }
  facts.push_back({"window", hex(spec.window.offset, 4) + " + " + hex(spec.window.size, 4) + " (" +
                                 format_bytes(spec.window.size) + ")"});
  facts.push_back({"access", std::to_string(spec.access.width) + "-byte accesses via " +
                                 access_method_name(spec.access.method) +
                                 (spec.access.write_combining ? ", write-combining mapping" : "")});
  facts.push_back({"writes", writes_text(spec.writes)});
  for (auto& fact : sweep_facts(spec.sweep)) facts.push_back(std::move(fact));
  for (const VerifySpec& v : spec.verify)
    facts.push_back({"verify", hex(v.offset, 4) + ": " + hex(v.value, 2 * static_cast<int>(v.width)) + ", " +
                                   std::to_string(v.width) + " B" + (v.restore ? ", restored" : ", not restored")});
  for (const Threshold& t : spec.thresholds) facts.push_back({"thresholds", threshold_text(t)});
  out << "<details><summary>Configuration</summary>";
  write_facts(facts, out);
  out << "</details>";
}

// The device's sections in reading order, each its own function, so that another (a comparison
// with a baseline, say) goes in as one more line.
void write_device(const DeviceRun& d, const DeviceComparison* baseline, std::ostream& out) {
  const char* result = result_name(d, baseline);
  out << "<section class=\"device\" data-device=\"" << escape_html(d.spec.name) << "\" data-result=\"" << result
      << "\"><h2>" << escape_html(d.spec.name) << " " << badge(result) << "</h2>";
  write_identity(d, out);
  if (!d.opened) out << "<p class=\"error\">ERROR: " << escape_html(d.error) << "</p>";
  if (!d.sweep.results.empty()) {
    write_charts(d, baseline, out);
    write_results(d, out);
  }
  write_thresholds(d, out);
  if (baseline) write_baseline(*baseline, out);
  write_verify(d, out);
  if (d.opened && !d.error.empty())
    out << "<p class=\"error\">ERROR: the run stopped: " << escape_html(d.error) << "</p>";
  write_config(d.spec, out);
  out << "</section>\n";
}

// Where and with what the report was made (the JSON's context block), and each device's result.
void write_overview(const OnceReport& report, std::ostream& out) {
  const ReportContext& c = report.context;
  out << "<h1>PCIe BAR report</h1><p>";
  for (const DeviceRun& d : report.devices)
    out << escape_html(d.spec.name) << " " << badge(result_name(d, baseline_of(report, d))) << " &nbsp; ";
  out << "</p>";
  if (report.baseline)
    for (const std::string& note : report.baseline->notes) out << "<p class=\"note\">" << escape_html(note) << "</p>";
  write_facts(
      {{"Host", c.host},
       {"Kernel", c.kernel},
       {"CPU", c.cpu_model},
       {"Date", c.date},
       {"Clock", report.clock_source + ", " + format_seconds(report.clock_overhead_seconds) +
                     " per timestamp pair (median), subtracted from every sample"},
       {"TSC not used", report.clock_fallback_reason},
       {"Tool", "pcie_bar_exporter " + c.tool_version + (c.tool_revision.empty() ? "" : " (" + c.tool_revision + ")")}},
      out);
}

}  // namespace

void write_html(const OnceReport& report, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>PCIe BAR report: "
      << escape_html(report.context.host) << " " << escape_html(report.context.date) << "</title><style>" << kStyle
      << "</style></head><body>\n";
  write_overview(report, out);
  for (const DeviceRun& d : report.devices) write_device(d, baseline_of(report, d), out);
  out << "</body></html>\n";
}

}  // namespace pcie_bar
