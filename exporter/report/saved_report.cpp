#include "exporter/report/saved_report.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/errno_text.h"
#include "core/stats.h"
#include "exporter/report/report_context.h"

namespace pcie_bar {

namespace {

using nlohmann::json;

// A JSON value with its path in the document, so that every read can fail naming file and path.
class Field {
 public:
  Field(const json& value, std::string path, const std::string& source)
      : value_(value), path_(std::move(path)), source_(source) {}

  Field operator[](const char* key) const {
    if (!value_.is_object()) fail("expected an object");
    const auto it = value_.find(key);
    const std::string path = path_.empty() ? key : path_ + "." + key;
    if (it == value_.end()) Field(value_, path, source_).fail("missing");
    return Field(*it, path, source_);
  }
  Field at(std::size_t i) const { return Field(value_.at(i), path_ + "[" + std::to_string(i) + "]", source_); }
  std::size_t length() const {
    if (!value_.is_array()) fail("expected a list");
    return value_.size();
  }
  bool has(const char* key) const { return value_.is_object() && value_.contains(key); }
  bool is_null() const { return value_.is_null(); }

  double number() const {
    if (!value_.is_number()) fail("expected a number");
    return value_.get<double>();
  }
  uint64_t count() const {
    if (!value_.is_number_unsigned()) fail("expected a whole number of at least 0");
    return value_.get<uint64_t>();
  }
  std::string text() const {
    if (!value_.is_string()) fail("expected a string");
    return value_.get<std::string>();
  }
  Op op() const {
    const std::string s = text();
    for (Op o : {Op::kRead, Op::kWrite, Op::kReadWrite})
      if (s == op_name(o)) return o;
    fail("'" + s + "' is not an op (read, write or rw)");
  }

  [[noreturn]] void fail(const std::string& problem) const {
    throw ReportReadError(source_ + ": " + (path_.empty() ? "" : path_ + ": ") + problem);
  }

 private:
  const json& value_;
  std::string path_;
  const std::string& source_;
};

CellFigures figures_of(const Field& r) {
  CellFigures f;
  f.throughput = r["throughput_bytes_per_second"].number();
  f.ops = r["ops"].count();
  const Field latency = r["latency_seconds"];
  f.p50 = latency["p50"].number();
  f.p99 = latency["p99"].number();
  const Field ci = latency["p50_ci95"];
  if (ci.length() != 2) ci.fail("expected two numbers, the interval's ends");
  f.p50_ci_low = ci.at(0).number();
  f.p50_ci_high = ci.at(1).number();
  const Field rep = r["repetitions"];
  f.repetitions = rep["count"].count();
  f.repetitions_cv = rep["throughput_cv"].number();
  if (rep.has("throughputs_bytes_per_second")) {  // optional: written with two repetitions or more
    const Field each = rep["throughputs_bytes_per_second"];
    for (std::size_t i = 0; i < each.length(); ++i) f.repetition_throughputs.push_back(each.at(i).number());
  }
  return f;
}

SavedDevice device_of(const Field& d) {
  SavedDevice out;
  out.name = d["name"].text();
  if (!d["error"].is_null()) out.error = d["error"].text();
  const Field results = d["results"];
  for (std::size_t i = 0; i < results.length(); ++i) {
    const Field r = results.at(i);
    Cell c{r["op"].op(), r["block_size"].count(), figures_of(r)};
    if (c.figures.ops > 0) out.cells.push_back(std::move(c));  // writes disabled or a cancelled run
  }
  return out;
}

}  // namespace

SavedReport parse_saved_report(const std::string& text, const std::string& source) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded())
    throw ReportReadError(source + ": not JSON; give a report written by pcie_bar_exporter --once --output json");
  const Field top(doc, "", source);
  if (!doc.is_object() || !doc.contains("schema_version") || !doc.contains("devices"))
    top.fail("not a pcie_bar_exporter JSON report (no schema_version or devices); write one with --once --output json");
  if (!doc["schema_version"].is_number_integer() || doc["schema_version"].get<int>() != kReportSchemaVersion)
    top.fail("schema_version " + doc["schema_version"].dump() + " is not the " + std::to_string(kReportSchemaVersion) +
             " this build reads; compare with the pcie_bar_exporter that wrote it, or measure again with this one");
  SavedReport report;
  report.source = source;
  const Field context = top["context"];
  report.host = context["host"].text();
  report.date = context["date"].text();
  report.tool_version = context["tool_version"].text();
  const Field devices = top["devices"];
  for (std::size_t i = 0; i < devices.length(); ++i) report.devices.push_back(device_of(devices.at(i)));
  return report;
}

SavedReport read_saved_report(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReportReadError(path + ": cannot open the report: " + errno_text());
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ReportReadError(path + ": cannot read the report: " + errno_text());
  return parse_saved_report(text.str(), path);
}

const SavedDevice* matching_device(const SavedReport& report, const std::string& name) {
  for (const SavedDevice& d : report.devices)
    if (d.name == name) return &d;
  return report.devices.size() == 1 ? &report.devices.front() : nullptr;
}

void load_baselines(std::vector<DeviceSpec>& devices) {
  for (DeviceSpec& spec : devices) {
    if (!spec.baseline) continue;
    BaselineSpec& b = *spec.baseline;
    try {
      const SavedReport report = read_saved_report(b.path);
      const SavedDevice* d = matching_device(report, spec.name);
      if (!d) {
        std::string names;
        for (const SavedDevice& other : report.devices) names += (names.empty() ? "" : ", ") + other.name;
        throw ReportReadError(b.path + ": no device named " + spec.name + " (the report holds " +
                              (names.empty() ? "no device" : names) + ")");
      }
      if (d->cells.empty())
        throw ReportReadError(b.path + ": device " + d->name + " measured nothing" +
                              (d->error.empty() ? "" : " (" + d->error + ")") + "; save a report of a complete run");
      b.device = d->name;
      b.cells = d->cells;
    } catch (const ReportReadError& e) {
      throw ReportReadError(b.origin + ": " + e.what());
    }
  }
}

CellFigures cell_figures(const OpResult& r, double seconds_per_unit) {
  const OpStats s = op_stats(r, seconds_per_unit);
  CellFigures f;
  f.throughput = s.throughput_bytes_per_second;
  f.ops = r.ops;
  f.p50 = s.latency.p50;
  f.p99 = s.latency.p99;
  f.p50_ci_low = s.latency.p50_ci_low;
  f.p50_ci_high = s.latency.p50_ci_high;
  f.repetitions = s.repetitions.count;
  f.repetitions_cv = s.repetitions.cv;
  if (r.repetition_throughputs.size() > 1) f.repetition_throughputs = r.repetition_throughputs;
  return f;
}

SavedDevice saved_device(const DeviceRun& run) {
  SavedDevice out;
  out.name = run.spec.name;
  out.error = run.error;
  for (const OpResult& r : run.sweep.results)
    if (r.ops > 0) out.cells.push_back({r.op, r.block_size, cell_figures(r, run.sweep.seconds_per_unit)});
  return out;
}

}  // namespace pcie_bar
