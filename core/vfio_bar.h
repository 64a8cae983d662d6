#pragma once
// The vfio backend, through the legacy container/group/device API: /dev/vfio/vfio, the
// device's group (/dev/vfio/N, or /dev/vfio/noiommu-N on hosts in no-IOMMU mode), and the
// device fd. The BAR's region (size, flags, offset) comes from VFIO_DEVICE_GET_REGION_INFO.
// access.method mmap maps the region where its flags (and sparse-mmap areas) allow, falling back
// to pread/pwrite elsewhere; syscall uses pread/pwrite on the device fd throughout. With writes
// disabled the areas are mapped PROT_READ and nothing is ever pwrite()n (the device fd itself
// comes from the group and is always read-write).
//
// vfio-pci resets the device when the first fd for it is opened (vfio_pci_core_enable tries a
// function reset) and again when the last one is closed (vfio_pci_core_disable, and a bus reset
// once no device of its reset set is open), so every open and close is a reset: the BAR's
// warnings say so.
//
// The kernel lets a group node be opened once at a time (EBUSY otherwise), and functions of one
// multi-function device often share a group: every VfioBar of one group in this process shares
// one container and group (VfioGroupTable), opened with the first and closed with the last.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/bar.h"
#include "core/bus_error_guard.h"
#include "core/device_spec.h"
#include "core/pci_sysfs.h"
#include "core/unique_fd.h"

namespace pcie_bar {

// An open IOMMU group with its container, set up (VFIO_GROUP_SET_CONTAINER, VFIO_SET_IOMMU).
struct VfioGroup {
  UniqueFd container, group;
  bool noiommu = false;
};

// Open groups by node path, each shared while anyone holds it: acquire() returns the open one,
// or calls `open` for a new one. Thread-safe (workers reopen devices on their own threads).
class VfioGroupTable {
 public:
  using Opener = std::function<std::shared_ptr<VfioGroup>()>;
  std::shared_ptr<VfioGroup> acquire(const std::string& node, const Opener& open);
  static VfioGroupTable& process();  // the table every VfioBar of this process uses

 private:
  std::mutex mu_;
  std::map<std::string, std::weak_ptr<VfioGroup>> open_;
};

class VfioBar : public Bar {
 public:
  static std::unique_ptr<VfioBar> open(const DeviceSpec& spec, const PciSysfs& sysfs,
                                       const std::string& dev_root = "/dev");

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

  std::shared_ptr<VfioGroup> group_;  // declared first: closed after the device fd and the mappings
  UniqueFd device_;
  bool writable_ = true;
  uint64_t region_offset_ = 0;
  std::vector<Area> areas_;
  volatile std::byte* whole_map_ = nullptr;  // set when one area covers the whole BAR
  BarProperties props_;
  std::string device_dir_;
};

}  // namespace pcie_bar
