#include "core/measure.h"

#include <algorithm>

#include "core/open_bar.h"
#include "core/spec_check.h"

namespace pcie_bar {

bool DeviceRun::failed_checks() const {
  return std::any_of(verify.begin(), verify.end(), [](const VerifyResult& v) { return v.status == VerifyStatus::kMismatch; }) ||
         std::any_of(sweep.results.begin(), sweep.results.end(), [](const OpResult& r) { return r.mismatches > 0; });
}

DeviceRun measure_bar(Bar& bar, const DeviceSpec& spec, const Clock& clock, const std::atomic<bool>* cancel) {
  DeviceRun run;
  run.spec = spec;
  run.opened = true;
  run.bar = bar.properties();
  try {
    bar.check_present();
    for (const VerifySpec& probe : spec.verify)
      run.verify.push_back(run_verify(bar, probe, spec.access.width, spec.writes.enabled));
    run.sweep = run_sweep(bar, clock, spec, cancel);
  } catch (const DeviceError& e) {
    run.error = e.what();
  }
  return run;
}

std::unique_ptr<Bar> open_fitted(DeviceSpec& spec, const BarOpener& opener) {
  auto bar = opener(spec);
  spec = fit_to_bar(spec, bar->size());
  if (auto p = check_fits_bar(spec, bar->size())) throw DeviceError("device '" + spec.name + "': " + p->key + ": " + p->message);
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
    return run;
  }
  DeviceRun run = measure_bar(*bar, spec, clock, cancel);
  run.info = info;
  return run;
}

}  // namespace pcie_bar
