#include "exporter/metrics/metrics_page.h"

#include <algorithm>

#include "exporter/common/version.h"
#include "exporter/metrics/protobuf_exposition.h"

namespace pcie_bar {

MetricsPage::MetricsPage(double clock_overhead_seconds) {
  MetricFamilies f;
  DeviceMetrics::declare(f);
  f.declare("pcie_bar_clock_overhead_seconds",
            "Median cost of one timestamp pair; subtracted from every pcie_bar_op_duration_seconds sample.",
            prometheus::MetricType::Gauge);
  f.declare("pcie_bar_exporter_build_info", "Version and git revision of pcie_bar_exporter; value 1.",
            prometheus::MetricType::Gauge);
  families_ = f.declared();
  for (const auto& family : families_) protobuf_headers_.push_back(render_protobuf_header(family));
  f.gauge("pcie_bar_clock_overhead_seconds", {}, clock_overhead_seconds);
  f.gauge("pcie_bar_exporter_build_info", {{"version", kVersion}, {"revision", kRevision}}, 1);
  const auto own = f.take();
  own_ = {render_samples(own), render_protobuf_samples(own)};
}

void MetricsPage::set_devices(std::vector<std::shared_ptr<DeviceMetrics>> devices) {
  std::lock_guard lock(mu_);
  devices_ = std::move(devices);
}

void MetricsPage::refresh() const {
  Parts parts;
  uint64_t number;
  {
    std::lock_guard lock(mu_);
    parts.reserve(devices_.size());
    for (const auto& d : devices_) parts.push_back(d->samples());
    if (page_ && parts == built_from_) return;
    number = ++started_;
  }
  auto page = build(parts);
  std::lock_guard lock(mu_);
  ++builds_;
  if (number < published_) return;
  published_ = number;
  page_ = std::move(page);
  built_from_ = std::move(parts);
}

std::shared_ptr<const ExpositionPage> MetricsPage::current() const {
  refresh();
  std::lock_guard lock(mu_);
  return page_;
}

uint64_t MetricsPage::builds() const {
  std::lock_guard lock(mu_);
  return builds_;
}

std::shared_ptr<const ExpositionPage> MetricsPage::build(const Parts& device_parts) const {
  std::vector<const RenderedSamples*> parts = {&own_};
  for (const auto& p : device_parts) parts.push_back(p.get());
  return std::make_shared<const ExpositionPage>(build_text(parts), build_protobuf(parts));
}

std::string MetricsPage::build_text(const std::vector<const RenderedSamples*>& parts) const {
  std::size_t size = 0;
  for (const RenderedSamples* p : parts)
    for (const auto& [name, samples] : p->text) size += samples.size();
  std::string page;
  page.reserve(size + 200 * families_.size());  // plus one header per family
  for (const auto& family : families_) {
    auto has_samples = [&](const RenderedSamples* p) { return p->text.count(family.name) != 0; };
    if (std::none_of(parts.begin(), parts.end(), has_samples)) continue;  // not exposed
    page += render_header(family);
    for (const RenderedSamples* p : parts)
      if (has_samples(p)) page += p->text.at(family.name);
  }
  return page;
}

// Per family with samples: a length-prefixed MetricFamily of the family's header fields and every
// part's metric entries (a repeated field's entries may follow each other from any source).
std::string MetricsPage::build_protobuf(const std::vector<const RenderedSamples*>& parts) const {
  std::string page;
  for (std::size_t i = 0; i < families_.size(); ++i) {
    std::vector<const std::string*> entries;
    std::size_t size = 0;
    for (const RenderedSamples* p : parts) {
      auto it = p->protobuf.find(families_[i].name);
      if (it == p->protobuf.end()) continue;
      entries.push_back(&it->second);
      size += it->second.size();
    }
    if (entries.empty()) continue;  // not exposed
    append_delimited_prefix(page, protobuf_headers_[i], size);
    for (const std::string* e : entries) page += *e;
  }
  return page;
}

}  // namespace pcie_bar
