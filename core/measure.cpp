#include "core/measure.h"

#include <sched.h>

#include <algorithm>

#include "core/open_bar.h"
#include "core/pci_sysfs.h"
#include "core/spec_check.h"

namespace pcie_bar {

namespace {

// A device that is gone, whose link is down or whose memory decoding is off returns 0xff for
// every read, including the read-backs of R+W. Memory that really holds 0xff (erased flash)
// reads back the written patterns, and a register that reads all-ones (one that inverts what
// was written, say) reads back something else: neither is reported as down.
// vfio-pci lets a device no process has open sit in D3hot (unless disable_idle_d3=1), where reads
// return all-ones; only the backends that bypass vfio-pci can meet it in that state.
void check_not_all_ones(const SweepResult& sweep, Backend backend) {
  bool any_read = false, all_ones = true;
  for (const OpResult& r : sweep.results) {
    if (r.op == Op::kWrite || r.ops == 0) continue;
    any_read |= r.op == Op::kRead;
    all_ones &= r.all_ones_reads == r.ops;
  }
  if (any_read && all_ones)
    throw DeviceError(std::string("every read returned all-ones (0xff...): the device is gone, its link is down or its "
                                  "memory decoding is off") +
                          (backend == Backend::kSysfs || backend == Backend::kUio
                               ? "; or it is bound to vfio-pci with no process holding it open, which leaves it "
                                 "powered down in D3hot: measure it with backend vfio, or load vfio-pci with "
                                 "disable_idle_d3=1"
                               : ""),
                      ErrorReason::kAllOnes);
}

// sweep.cpu's choice for this device: its NUMA node and local CPUs come from sysfs (the
// simulated device has neither).
TimingCpu timing_cpu_for(const DeviceSpec& spec) {
  std::vector<int> local;
  std::optional<int> node;
  if (spec.backend != Backend::kSim) {
    PciSysfs sysfs;
    local = sysfs.local_cpus(spec.address);
    node = sysfs.numa_node(spec.address);
  }
  return choose_timing_cpu(spec.sweep.cpu, allowed_cpus(), local, node, sched_getcpu());
}

}  // namespace

bool DeviceRun::threshold_violated() const {
  return std::any_of(thresholds.begin(), thresholds.end(), [](const ThresholdCheck& c) { return c.violated; });
}

bool DeviceRun::failed_checks() const {
  return std::any_of(verify.begin(), verify.end(),
                     [](const VerifyResult& v) { return v.status == VerifyStatus::kMismatch; }) ||
         std::any_of(sweep.results.begin(), sweep.results.end(), [](const OpResult& r) { return r.mismatches > 0; }) ||
         threshold_violated();
}

DeviceRun measure_bar(Bar& bar, const DeviceSpec& spec, const Clock& clock, const std::atomic<bool>* cancel) {
  DeviceRun run;
  run.spec = spec;
  run.opened = true;
  run.bar = bar.properties();
  run.timing_cpu = timing_cpu_for(spec);
  const uint64_t start_ns = Clock::monotonic_ns();
  try {
    ScopedCpuPin pin(run.timing_cpu.cpu);
    bar.check_present();
    for (const VerifySpec& probe : spec.verify) {
      run.verify.push_back(run_verify(bar, probe, spec.access.width, spec.writes.enabled));
      if (bar.faulted())
        throw DeviceError("a write-verify access raised SIGBUS: the device was removed", ErrorReason::kBusError);
    }
    run.sweep = run_sweep(bar, clock, spec, cancel);
    check_not_all_ones(run.sweep, spec.backend);
    run.thresholds = check_thresholds(run.sweep, spec.thresholds);
  } catch (const DeviceError& e) {
    run.error = e.what();
    run.error_reason = e.reason();
  }
  run.busy_seconds = static_cast<double>(Clock::monotonic_ns() - start_ns) * 1e-9;
  return run;
}

std::unique_ptr<Bar> open_fitted(DeviceSpec& spec, const BarOpener& opener) {
  auto bar = opener(spec);
  spec = fit_to_bar(spec, bar->size());
  if (auto p = check_fits_bar(spec, bar->size()))
    throw DeviceError("device '" + spec.name + "': " + p->key + ": " + p->message);
  return bar;
}

DeviceRun measure_device(const DeviceSpec& requested, const Clock& clock, const std::atomic<bool>* cancel) {
  DeviceSpec spec = requested;
  std::unique_ptr<Bar> bar;
  PciInfo info = device_info(spec);
  try {
    bar = open_fitted(spec);
  } catch (const DeviceError& e) {
    DeviceRun run;
    run.spec = spec;
    run.info = info;
    run.error = e.what();
    run.error_reason = e.reason() == ErrorReason::kIo ? ErrorReason::kOpen : e.reason();
    return run;
  }
  DeviceRun run = measure_bar(*bar, spec, clock, cancel);
  run.info = info;
  return run;
}

}  // namespace pcie_bar
