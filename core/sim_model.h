#pragma once
// The slow-device model of the simulated BAR (sim.model): real devices answer a non-posted read
// in 0.4-1.7 us and space posted writes tens to hundreds of ns apart (../shared/notes and
// README), where host memory answers in under a nanosecond. A ModelledBar makes every access of
// the simulated BAR wait that long, busy, as a CPU stalls on an uncached read, so budgets,
// planning and statistics can be tested against a known truth without hardware.
//
// What it does not reproduce: the mapped fast path (a CPU load cannot be made slower, so accesses
// go through Bar::load/store, one virtual call each, as syscall-path backends do); overlap of
// posted writes in flight; write-combining; link-level effects (credits, replays); anything a
// device's own logic does.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bar.h"
#include "core/device_spec.h"

namespace pcie_bar {

// The named presets, from published figures (README, Configuration: sim.model).
std::optional<SimModel> sim_model_preset(const std::string& name);
std::vector<std::string> sim_model_preset_names();

// Wraps a BAR: every load waits the model's read latency, every store its write latency, then
// the access is made. Unmapped (mapping() is null), so no access can bypass the wait.
class ModelledBar : public Bar {
 public:
  ModelledBar(std::unique_ptr<Bar> inner, const SimModel& model);

  const BarProperties& properties() const override { return props_; }
  uint64_t load(uint64_t offset, unsigned width) override;
  void store(uint64_t offset, unsigned width, uint64_t value) override;
  void check_present() const override { inner_->check_present(); }
  bool faulted() const override { return inner_->faulted(); }

  // What the model's accesses actually took, wall time from each wait's start to its end:
  // the modelled latency plus whatever the host added (an interrupt or a preemption during a
  // wait lengthens that access, as it would lengthen a real one). The truth a sweep's figures
  // are checked against; the nominal latency is the truth for the median.
  struct Account {
    uint64_t accesses = 0;
    uint64_t nanoseconds = 0;
  };
  Account account() const { return account_; }

 private:
  void wait(std::chrono::nanoseconds latency);
  static uint64_t spin_until(uint64_t until_ns);  // returns the clock reading that ended it
  uint64_t measure_overshoot();

  std::unique_ptr<Bar> inner_;
  SimModel model_;
  BarProperties props_;
  uint64_t rng_ = 0x9e3779b97f4a7c15ULL;
  uint64_t overshoot_ns_ = 0;  // what a busy wait takes beyond its end, taken off every wait
  Account account_;
};

}  // namespace pcie_bar
