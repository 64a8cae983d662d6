#include "exporter/report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace pcie_bar {

namespace {

// Coordinates with one decimal: finer than a pixel, and short.
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string attributes(const DataAttributes& data) {
  std::string text;
  for (const auto& [key, value] : data) text += " data-" + key + "=\"" + escape_html(value) + "\"";
  return text;
}

// An axis in log units (log2 of x, log10 of y): the whole powers it spans, and the pixels it
// maps onto. Ticks fall on whole powers, so the domain is widened to them.
struct LogScale {
  int lo = 0, hi = 1;       // whole powers, in log units
  double from = 0, to = 1;  // pixels of lo and hi
  double pixel(double log_value) const { return from + (log_value - lo) / (hi - lo) * (to - from); }
};

// The whole powers around every value > 0 that `log_of` turns into log units.
LogScale log_domain(const LineChart& chart, bool x_axis) {
  const auto log_of = [x_axis](double v) { return x_axis ? std::log2(v) : std::log10(v); };
  double lo = INFINITY, hi = -INFINITY;
  for (const ChartSeries& s : chart.series)
    for (const ChartPoint& p : s.points)
      if (double v = x_axis ? p.x : p.y; v > 0) lo = std::min(lo, log_of(v)), hi = std::max(hi, log_of(v));
  if (lo > hi) return {};  // nothing positive to draw: one decade from 1
  LogScale scale{static_cast<int>(std::floor(lo + 1e-9)), static_cast<int>(std::ceil(hi - 1e-9))};
  if (scale.lo == scale.hi) {  // one value: an axis around it (x), or the decade above it (y)
    scale.hi += 1;
    if (x_axis) scale.lo -= 1;
  }
  return scale;
}

struct Frame {
  LogScale x, y;
  double left, top, right, bottom;  // the plot area inside the margins
};

Frame frame_of(const LineChart& chart) {
  Frame f{log_domain(chart, true), log_domain(chart, false), 84, 62, chart.width - 20.0, chart.height - 52.0};
  // A quarter step of room on either side, so the first and last points do not sit on the axes.
  const double step = (f.right - f.left) / (f.x.hi - f.x.lo + 0.5);
  f.x.from = f.left + step / 4;
  f.x.to = f.right - step / 4;
  f.y.from = f.bottom;
  f.y.to = f.top;
  return f;
}

// Every power of two, or every second one (fourth, ...) where labels would be closer than
// 40 px ("512 B" and "1 KiB" side by side need about that).
std::vector<double> x_ticks(const LogScale& x) {
  const double per_step = std::abs(x.to - x.from) / (x.hi - x.lo);
  int step = 1;
  while (per_step * step < 40) step *= 2;
  std::vector<double> ticks;
  for (int e = x.lo; e <= x.hi; e += step) ticks.push_back(std::exp2(e));
  return ticks;
}

// Decades; within a narrow range also 2 and 5 times them, so the axis has more than two labels.
std::vector<double> y_ticks(const LogScale& y) {
  std::vector<double> ticks;
  for (int e = y.lo; e <= y.hi; ++e) {
    ticks.push_back(std::pow(10, e));
    if (y.hi - y.lo <= 2 && e < y.hi)
      for (double m : {2, 5}) ticks.push_back(m * std::pow(10, e));
  }
  return ticks;
}

void draw_x_axis(const LineChart& chart, const Frame& f, std::ostream& out) {
  out << "<g class=\"axis x-axis\">";
  for (double t : x_ticks(f.x)) {
    const std::string px = num(f.x.pixel(std::log2(t)));
    out << "<line class=\"grid\" x1=\"" << px << "\" x2=\"" << px << "\" y1=\"" << num(f.top) << "\" y2=\""
        << num(f.bottom) << "\"/><text x=\"" << px << "\" y=\"" << num(f.bottom + 16) << "\" text-anchor=\"middle\">"
        << escape_html(chart.x.tick_label(t)) << "</text>";
  }
  out << "<text class=\"axis-title\" x=\"" << num((f.left + f.right) / 2) << "\" y=\"" << num(f.bottom + 38)
      << "\" text-anchor=\"middle\">" << escape_html(chart.x.title) << "</text></g>";
}

void draw_y_axis(const LineChart& chart, const Frame& f, std::ostream& out) {
  out << "<g class=\"axis y-axis\">";
  for (double t : y_ticks(f.y)) {
    const std::string py = num(f.y.pixel(std::log10(t)));
    out << "<line class=\"grid\" x1=\"" << num(f.left) << "\" x2=\"" << num(f.right) << "\" y1=\"" << py << "\" y2=\""
        << py << "\"/><text x=\"" << num(f.left - 6) << "\" y=\"" << py << "\" dy=\"0.35em\" text-anchor=\"end\">"
        << escape_html(chart.y.tick_label(t)) << "</text>";
  }
  const std::string mid = num((f.top + f.bottom) / 2);
  out << "<text class=\"axis-title\" transform=\"translate(16 " << mid << ") rotate(-90)\" text-anchor=\"middle\">"
      << escape_html(chart.y.title) << "</text></g>";
}

constexpr const char* kDash = " stroke-dasharray=\"6 4\"";

// One row above the plot: a swatch and the series' label each, with room for the label's text
// (about 7 px a character at the report's 12 px).
void draw_legend(const LineChart& chart, const Frame& f, std::ostream& out) {
  out << "<g class=\"legend\">";
  double x = f.left;
  for (const ChartSeries& s : chart.series) {
    out << "<line x1=\"" << num(x) << "\" x2=\"" << num(x + 18) << "\" y1=\"40\" y2=\"40\" stroke=\""
        << escape_html(s.color) << "\" stroke-width=\"2.5\"" << (s.dashed ? kDash : "") << "/><circle cx=\""
        << num(x + 9) << "\" cy=\"40\" r=\"3.5\" fill=\"" << escape_html(s.color) << "\"/><text x=\"" << num(x + 24)
        << "\" y=\"40\" dy=\"0.35em\">" << escape_html(s.label) << "</text>";
    x += 44 + 7.0 * static_cast<double>(s.label.size());
  }
  out << "</g>";
}

void draw_point(const ChartPoint& p, const Frame& f, std::ostream& out) {
  const bool clamped = p.y <= 0;
  const std::string cx = num(f.x.pixel(std::log2(p.x)));
  const std::string cy = num(clamped ? f.y.from : f.y.pixel(std::log10(p.y)));
  if (p.violated) out << "<circle class=\"violation\" cx=\"" << cx << "\" cy=\"" << cy << "\" r=\"7.5\"/>";
  out << "<circle class=\"point" << (p.hollow ? " hollow" : "") << "\" cx=\"" << cx << "\" cy=\"" << cy
      << "\" r=\"3.5\"" << attributes(p.data) << (clamped ? " data-clamped=\"true\"" : "") << "><title>"
      << escape_html(p.tooltip) << "</title></circle>";
}

void draw_series(const ChartSeries& s, const Frame& f, std::ostream& out) {
  out << "<g class=\"series\"" << attributes(s.data) << " stroke=\"" << escape_html(s.color) << "\" fill=\""
      << escape_html(s.color) << "\"><polyline fill=\"none\" stroke-width=\"2\"" << (s.dashed ? kDash : "")
      << " points=\"";
  for (const ChartPoint& p : s.points)
    out << num(f.x.pixel(std::log2(p.x))) << ',' << num(p.y > 0 ? f.y.pixel(std::log10(p.y)) : f.y.from) << ' ';
  out << "\"/>";
  for (const ChartPoint& p : s.points) draw_point(p, f, out);
  out << "</g>";
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

std::string round_tick_label(std::string label) {
  const auto space = label.find(' ');
  const auto dot = label.find('.');
  if (dot == std::string::npos || space == std::string::npos || dot > space) return label;
  auto last = label.find_last_not_of('0', space - 1);  // "0.10 ns": the 1; "1.00 us": the dot
  if (last == dot) --last;
  label.erase(last + 1, space - last - 1);
  return label;
}

std::string render_svg(const LineChart& chart) {
  const Frame f = frame_of(chart);
  std::ostringstream out;
  out << "<svg class=\"chart\"" << attributes(chart.data) << " viewBox=\"0 0 " << chart.width << ' ' << chart.height
      << "\" width=\"" << chart.width << "\" height=\"" << chart.height << "\" role=\"img\" aria-label=\""
      << escape_html(chart.title) << "\"><text class=\"chart-title\" x=\"" << num(f.left) << "\" y=\"18\">"
      << escape_html(chart.title) << "</text>";
  draw_legend(chart, f, out);
  draw_y_axis(chart, f, out);
  draw_x_axis(chart, f, out);
  out << "<rect class=\"frame\" x=\"" << num(f.left) << "\" y=\"" << num(f.top) << "\" width=\""
      << num(f.right - f.left) << "\" height=\"" << num(f.bottom - f.top) << "\"/>";
  for (const ChartSeries& s : chart.series) draw_series(s, f, out);
  out << "</svg>";
  return out.str();
}

}  // namespace pcie_bar
