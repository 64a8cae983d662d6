#include <gtest/gtest.h>

#include <sstream>

#include "tests/exporter/report/sample_report.h"

namespace pcie_bar {
namespace {

std::string html_of(const OnceReport& rep) {
  std::ostringstream out;
  write_html(rep, out);
  return out.str();
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

// The <svg> element whose opening tag holds `marker` (e.g. data-chart="throughput").
std::string chart(const std::string& html, const std::string& marker) {
  const auto at = html.find(marker);
  if (at == std::string::npos) return "";
  const auto start = html.rfind("<svg", at);
  return html.substr(start, html.find("</svg>", at) + 6 - start);
}

// The sample (one cell per op at 4 B) with READ and WRITE measured at 8 B and 16 B too, 100 ops
// each (enough to trust), and an R+W cell at 8 B that ran no op (a cancelled run).
OnceReport wider_report() {
  OnceReport rep = testing::sample_report();
  auto& results = rep.devices[0].sweep.results;
  for (uint64_t block : {8, 16})
    for (Op op : {Op::kRead, Op::kWrite}) results.push_back(testing::sample_result(op, block, 1000, 100));
  results.push_back(testing::sample_result(Op::kReadWrite, 8, 1000, 0));
  return rep;
}

TEST(ReportHtml, IsOnePageWithStyleInlineAndAPolicyThatLoadsNothing) {
  const std::string html = html_of(wider_report());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_NE(html.find("</body></html>\n"), std::string::npos);
  EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'\""), std::string::npos);
  for (const char* outside : {"http://", "https://", "src=", "href=", "url(", "@import", "<script", "<link", "<img"})
    EXPECT_EQ(html.find(outside), std::string::npos) << outside;
}

TEST(ReportHtml, ThroughputHasOneSeriesPerOpAndOnePointPerMeasuredCell) {
  const std::string svg = chart(html_of(wider_report()), "data-chart=\"throughput\"");
  ASSERT_FALSE(svg.empty());
  EXPECT_EQ(count(svg, "<g class=\"series\""), 3u);
  EXPECT_EQ(count(svg, "<g class=\"series\" data-op=\"read\""), 1u);
  EXPECT_EQ(count(svg, "<g class=\"series\" data-op=\"write\""), 1u);
  EXPECT_EQ(count(svg, "<g class=\"series\" data-op=\"rw\""), 1u);
  // READ and WRITE at 4, 8, 16 B; R+W at 4 B only (its 8 B cell ran no op).
  EXPECT_EQ(count(svg, "<circle class=\"point"), 7u);
  const std::string rw = svg.substr(svg.find("data-op=\"rw\""));
  EXPECT_EQ(count(rw, "<circle class=\"point"), 1u);
  // The log2 axis labels each power of two the cells span, in human units.
  for (const char* tick : {">4 B<", ">8 B<", ">16 B<"}) EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  EXPECT_NE(svg.find("<title>WRITE 4 B: 8.00 MB/s, 10 ops; under 30 ops</title>"),
            std::string::npos);  // 4 B per 500 ns
}

TEST(ReportHtml, LatencyHasAChartPerOpWithP50P99AndP999) {
  const std::string html = html_of(wider_report());
  EXPECT_EQ(count(html, "data-chart=\"latency\""), 3u);
  for (const char* op : {"read", "write", "rw"}) {
    const std::string svg = chart(html, std::string("data-chart=\"latency\" data-op=\"") + op + "\"");
    ASSERT_FALSE(svg.empty()) << op;
    EXPECT_EQ(count(svg, "<g class=\"series\""), 3u) << op;
    for (const char* stat : {"p50", "p99", "p999"})
      EXPECT_EQ(count(svg, std::string("data-op=\"") + op + "\" data-stat=\"" + stat + "\""), 1u) << op << stat;
    EXPECT_EQ(count(svg, "<circle class=\"point"), std::string(op) == "rw" ? 3u : 9u) << op;
    EXPECT_NE(svg.find("latency (log scale)"), std::string::npos);
  }
}

// Cells with a caveat are drawn open, and the cell table marks them as the text table does.
TEST(ReportHtml, BudgetLimitedAndUnderpoweredCellsAreHollowAndMarked) {
  const std::string svg = chart(html_of(wider_report()), "data-chart=\"throughput\"");
  EXPECT_EQ(count(svg, "<circle class=\"point hollow\""), 3u);  // the sample's 4 B cells: 10 and 5 ops
  EXPECT_EQ(count(svg, "<circle class=\"point\""), 4u);         // 100 ops each
  const std::string html = html_of(wider_report());
  EXPECT_NE(html.find(">10*!</td>"), std::string::npos);  // READ 4 B: budget-limited, under 30 ops
  EXPECT_NE(html.find("budget-limited: 10 of 100 ops"), std::string::npos);
}

TEST(ReportHtml, ThresholdChecksAreListedViolationsFirstAndRinged) {
  OnceReport rep = wider_report();
  auto& d = rep.devices[0];
  d.thresholds = {{Op::kRead, 4, Limit::kMaxP50, 2e-6, 1e-6, false},
                  {Op::kWrite, 8, Limit::kMinThroughput, 1e9, 8e6, true}};
  const std::string html = html_of(rep);
  EXPECT_NE(html.find("<h3>Thresholds: 1 of 2 checks failed</h3>"), std::string::npos);
  const auto fail = html.find(
      "<tr class=\"violated\"><td>FAIL</td><td>WRITE 8 B: throughput 8 MB/s below "
      "min_throughput 1000 MB/s</td></tr>");
  const auto ok = html.find("<tr class=\"within\"><td>OK</td><td>READ 4 B: p50 1 us within max_p50 2 us</td></tr>");
  ASSERT_NE(fail, std::string::npos) << html;
  ASSERT_NE(ok, std::string::npos);
  EXPECT_LT(fail, ok);
  // WRITE 8 B in the throughput chart and in each of WRITE's three latency series.
  EXPECT_EQ(count(html, "<circle class=\"violation\""), 4u);
  EXPECT_EQ(count(chart(html, "data-chart=\"throughput\""), "<circle class=\"violation\""), 1u);
  EXPECT_NE(html.find("data-result=\"fail\""), std::string::npos);
}

TEST(ReportHtml, ADeviceThatFailedShowsItsErrorAndNoCharts) {
  OnceReport rep;
  rep.devices.push_back(
      testing::failed_run("fpga1", Backend::kVfio, "0000:23:00.0", "vfio: cannot open /dev/vfio/7: Permission denied"));
  const std::string html = html_of(rep);
  EXPECT_NE(html.find("<p class=\"error\">ERROR: vfio: cannot open /dev/vfio/7: Permission denied</p>"),
            std::string::npos);
  EXPECT_NE(html.find("data-device=\"fpga1\" data-result=\"error\""), std::string::npos);
  EXPECT_NE(html.find("PCI 0000:23:00.0 BAR0 via backend vfio"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
}

TEST(ReportHtml, ARunThatStoppedKeepsItsChartsAndSaysWhy) {
  OnceReport rep = testing::sample_report();
  rep.devices[0].error = "bus error: the device went away";
  const std::string html = html_of(rep);
  EXPECT_NE(html.find("ERROR: the run stopped: bus error: the device went away"), std::string::npos);
  EXPECT_NE(html.find("data-chart=\"throughput\""), std::string::npos);
  EXPECT_NE(html.find("data-result=\"error\""), std::string::npos);
}

// Device names, errors and paths come from the config or the system: never markup.
TEST(ReportHtml, EscapesEveryTextFromTheConfigAndTheSystem) {
  OnceReport rep = testing::sample_report();
  rep.context.host = "<b>host</b>";
  rep.devices[0].spec.name = "<script>alert('x')</script>&\"";
  rep.devices.push_back(testing::failed_run("a<b", Backend::kSim, "", "sim: cannot open /tmp/<x>&y"));
  rep.devices.back().spec.sim.path = "/tmp/<x>&y";
  const std::string html = html_of(rep);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>host"), std::string::npos);
  EXPECT_EQ(html.find("<x>"), std::string::npos);
  EXPECT_NE(html.find("data-device=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;\""), std::string::npos);
  EXPECT_NE(html.find("<h2>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot; "), std::string::npos);
  EXPECT_NE(html.find("ERROR: sim: cannot open /tmp/&lt;x&gt;&amp;y"), std::string::npos);
  EXPECT_NE(html.find("<td>/tmp/&lt;x&gt;&amp;y</td>"), std::string::npos);
  EXPECT_NE(html.find("<title>PCIe BAR report: &lt;b&gt;host&lt;/b&gt;"), std::string::npos);
}

TEST(ReportHtml, WriteVerifyProbesShowTheirValuesAndAMismatchAsFail) {
  const std::string html = html_of(testing::sample_report());
  EXPECT_NE(html.find("<tr class=\"violated\"><td>0x0004</td><td>4 B</td><td>FAIL</td><td><code>0x00000000</code></td>"
                      "<td><code>0x12345678</code></td><td><code>0xedcba987</code></td><td><code>0xffffffff</code>"),
            std::string::npos)
      << html;
}

TEST(ReportHtml, ShowsTheContextTheDeviceAndItsConfiguration) {
  OnceReport rep = testing::sample_report();
  rep.context = {"0.1.0", "abc1234", "rack7-fpga3", "Linux 6.1.0-27-amd64", "AMD EPYC 9B45", "2026-11-30T05:00:00Z"};
  auto& d = rep.devices[0];
  d.info.vendor_id = "0x1234";
  d.info.device_id = "0x11e8";
  d.info.class_code = "0x00ff00";
  d.info.revision = "0x10";
  d.info.link = {8.0, 8.0, 4u, 16u};
  d.spec.thresholds = {{Op::kRead, {4096}, 200e6, std::nullopt, std::nullopt}};
  const std::string html = html_of(rep);
  for (const char* fact :
       {"<td>rack7-fpga3</td>", "<td>Linux 6.1.0-27-amd64</td>", "<td>AMD EPYC 9B45</td>",
        "<td>2026-11-30T05:00:00Z</td>",
        "<td>tsc, 9.00 ns per timestamp pair (median), subtracted from every sample</td>",
        "<td>pcie_bar_exporter 0.1.0 (abc1234)</td>", "<td>0x1234:0x11e8 class 0x00ff00 rev 0x10, driver none</td>",
        "<td>8 GT/s x4 (max 8 GT/s x16)</td>", "<td>65536 bytes (0x10000), vfio region 0</td>",
        "<td>5 (pinned for the run; local to the device, NUMA node 1)</td>", "<td>0x0000 + 0x4000 (16 KiB)</td>",
        "<td>8-byte accesses via mmap</td>", "<td>enabled; the window is saved and restored</td>",
        "<th>sweep.block_sizes</th><td>1 B, 2 B, 4 B, 8 B, 16 B, 32 B, 64 B, 128 B, 256 B, 512 B, 1 KiB, 2 KiB, 4 "
        "KiB</td>",
        "<th>sweep.iterations</th><td>read 10000, write 10000, rw 5000</td>", "<th>sweep.budget</th><td>1.00 s</td>",
        "<th>verify</th><td>0x0000: 0x1234567890abcdef, 8 B, restored</td>",
        "<th>thresholds</th><td>READ, 4 KiB: min_throughput 200 MB/s</td>"})
    EXPECT_NE(html.find(fact), std::string::npos) << fact;
}

// --baseline: the baseline's throughput dashed beside this run's per op, a table with the slower
// cells first and marked, and the device failed by a slower cell as by a threshold.
TEST(ReportHtml, ABaselineIsADashedSeriesPerOpAndATableWithSlowerCellsFirst) {
  OnceReport rep = wider_report();
  rep.devices[0].sweep.results[2].mismatches = 0;  // the sample's failed checks
  rep.devices[0].verify.clear();
  ASSERT_NE(html_of(rep).find("data-result=\"ok\""), std::string::npos);
  DeviceComparison device{rep.devices[0].spec.name, "fpga0", "last-week.json", {}, 0, 0};
  auto cell = [](Op op, uint64_t block, double before, double after, Verdict v) {
    CellComparison c{op, block, {}, {}, {}};
    c.before.throughput = before;
    c.after.throughput = after;
    c.change.throughput_ratio = after / before;
    c.change.verdict = v;
    return c;
  };
  device.cells = {cell(Op::kRead, 4, 2e6, 2e6, Verdict::kSame), cell(Op::kRead, 8, 4e6, 2e6, Verdict::kSlower),
                  cell(Op::kWrite, 4, 1e6, 3e6, Verdict::kFaster)};
  rep.baseline = Comparison{"this run", {device}, {"device old1: only in last-week.json"}};
  const std::string html = html_of(rep);

  const std::string svg = chart(html, "data-chart=\"throughput\"");
  EXPECT_EQ(count(svg, "<g class=\"series\""), 5u);  // three ops, and the baseline of READ and WRITE
  EXPECT_EQ(count(svg, "data-baseline=\"true\""), 2u);
  EXPECT_EQ(count(svg, "stroke-dasharray"), 4u);  // two polylines, two legend swatches
  EXPECT_EQ(count(svg, "data-verdict=\"slower\""), 1u);

  const auto table = html.substr(html.find("<table class=\"grid baseline\">"));
  EXPECT_NE(html.find("<h3>Baseline: 1 of 3 cells slower, 1 faster</h3>"), std::string::npos);
  EXPECT_LT(table.find("<tr class=\"violated\"><td>READ</td><td class=\"num\">8 B</td>"), table.find("faster"));
  EXPECT_NE(table.find("<td class=\"num\">0.500</td>"), std::string::npos);
  EXPECT_NE(html.find("device old1: only in last-week.json"), std::string::npos);
  EXPECT_NE(html.find("data-result=\"fail\""), std::string::npos);

  rep.baseline->devices[0].cells.erase(rep.baseline->devices[0].cells.begin() + 1);  // no slower cell
  EXPECT_NE(html_of(rep).find("data-result=\"ok\""), std::string::npos);
}

}  // namespace
}  // namespace pcie_bar
