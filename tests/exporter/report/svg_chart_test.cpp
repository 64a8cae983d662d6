#include "exporter/report/svg_chart.h"

#include <gtest/gtest.h>

#include <regex>

namespace pcie_bar {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

LineChart chart_of(std::vector<std::pair<double, double>> points, int width = 900) {
  ChartSeries s{"READ", "#0072B2", {{"op", "read"}}, {}};
  for (auto [x, y] : points) s.points.push_back({x, y, "tip", false, false, {}});
  return {"title",
          {"block size", [](double x) { return std::to_string(static_cast<long>(x)) + "x"; }},
          {"value", [](double y) { return std::to_string(y) + "y"; }},
          {s},
          {{"chart", "test"}},
          width,
          300};
}

// The value of attribute `name` of each element whose tag starts with `element_start`.
std::vector<double> attribute_of(const std::string& svg, const std::string& element_start, const std::string& name) {
  std::vector<double> values;
  const std::regex attr(name + "=\"([-0-9.]+)\"");
  for (auto at = svg.find(element_start); at != std::string::npos; at = svg.find(element_start, at + 1)) {
    const std::string tag = svg.substr(at, svg.find('>', at) - at);
    std::smatch m;
    if (std::regex_search(tag, m, attr)) values.push_back(std::stod(m[1]));
  }
  return values;
}

TEST(SvgChart, EscapesTheFiveMarkupCharacters) {
  EXPECT_EQ(escape_html("a<b>&\"c'd"), "a&lt;b&gt;&amp;&quot;c&#39;d");
  EXPECT_EQ(escape_html("4 KiB µs"), "4 KiB µs");
}

TEST(SvgChart, TickLabelsDropTrailingZeros) {
  EXPECT_EQ(round_tick_label("1.00 µs"), "1 µs");
  EXPECT_EQ(round_tick_label("0.10 ns"), "0.1 ns");
  EXPECT_EQ(round_tick_label("20.0 MB/s"), "20 MB/s");
  EXPECT_EQ(round_tick_label("2.50 GB/s"), "2.5 GB/s");
  EXPECT_EQ(round_tick_label("100 ns"), "100 ns");
  EXPECT_EQ(round_tick_label("4 KiB"), "4 KiB");
}

TEST(SvgChart, OneSeriesGroupWithItsDataAttributesAndOnePointEach) {
  const std::string svg = render_svg(chart_of({{1, 10}, {2, 20}, {4, 40}}));
  EXPECT_EQ(svg.rfind("<svg class=\"chart\" data-chart=\"test\"", 0), 0u);
  EXPECT_EQ(count(svg, "<g class=\"series\" data-op=\"read\""), 1u);
  EXPECT_EQ(count(svg, "<circle class=\"point\""), 3u);
  EXPECT_EQ(count(svg, "<title>tip</title>"), 3u);
  EXPECT_EQ(count(svg, "<polyline"), 1u);
}

// x: log2, so doubling the block size moves as far each time; y: log10, up the page.
TEST(SvgChart, PointsSitOnLogScales) {
  const std::string svg = render_svg(chart_of({{1, 10}, {2, 100}, {4, 1000}}));
  const auto cx = attribute_of(svg, "<circle class=\"point", "cx");
  const auto cy = attribute_of(svg, "<circle class=\"point", "cy");
  ASSERT_EQ(cx.size(), 3u);
  EXPECT_NEAR(cx[1] - cx[0], cx[2] - cx[1], 0.15);
  EXPECT_NEAR(cy[0] - cy[1], cy[1] - cy[2], 0.15);
  EXPECT_GT(cy[0], cy[1]);  // more is higher
}

TEST(SvgChart, XTicksAtEveryPowerOfTwoOrEverySecondOneWhenNarrow) {
  const std::vector<std::pair<double, double>> sweep = {{1, 1}, {4096, 2}};
  const std::string wide = render_svg(chart_of(sweep, 900));
  for (const char* tick : {">1x<", ">2x<", ">64x<", ">2048x<", ">4096x<"})
    EXPECT_NE(wide.find(tick), std::string::npos);
  const std::string narrow = render_svg(chart_of(sweep, 430));
  EXPECT_NE(narrow.find(">1x<"), std::string::npos);
  EXPECT_NE(narrow.find(">4x<"), std::string::npos);
  EXPECT_EQ(narrow.find(">2x<"), std::string::npos);
}

TEST(SvgChart, YTicksAtDecadesAndAt2And5WithinANarrowRange) {
  const std::string wide = render_svg(chart_of({{1, 0.5}, {2, 5000}}));  // 0.1 .. 10000: five decades
  EXPECT_NE(wide.find(">0.100000y<"), std::string::npos);
  EXPECT_NE(wide.find(">10000.000000y<"), std::string::npos);
  EXPECT_EQ(wide.find(">20.000000y<"), std::string::npos);
  const std::string narrow = render_svg(chart_of({{1, 3}, {2, 30}}));  // 1 .. 100
  for (const char* tick :
       {">1.000000y<", ">2.000000y<", ">5.000000y<", ">10.000000y<", ">50.000000y<", ">100.000000y<"})
    EXPECT_NE(narrow.find(tick), std::string::npos) << tick;
}

// A zero cannot sit on a log axis: it is drawn on the floor and says so.
TEST(SvgChart, AZeroIsDrawnOnTheFloorAndMarkedClamped) {
  const std::string svg = render_svg(chart_of({{1, 0}, {2, 10}}));
  EXPECT_EQ(count(svg, "<circle class=\"point\""), 2u);
  EXPECT_EQ(count(svg, "data-clamped=\"true\""), 1u);
}

TEST(SvgChart, HollowAndViolatedPoints) {
  LineChart c = chart_of({{1, 10}, {2, 20}});
  c.series[0].points[0].hollow = true;
  c.series[0].points[1].violated = true;
  const std::string svg = render_svg(c);
  EXPECT_EQ(count(svg, "<circle class=\"point hollow\""), 1u);
  EXPECT_EQ(count(svg, "<circle class=\"violation\""), 1u);
  EXPECT_EQ(count(svg, "<circle class=\"point"), 2u);  // a ring is not a point
}

TEST(SvgChart, TextIsEscaped) {
  LineChart c = chart_of({{1, 10}});
  c.title = "<t>";
  c.series[0].label = "a&b";
  c.series[0].points[0].tooltip = "\"q\"";
  const std::string svg = render_svg(c);
  EXPECT_NE(svg.find(">&lt;t&gt;</text>"), std::string::npos);
  EXPECT_NE(svg.find(">a&amp;b</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>&quot;q&quot;</title>"), std::string::npos);
}

}  // namespace
}  // namespace pcie_bar
