#pragma once
// Line charts drawn as inline SVG for the HTML report. The product draws them itself, so the
// report holds no script and no vendored charting library: nothing to execute, it opens in any
// browser without network access, and two reports diff as text.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pcie_bar {

// Text for HTML and SVG, in content and in quoted attribute values: & < > " ' escaped.
std::string escape_html(std::string_view text);

// data-* attributes, {"op", "read"} -> data-op="read": what a test (or a reader's script) selects on.
using DataAttributes = std::vector<std::pair<std::string, std::string>>;

struct ChartPoint {
  double x = 0;           // > 0: drawn on a log2 axis
  double y = 0;           // drawn on a log10 axis; <= 0 is drawn on the axis floor and marked data-clamped
  std::string tooltip;    // the <title> a browser shows on hover
  bool hollow = false;    // drawn open: a figure with a caveat (budget-limited, too few ops)
  bool violated = false;  // ringed in red: a threshold check failed on this cell
  DataAttributes data;
};

struct ChartSeries {
  std::string label;  // the legend's text
  std::string color;  // a CSS colour
  DataAttributes data;
  std::vector<ChartPoint> points;  // in x order; joined by one polyline
  bool dashed = false;             // drawn dashed: a reference (a baseline) rather than this run
};

struct ChartAxis {
  std::string title;
  std::function<std::string(double)> tick_label;
};

// x on a log2 axis with a tick at every power of two; y on a log10 axis with a tick at every
// power of ten (and at 2 and 5 times them when the data spans two decades or less).
struct LineChart {
  std::string title;
  ChartAxis x, y;
  std::vector<ChartSeries> series;
  DataAttributes data;
  int width = 900, height = 380;
};

// <svg class="chart"> with one <g class="series"> per series and one <circle class="point"> per
// point (rings for violations are <circle class="violation">, not points).
std::string render_svg(const LineChart& chart);

// "1.00 µs" -> "1 µs", "0.10 ns" -> "0.1 ns", "20.0 MB/s" -> "20 MB/s": ticks fall on round
// numbers, so the trailing zeros of three significant digits say nothing there.
std::string round_tick_label(std::string label);

}  // namespace pcie_bar
