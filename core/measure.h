#pragma once
// One measurement of one device: open its BAR, run the write-verify probes and the sweep.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/bar.h"
#include "core/clock.h"
#include "core/device_spec.h"
#include "core/open_bar.h"
#include "core/pci_info.h"
#include "core/sweep.h"
#include "core/thresholds.h"
#include "core/timing_cpu.h"
#include "core/verify.h"

namespace pcie_bar {

struct DeviceRun {
  DeviceSpec spec;
  PciInfo info;                                 // what sysfs says about the device (empty for sim)
  bool opened = false;                          // false: `error` says why the BAR could not be opened
  std::string error;                            // empty when the run completed
  ErrorReason error_reason = ErrorReason::kIo;  // DeviceError::reason() of `error`, when there is one
  BarProperties bar;
  TimingCpu timing_cpu;     // the CPU the run was pinned to (sweep.cpu)
  double busy_seconds = 0;  // wall time spent accessing the device: probes and sweep, until it ended or failed
  std::vector<VerifyResult> verify;
  SweepResult sweep;
  std::vector<ThresholdCheck> thresholds;  // every limit of spec.thresholds checked on the sweep

  bool threshold_violated() const;
  bool failed_checks() const;  // a verify mismatch, an R+W mismatch or a threshold violated
};

// Probes then sweeps an open BAR. Errors from the device end the run and land in `error`.
DeviceRun measure_bar(Bar& bar, const DeviceSpec& spec, const Clock& clock, const std::atomic<bool>* cancel = nullptr);

// Opens the BAR (fitting command-line defaults to it, then checking the spec fits), then
// measure_bar.
// Opens spec's BAR, applies fit_to_bar to `spec`, and checks the result fits. Throws DeviceError.
std::unique_ptr<Bar> open_fitted(DeviceSpec& spec, const BarOpener& opener = open_bar);

DeviceRun measure_device(const DeviceSpec& spec, const Clock& clock, const std::atomic<bool>* cancel = nullptr);

}  // namespace pcie_bar
