#pragma once
// The vfio backend, through the legacy container/group/device API: /dev/vfio/vfio, the
// device's group (/dev/vfio/N, or /dev/vfio/noiommu-N on hosts in no-IOMMU mode), and the
// device fd. The BAR's region (size, flags, offset) comes from VFIO_DEVICE_GET_REGION_INFO.
// access.method mmap maps the region where its flags (and sparse-mmap areas) allow, falling back
// to pread/pwrite elsewhere; syscall uses pread/pwrite on the device fd throughout.

#include <memory>
#include <vector>

#include "core/bar.h"
#include "core/bus_error_guard.h"
#include "core/device_spec.h"
#include "core/pci_sysfs.h"
#include "core/unique_fd.h"

namespace pcie_bar {

class VfioBar : public Bar {
 public:
  static std::unique_ptr<VfioBar> open(const DeviceSpec& spec, const PciSysfs& sysfs, const std::string& dev_root = "/dev");

  const BarProperties& properties() const override { return props_; }
  volatile std::byte* mapping() const override { return whole_map_; }
  uint64_t load(uint64_t offset, unsigned width) override;
  void store(uint64_t offset, unsigned width, uint64_t value) override;
  void check_present() const override;
  bool faulted() const override;

 private:
  struct Area {  // a mmap()ed part of the region
    uint64_t offset;
    UniqueMapping map;
    std::unique_ptr<BusErrorGuard> guard;  // destroyed before `map`, as members go in reverse
  };
  VfioBar() = default;
  volatile std::byte* mapped(uint64_t offset, unsigned width) const;
  void map_areas(const std::vector<std::pair<uint64_t, uint64_t>>& areas);

  UniqueFd container_, group_, device_;
  uint64_t region_offset_ = 0;
  std::vector<Area> areas_;
  volatile std::byte* whole_map_ = nullptr;  // set when one area covers the whole BAR
  BarProperties props_;
  std::string device_dir_;
};

}  // namespace pcie_bar
