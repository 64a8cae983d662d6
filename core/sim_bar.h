#pragma once
// The simulated BAR: memory that behaves like a RAM-backed BAR, so the whole product works
// without hardware. Backed by a memfd, or by a file when a path is given, so another process
// (or a test) can look at it, change it, or truncate it to make the "device" fail.

#include <memory>

#include "core/bar.h"
#include "core/bus_error_guard.h"
#include "core/device_spec.h"
#include "core/unique_fd.h"

namespace pcie_bar {

class SimBar : public Bar {
 public:
  // Throws DeviceError when the backing file or memory cannot be set up.
  static std::unique_ptr<SimBar> open(const SimSpec& spec, AccessMethod method);
  ~SimBar() override = default;
  SimBar(const SimBar&) = delete;
  SimBar& operator=(const SimBar&) = delete;

  const BarProperties& properties() const override { return props_; }
  volatile std::byte* mapping() const override { return direct_ ? map_.bytes() : nullptr; }
  uint64_t load(uint64_t offset, unsigned width) override;
  void store(uint64_t offset, unsigned width, uint64_t value) override;
  // A file-backed BAR is gone when its file was deleted or truncated below the BAR size.
  void check_present() const override;
  bool faulted() const override { return guard_.faulted(); }

 private:
  // The descriptor and the mapping are owned from the start: if a later member's constructor
  // throws (the guard's registry is full), they are closed and unmapped on the way out.
  SimBar(UniqueFd fd, UniqueMapping map, BarProperties props, bool direct, std::string path)
      : fd_(std::move(fd)),
        map_(std::move(map)),
        props_(std::move(props)),
        direct_(direct),
        path_(std::move(path)),
        guard_(const_cast<std::byte*>(map_.bytes()), map_.size()) {}

  UniqueFd fd_;
  UniqueMapping map_;  // after fd_: unmapped before the descriptor is closed
  BarProperties props_;
  bool direct_;  // AccessMethod::kMmap: accesses go through the mapping, else pread/pwrite
  std::string path_;
  BusErrorGuard guard_;  // declared last: unregistered before the mapping goes
};

}  // namespace pcie_bar
