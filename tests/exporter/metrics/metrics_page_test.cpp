#include "exporter/metrics/metrics_page.h"

#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/delimited_message_util.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "exporter/common/version.h"
#include "exporter/metrics/proto/metrics.pb.h"
#include "tests/support/exposition_sample.h"
#include "tests/support/golden_file.h"
#include "tests/support/run_command.h"

namespace pcie_bar {
namespace {

using testing::sample;

std::shared_ptr<DeviceMetrics> device(const std::string& name) {
  DeviceSpec spec;
  spec.name = name;
  return std::make_shared<DeviceMetrics>(spec);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(MetricsPage, ExposesEveryDeviceAndTheExportersOwnMetrics) {
  MetricsPage page(12e-9);
  page.set_devices({device("a"), device("b")});
  const std::string text = page.current()->text;
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"a\"}"), 0.0);
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"b\"}"), 0.0);
  EXPECT_EQ(sample(text, "pcie_bar_clock_overhead_seconds"), 12e-9);
  EXPECT_EQ(sample(text, std::string("pcie_bar_exporter_build_info{version=\"") + kVersion + "\",revision=\"" +
                             kRevision + "\"}"),
            1.0);
  EXPECT_EQ(text.find("# TYPE pcie_bar_op_duration_seconds"), std::string::npos);  // no run yet: no family
}

TEST(MetricsPage, EachFamilyHasOneHeaderAndAllItsSamplesTogether) {
  MetricsPage page(1e-9);
  auto a = device("a"), b = device("b");
  page.set_devices({a, b});
  const std::string text = page.current()->text;
  EXPECT_EQ(count(text, "# TYPE pcie_bar_device_up gauge\n"), 1u);
  EXPECT_NE(text.find("# TYPE pcie_bar_device_up gauge\npcie_bar_device_up{device=\"a\"} 0\n"
                      "pcie_bar_device_up{device=\"b\"} 0\n"),
            std::string::npos);
}

TEST(MetricsPage, ScrapesShareOnePageUntilADeviceRecordsSomething) {
  MetricsPage page(1e-9);
  auto a = device("a");
  page.set_devices({a});
  auto first = page.current();
  EXPECT_EQ(page.current(), first);  // the same string, not a copy
  a->record_failure(ErrorReason::kIo);
  auto second = page.current();
  EXPECT_NE(second, first);
  EXPECT_EQ(sample(second->text, "pcie_bar_device_errors_total{device=\"a\",reason=\"io\"}"), 1.0);
  EXPECT_EQ(sample(first->text, "pcie_bar_device_errors_total{device=\"a\",reason=\"io\"}"), std::nullopt);
}

TEST(MetricsPage, ReplacingTheDevicesRebuildsThePage) {
  MetricsPage page(1e-9);
  page.set_devices({device("a")});
  page.current();
  page.set_devices({device("c")});
  const std::string text = page.current()->text;
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"a\"}"), std::nullopt);
  EXPECT_EQ(sample(text, "pcie_bar_device_up{device=\"c\"}"), 0.0);
}

// --- The golden page: a fixed history of two devices, rendered through the real metrics code and
// compared with tests/data/golden/metrics.txt, so any change of a HELP text, a TYPE, a label or a
// bucket shows up as a failing test and a reviewed diff of that file. Every figure is made by
// hand; nothing here is timed. Regenerate on purpose with PCIE_BAR_UPDATE_GOLDEN=1.

OpResult golden_op(Op op, uint64_t block, std::initializer_list<uint64_t> latencies_ns) {
  OpResult r;
  r.op = op;
  r.block_size = block;
  r.ops = latencies_ns.size();
  r.bytes = r.ops * block * (op == Op::kReadWrite ? 2 : 1);
  r.iterations_planned = r.ops;
  r.mismatches = op == Op::kReadWrite && block == 8 ? 1 : 0;
  for (uint64_t ns : latencies_ns) r.latency.record(ns);
  return r;
}

DeviceRun golden_run(double busy_seconds) {
  DeviceRun run;
  run.opened = true;
  run.busy_seconds = busy_seconds;
  run.sweep.seconds_per_unit = 1e-9;  // one histogram unit per nanosecond
  run.sweep.wall_seconds = 0.75;
  // Latencies spread over several buckets, one in the +Inf bucket.
  run.sweep.results = {
      golden_op(Op::kRead, 8, {40, 90, 900, 4000}), golden_op(Op::kWrite, 8, {15, 15, 30}),
      golden_op(Op::kReadWrite, 8, {120, 2500}),    golden_op(Op::kRead, 4096, {30000, 60000, 250'000'000}),
      golden_op(Op::kWrite, 4096, {8000}),          golden_op(Op::kReadWrite, 4096, {45000, 70000})};
  VerifyResult ok, mismatch;
  ok.offset = 0x0;
  ok.status = VerifyStatus::kOk;
  mismatch.offset = 0x4000;
  mismatch.status = VerifyStatus::kMismatch;
  run.verify = {ok, mismatch};
  run.timing_cpu = {3, 0, true, ""};
  run.thresholds = {{Op::kRead, 4096, Limit::kMinThroughput, 200e6, 0.05e6, true},
                    {Op::kRead, 8, Limit::kMaxP99, 2e-6, 4e-6, true},
                    {Op::kWrite, 8, Limit::kMaxP99, 2e-6, 30e-9, false}};
  run.info.vendor_id = "0x10ee";
  run.info.device_id = "0x9038";
  run.info.subsystem_vendor_id = "0x10ee";
  run.info.subsystem_device_id = "0x0007";
  run.info.class_code = "0x058000";
  run.info.revision = "0x00";
  run.info.driver = "vfio-pci";
  run.info.iommu_group = "17";
  run.info.link = {8.0, 16.0, 8u, 16u};
  run.info.aer = AerCounters{3, 1, 0};
  return run;
}

// fpga0 (vfio): a run, a bus error, a timeout, all-ones, a second run.
// sim0 (sim): opens and fails by every other reason; never completes a run.
std::shared_ptr<const ExpositionPage> golden_exposition() {
  DeviceSpec fpga;
  fpga.name = "fpga0";
  fpga.backend = Backend::kVfio;
  fpga.address = "0000:22:00.0";
  fpga.bar = 2;
  fpga.sweep.interval = std::chrono::seconds(30);
  auto a = std::make_shared<DeviceMetrics>(fpga);
  BarProperties bar;
  bar.size = 1 << 20;
  a->record_opened(bar, golden_run(0).info);
  a->record_run(golden_run(0.5), 1'700'000'000.25);
  a->record_failure(ErrorReason::kBusError, 0.125);
  a->record_failure(ErrorReason::kTimeout, 30);
  a->record_failure(ErrorReason::kAllOnes, 0.25);
  a->record_run(golden_run(0.5), 1'700'000'090.5);

  DeviceSpec sim;  // the defaults: backend sim, BAR 0, sweep.interval 60 s
  auto b = std::make_shared<DeviceMetrics>(sim);
  b->record_failure(ErrorReason::kOpen);
  b->record_failure(ErrorReason::kOpen);
  b->record_failure(ErrorReason::kIo, 0.0625);
  b->record_failure(ErrorReason::kGone);

  MetricsPage page(2.5e-8);
  page.set_devices({a, b});
  return page.current();
}

std::string golden_page() {
  std::string text = golden_exposition()->text;
  // The build's identity changes with every commit: the golden page holds placeholders.
  const std::string identity = std::string("version=\"") + kVersion + "\",revision=\"" + kRevision + "\"";
  const auto at = text.find(identity);
  if (at != std::string::npos) text.replace(at, identity.size(), "version=\"VERSION\",revision=\"REVISION\"");
  return text;
}

TEST(MetricsPage, IsTheGoldenPage) {
  if (auto diff = testing::golden_difference("metrics.txt", golden_page())) ADD_FAILURE() << *diff;
}

// The fixture is a page Prometheus accepts (promtool's own parser and lint rules).
TEST(MetricsPage, TheGoldenPagePassesPromtool) {
  if (testing::run_command({"/bin/sh", "-c", "command -v promtool"}).exit_code != 0)
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
  auto lint =
      testing::run_command({"/bin/sh", "-c", "promtool check metrics < " + testing::golden_path("metrics.txt")});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
}

// --- The same golden history in the protobuf format: it decodes with the client data model's
// messages into the families, label sets and values of the text page (read back here as a
// scraper reads it), the op histograms carry consistent native buckets, and its decoded form is
// tests/data/golden/metrics.protobuf.txt.

namespace client = io::prometheus::client;

std::vector<client::MetricFamily> decode_protobuf_page(const std::string& page) {
  google::protobuf::io::ArrayInputStream in(page.data(), static_cast<int>(page.size()));
  std::vector<client::MetricFamily> out;
  for (bool eof = false;;) {
    client::MetricFamily f;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&f, &in, &eof)) {
      EXPECT_TRUE(eof) << "the page does not end after its last family";
      return out;
    }
    out.push_back(std::move(f));
  }
}

// One sample as "name{label=value,...}" with labels sorted and `le` as a number, so the same
// series reads the same from either format.
using Samples = std::map<std::string, double>;

// The text format writes numbers with 16 significant digits (prometheus-cpp), protobuf sends the
// double itself: bounds are compared at 15 digits, values within a relative 1e-15.
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string series_key(const std::string& name, std::map<std::string, std::string> labels) {
  if (auto le = labels.find("le"); le != labels.end()) le->second = number(std::stod(le->second));
  std::string key = name + "{";
  for (const auto& [k, v] : labels) key += k + "=" + v + ",";
  return key + "}";
}

// The text format's value after `at` (a quoted label value), unescaped; `at` ends past the quote.
std::string quoted(const std::string& line, std::size_t& at) {
  std::string out;
  for (++at; line.at(at) != '"'; ++at) {
    if (line[at] == '\\') {
      ++at;
      out += line[at] == 'n' ? '\n' : line[at];
    } else {
      out += line[at];
    }
  }
  ++at;
  return out;
}

struct TextPage {
  Samples samples;
  std::map<std::string, std::pair<std::string, std::string>> families;  // name -> help, type
};

TextPage parse_text_page(const std::string& page) {
  TextPage out;
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const std::size_t name_end = line.find(' ', 7);
      auto& family = out.families[line.substr(7, name_end - 7)];
      std::string text = line.substr(name_end + 1), unescaped;
      for (std::size_t i = 0; i < text.size(); ++i)
        unescaped += text[i] == '\\' && i + 1 < text.size() ? (text[++i] == 'n' ? '\n' : text[i]) : text[i];
      (line[2] == 'H' ? family.first : family.second) = unescaped;
      continue;
    }
    std::size_t at = line.find_first_of("{ ");
    const std::string name = line.substr(0, at);
    std::map<std::string, std::string> labels;
    if (line[at] == '{') {
      while (line[at] != '}') {
        const std::size_t eq = line.find('=', at + 1);
        const std::string label = line.substr(at + 1, eq - at - 1);
        at = eq + 1;
        labels[label] = quoted(line, at);  // `at` is now on ',' or '}'
      }
      ++at;
    }
    out.samples[series_key(name, labels)] = std::stod(line.substr(at + 1));
  }
  return out;
}

Samples samples_of(const std::vector<client::MetricFamily>& families) {
  Samples out;
  for (const auto& f : families)
    for (const auto& m : f.metric()) {
      std::map<std::string, std::string> labels;
      for (const auto& l : m.label()) labels[l.name()] = l.value();
      switch (f.type()) {
        case client::COUNTER: out[series_key(f.name(), labels)] = m.counter().value(); break;
        case client::GAUGE: out[series_key(f.name(), labels)] = m.gauge().value(); break;
        case client::HISTOGRAM: {
          const client::Histogram& h = m.histogram();
          out[series_key(f.name() + "_count", labels)] = static_cast<double>(h.sample_count());
          out[series_key(f.name() + "_sum", labels)] = h.sample_sum();
          for (const auto& b : h.bucket()) {
            labels["le"] = number(b.upper_bound());
            out[series_key(f.name() + "_bucket", labels)] = static_cast<double>(b.cumulative_count());
          }
          break;
        }
        default: ADD_FAILURE() << f.name() << ": a type the exporter does not expose";
      }
    }
  return out;
}

const char* type_name(client::MetricType t) {
  switch (t) {
    case client::COUNTER: return "counter";
    case client::GAUGE: return "gauge";
    case client::HISTOGRAM: return "histogram";
    default: return "other";
  }
}

TEST(MetricsPage, TheProtobufPageHoldsTheTextPagesFamiliesAndValues) {
  const auto page = golden_exposition();
  const TextPage text = parse_text_page(page->text);
  const auto families = decode_protobuf_page(page->protobuf);
  std::map<std::string, std::pair<std::string, std::string>> decoded;
  for (const auto& f : families) decoded[f.name()] = {f.help(), type_name(f.type())};
  EXPECT_EQ(decoded, text.families);
  EXPECT_EQ(families.size(), text.families.size()) << "a family appears twice";
  const Samples from_protobuf = samples_of(families);
  EXPECT_GT(text.samples.size(), 200u);  // the parser read the whole page
  for (const auto& [series, value] : text.samples) {
    auto it = from_protobuf.find(series);
    if (it == from_protobuf.end()) {
      ADD_FAILURE() << series << " is not on the protobuf page";
      continue;
    }
    EXPECT_NEAR(it->second, value, std::abs(value) * 1e-15) << series;
  }
  for (const auto& [series, value] : from_protobuf)
    EXPECT_EQ(text.samples.count(series), 1u) << series << " is not on the text page";
}

// Every op histogram also carries native buckets (schema 3) holding exactly its ops.
TEST(MetricsPage, TheProtobufPagesOpHistogramsCarryNativeBucketsOfAllTheirOps) {
  int histograms = 0;
  for (const auto& f : decode_protobuf_page(golden_exposition()->protobuf)) {
    if (f.name() != "pcie_bar_op_duration_seconds") continue;
    for (const auto& m : f.metric()) {
      const client::Histogram& h = m.histogram();
      EXPECT_EQ(h.schema(), 3);
      EXPECT_EQ(h.zero_threshold(), 1e-12);
      ASSERT_GT(h.positive_span_size(), 0);
      uint64_t buckets = 0;
      int64_t count = 0;
      for (int64_t delta : h.positive_delta()) {
        count += delta;
        EXPECT_GE(count, 0);
        buckets += static_cast<uint64_t>(count);
      }
      uint32_t length = 0;
      for (const auto& span : h.positive_span()) length += span.length();
      EXPECT_EQ(length, static_cast<uint32_t>(h.positive_delta_size()));
      EXPECT_EQ(buckets + h.zero_count(), h.sample_count());
      ++histograms;
    }
  }
  EXPECT_EQ(histograms, 6);
}

// The decoded protobuf page, one family after another in protobuf's text format, with the
// build's identity replaced as on the golden text page.
std::string golden_protobuf_dump() {
  std::string dump;
  for (auto f : decode_protobuf_page(golden_exposition()->protobuf)) {
    if (f.name() == "pcie_bar_exporter_build_info")
      for (auto& m : *f.mutable_metric())
        for (auto& l : *m.mutable_label()) l.set_value(l.name() == "version" ? "VERSION" : "REVISION");
    std::string text;
    google::protobuf::TextFormat::PrintToString(f, &text);
    dump += "# MetricFamily\n" + text;
  }
  return dump;
}

TEST(MetricsPage, IsTheGoldenProtobufPage) {
  if (auto diff = testing::golden_difference("metrics.protobuf.txt", golden_protobuf_dump())) ADD_FAILURE() << *diff;
}

}  // namespace
}  // namespace pcie_bar
