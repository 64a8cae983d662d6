#include "exporter/app/compare_command.h"

#include "config/config_error.h"
#include "exporter/report/comparison.h"
#include "exporter/report/saved_report.h"

namespace pcie_bar {

namespace {

const char* const kShortUsage = "usage: compare A.json B.json [--output table|json]";

OutputFormat compare_output_from(const std::string& s) {
  if (s == "table") return OutputFormat::kTable;
  if (s == "json") return OutputFormat::kJson;
  throw ConfigError("compare: --output '" + s + "' is not a format (table or json)");
}

std::string device_names(const SavedReport& r) {
  std::string names;
  for (const SavedDevice& d : r.devices) names += (names.empty() ? "" : ", ") + d.name;
  return names.empty() ? "none" : names;
}

}  // namespace

const char* const kCompareUsage =
    "Compares two reports of pcie_bar_exporter --once --output json cell by cell (op and block size).\n"
    "Usage:\n"
    "  pcie_bar_exporter compare A.json B.json [--output table|json]\n"
    "\n"
    "  A.json              the baseline (before)\n"
    "  B.json              the run compared with it (after); ratios are B/A\n"
    "  --output FORMAT     table (default) or json\n"
    "\n"
    "Devices are matched by name, or, when each report holds one device, those two. A cell is\n"
    "slower when its median latency rose beyond the run-to-run spread: with 5 or more repetitions on\n"
    "both sides (sweep.repetitions), a Mann-Whitney U test on their throughputs (p < 0.05) and a\n"
    "change of at least 5 %; otherwise a change beyond max(5 %, 3 x the combined CV across\n"
    "repetitions) with the medians' 95 % confidence intervals apart. Faster is the mirror image.\n"
    "Exit codes: 0 no cell slower, 1 a cell slower (a regression), 2 bad input.\n";

CompareOptions parse_compare_cli(const std::vector<std::string>& args) {
  CompareOptions o;
  std::vector<std::string> files;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help")
      o.help = true;
    else if (a == "--output" && i + 1 < args.size())
      o.output = compare_output_from(args[++i]);
    else if (a.rfind("--output=", 0) == 0)
      o.output = compare_output_from(a.substr(9));
    else if (!a.empty() && a[0] != '-')
      files.push_back(a);
    else
      throw ConfigError("compare: unexpected argument '" + a + "' (" + kShortUsage + ")");
  }
  if (o.help) return o;
  if (files.size() != 2)
    throw ConfigError("compare: needs two reports, got " + std::to_string(files.size()) + " (" + kShortUsage + ")");
  o.baseline = files[0];
  o.run = files[1];
  return o;
}

int run_compare(const CompareOptions& options, std::ostream& out) {
  const SavedReport a = read_saved_report(options.baseline);
  const SavedReport b = read_saved_report(options.run);
  const Comparison c = compare_reports(a, b);
  if (c.devices.empty())
    throw ReportReadError(options.baseline + " and " + options.run + " share no device (A: " + device_names(a) +
                          "; B: " + device_names(b) + "): compare reports of the same devices, or of one device each");
  if (options.output == OutputFormat::kJson)
    write_comparison_json(c, out);
  else
    write_comparison_table(c, "COMPARISON", out);
  return c.regression() ? 1 : 0;
}

}  // namespace pcie_bar
