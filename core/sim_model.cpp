#include "core/sim_model.h"

#include <algorithm>
#include <cstdio>

#include "core/clock.h"

namespace pcie_bar {

namespace {

using std::chrono::nanoseconds;

struct Preset {
  const char* name;
  SimModel model;
};

// Published figures (../shared/notes/real-hardware.md): reads are the measured per-access
// latencies; writes the spacing of posted 8-byte writes where one was published.
const Preset kPresets[] = {
    // The seed's Xilinx FPGA, Gen3 x1: about 1.2 us per 4-byte read; mmap writes 70 MiB/s
    // (about 57 ns per 4-byte write).
    {"fpga-gen3x1", {"fpga-gen3x1", nanoseconds(1200), nanoseconds(57), 0.02, 1e-5, nanoseconds(50'000)}},
    // gdrcopy on a V100's BAR1: 0.86-0.91 us per read (1.72 us for 4-8 byte ones).
    {"gpu-bar1", {"gpu-bar1", nanoseconds(900), nanoseconds(50), 0.02, 1e-5, nanoseconds(50'000)}},
    // pcie-lat to a low-latency NIC on a Xeon Gold 6250: 407-424 ns; writes 50-300 ns apart.
    {"nic-low-latency", {"nic-low-latency", nanoseconds(415), nanoseconds(100), 0.02, 1e-5, nanoseconds(20'000)}},
    // pcie-lat through a BAR without direct translation: 9.3 us.
    {"switch-window", {"switch-window", nanoseconds(9300), nanoseconds(300), 0.02, 1e-5, nanoseconds(200'000)}},
};

}  // namespace

std::optional<SimModel> sim_model_preset(const std::string& name) {
  for (const Preset& p : kPresets)
    if (name == p.name) return p.model;
  return std::nullopt;
}

std::vector<std::string> sim_model_preset_names() {
  std::vector<std::string> names;
  for (const Preset& p : kPresets) names.push_back(p.name);
  return names;
}

ModelledBar::ModelledBar(std::unique_ptr<Bar> inner, const SimModel& model)
    : inner_(std::move(inner)), model_(model), props_(inner_->properties()) {
  char figures[160];
  std::snprintf(figures, sizeof figures, "%.0f ns per read, %.0f ns per write",
                static_cast<double>(model.read_latency.count()), static_cast<double>(model.write_latency.count()));
  props_.description +=
      ", slow-device model " + (model.preset.empty() ? std::string("") : model.preset + ": ") + figures;
  overshoot_ns_ = measure_overshoot();
}

// A busy wait ends on the first clock read past its end, and reading the clock costs 20-30 ns in
// a VM: each wait overshoots by about that much, 2-6 % of a microsecond. Measured once on 64
// waits of 2 us and taken off every wait, so accesses cost what the model says.
uint64_t ModelledBar::measure_overshoot() {
  constexpr uint64_t kProbe = 2000, kWaits = 64;
  overshoot_ns_ = 0;
  std::vector<uint64_t> over;
  for (uint64_t i = 0; i < kWaits; ++i) {
    const uint64_t t0 = Clock::monotonic_ns();
    spin_until(t0 + kProbe);
    const uint64_t took = Clock::monotonic_ns() - t0;
    over.push_back(took > kProbe ? took - kProbe : 0);
  }
  std::nth_element(over.begin(), over.begin() + kWaits / 2, over.end());
  return over[kWaits / 2];
}

uint64_t ModelledBar::spin_until(uint64_t until_ns) {
  uint64_t now;
  while ((now = Clock::monotonic_ns()) < until_ns) {
  }
  return now;
}

// The access starts on entry: drawing its latency is part of it, so the wait ends that long
// after this first clock read, and the account holds all of the access but a call and a return.
void ModelledBar::wait(nanoseconds latency) {
  const uint64_t start = Clock::monotonic_ns();
  rng_ ^= rng_ << 13, rng_ ^= rng_ >> 7, rng_ ^= rng_ << 17;
  const double uniform = static_cast<double>(rng_ >> 11) * 0x1.0p-53;  // [0, 1)
  double ns = static_cast<double>(latency.count()) * (1 + model_.jitter * (2 * uniform - 1));
  if (model_.tail_probability > 0 && uniform < model_.tail_probability)
    ns = static_cast<double>(model_.tail_latency.count());
  const uint64_t wanted = static_cast<uint64_t>(ns);
  const uint64_t end = spin_until(start + (wanted > overshoot_ns_ ? wanted - overshoot_ns_ : 0));
  ++account_.accesses;
  account_.nanoseconds += end - start;
}

uint64_t ModelledBar::load(uint64_t offset, unsigned width) {
  wait(model_.read_latency);
  return inner_->load(offset, width);
}

void ModelledBar::store(uint64_t offset, unsigned width, uint64_t value) {
  wait(model_.write_latency);
  inner_->store(offset, width, value);
}

}  // namespace pcie_bar
