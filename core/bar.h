#pragma once
// A BAR region as the measurement core sees it, whatever backend opened it.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/access_method.h"
#include "core/error_reason.h"

namespace pcie_bar {

// Raised when a device or BAR cannot be opened or fails; the CLI maps it to exit code 3.
// `reason` is what pcie_bar_device_errors_total counts it under (core/error_reason.h).
class DeviceError : public std::runtime_error {
 public:
  explicit DeviceError(const std::string& what, ErrorReason reason = ErrorReason::kIo)
      : std::runtime_error(what), reason_(reason) {}
  ErrorReason reason() const { return reason_; }

 private:
  ErrorReason reason_;
};

struct BarProperties {
  uint64_t size = 0;
  bool prefetchable = false;
  bool is_64bit = false;
  // What actually backs the BAR, for the report ("anonymous memory", "/dev/vfio/7 region 0", ...).
  std::string description;
  // What opening the BAR did or risks that the operator must know (a device reset by vfio-pci,
  // registers a live driver owns); --once and the service log each as a warning.
  std::vector<std::string> warnings;
};

class Bar {
 public:
  virtual ~Bar() = default;

  virtual const BarProperties& properties() const = 0;
  uint64_t size() const { return properties().size; }

  // Non-null when the BAR is reached by CPU loads and stores (the mmap fast path); the caller
  // then accesses [mapping(), mapping() + size()) directly with volatile accesses.
  virtual volatile std::byte* mapping() const { return nullptr; }

  // One access of `width` (1, 2, 4 or 8) bytes at `offset`, which the caller keeps aligned and
  // inside the BAR. Used when mapping() is null, and by backends that cannot map.
  virtual uint64_t load(uint64_t offset, unsigned width) = 0;
  virtual void store(uint64_t offset, unsigned width, uint64_t value) = 0;

  // Throws DeviceError when the device is known to be gone (removed, file deleted); checked
  // before each run so a vanished device is reported instead of measured.
  virtual void check_present() const {}

  // True once an access raised SIGBUS (see BusErrorGuard): the device is gone, and the mapping
  // now points at harmless memory.
  virtual bool faulted() const { return false; }
};

}  // namespace pcie_bar
