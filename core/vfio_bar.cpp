#include "core/vfio_bar.h"

#include <fcntl.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "core/bar_checks.h"
#include "core/errno_text.h"
#include "core/hex.h"
#include "core/mmio.h"
#include "core/syscall_io.h"

namespace pcie_bar {

namespace {

[[noreturn]] void fail(const std::string& what) { throw DeviceError("vfio: " + what); }

UniqueFd open_node(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (fd) return fd;
  const int err = errno;
  if (err == EBUSY && path.find("/vfio/vfio") == std::string::npos)  // a group node: held elsewhere
    throw DeviceError("vfio: cannot open " + path + ": " + errno_text(err) +
                      " (another process holds this IOMMU group: "
                      "a VM, another exporter, or a second copy of this one; a group can be open in one process at a "
                      "time, so measure all devices of one group from one exporter)");
  if ((err == EPERM || err == EACCES) && path.find("noiommu-") != std::string::npos)
    throw DeviceError(open_error("vfio", path, err) + "; a no-IOMMU group also needs CAP_SYS_RAWIO");
  throw DeviceError(open_error("vfio", path, err));
}

// The group's node: /dev/vfio/N, or /dev/vfio/noiommu-N on a host in no-IOMMU mode.
std::pair<std::string, bool> group_node(const std::string& dev_root, const std::string& group) {
  const std::string normal = dev_root + "/vfio/" + group, noiommu = dev_root + "/vfio/noiommu-" + group;
  if (access(normal.c_str(), F_OK) != 0 && access(noiommu.c_str(), F_OK) == 0) return {noiommu, true};
  return {normal, false};  // a missing node fails to open with the usual hint
}

std::string group_members(const PciSysfs& sysfs, const std::string& group, const std::string& self) {
  std::string out;
  for (const auto& dev : sysfs.group_devices(group)) {
    if (dev == self) continue;
    std::string drv = sysfs.driver(dev);
    out += (out.empty() ? "" : ", ") + dev + " (" + (drv.empty() ? "no driver" : drv) + ")";
  }
  return out.empty() ? "none" : out;
}

// VFIO_DEVICE_GET_REGION_INFO with its capability chain; returns the raw buffer.
std::vector<char> region_info(int device, unsigned index) {
  std::vector<char> buf(sizeof(vfio_region_info));
  auto* info = reinterpret_cast<vfio_region_info*>(buf.data());
  info->argsz = sizeof(vfio_region_info);
  info->index = index;
  if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, info) != 0)
    fail("VFIO_DEVICE_GET_REGION_INFO failed: " + errno_text());
  if (info->argsz > buf.size()) {  // capabilities follow: ask again with room for them
    uint32_t argsz = info->argsz;
    buf.assign(argsz, 0);
    info = reinterpret_cast<vfio_region_info*>(buf.data());
    info->argsz = argsz;
    info->index = index;
    if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, info) != 0)
      fail("VFIO_DEVICE_GET_REGION_INFO failed: " + errno_text());
  }
  return buf;
}

// The areas that may be mmap()ed: the whole region, or the sparse-mmap capability's areas.
std::vector<std::pair<uint64_t, uint64_t>> mmappable_areas(const std::vector<char>& buf) {
  const auto* info = reinterpret_cast<const vfio_region_info*>(buf.data());
  if (!(info->flags & VFIO_REGION_INFO_FLAG_MMAP)) return {};
  if (info->flags & VFIO_REGION_INFO_FLAG_CAPS) {
    for (uint32_t at = info->cap_offset; at != 0 && at + sizeof(vfio_info_cap_header) <= buf.size();) {
      const auto* hdr = reinterpret_cast<const vfio_info_cap_header*>(buf.data() + at);
      if (hdr->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
        const auto* sparse = reinterpret_cast<const vfio_region_info_cap_sparse_mmap*>(hdr);
        std::vector<std::pair<uint64_t, uint64_t>> out;
        for (uint32_t i = 0; i < sparse->nr_areas; ++i)
          out.emplace_back(sparse->areas[i].offset, sparse->areas[i].size);
        return out;
      }
      at = hdr->next;
    }
  }
  return {{0, info->size}};
}

// Opens the group `node` into a new container with an IOMMU set; `others` lists the group's other
// devices for the not-viable error.
std::shared_ptr<VfioGroup> open_group(const std::string& dev_root, const std::string& node, bool noiommu,
                                      const std::function<std::string()>& others) {
  auto g = std::make_shared<VfioGroup>();
  g->noiommu = noiommu;
  g->container = open_node(dev_root + "/vfio/vfio");
  int c = g->container.get();
  if (ioctl(c, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
    fail("the kernel's VFIO API version is not " + std::to_string(VFIO_API_VERSION));
  g->group = open_node(node);
  vfio_group_status status{sizeof(status), 0};
  if (ioctl(g->group.get(), VFIO_GROUP_GET_STATUS, &status) != 0) fail("VFIO_GROUP_GET_STATUS failed: " + errno_text());
  if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
    fail("IOMMU group " + node.substr(node.rfind('/') + 1) +
         " is not viable: every device in it must be bound to "
         "vfio-pci or to no driver; the others are: " +
         others());
  }
  if (ioctl(g->group.get(), VFIO_GROUP_SET_CONTAINER, &c) != 0)
    fail("VFIO_GROUP_SET_CONTAINER failed: " + errno_text());
  int iommu_type = noiommu                                                  ? VFIO_NOIOMMU_IOMMU
                   : ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0 ? VFIO_TYPE1v2_IOMMU
                                                                            : VFIO_TYPE1_IOMMU;
  if (ioctl(c, VFIO_SET_IOMMU, iommu_type) != 0) {
    fail("VFIO_SET_IOMMU failed: " + errno_text() +
         (errno == EPERM
              ? " (no interrupt remapping: load vfio_iommu_type1 with allow_unsafe_interrupts=1 if you accept that)"
              : ""));
  }
  return g;
}

// What opening the device did to it, from VFIO_DEVICE_GET_INFO: the RESET flag says vfio-pci's
// function reset on open worked (and will be repeated on close).
std::string reset_warning(int device, const PciSysfs& sysfs, const std::string& address) {
  vfio_device_info info{};
  info.argsz = sizeof(info);
  const bool reset_works = ioctl(device, VFIO_DEVICE_GET_INFO, &info) == 0 && (info.flags & VFIO_DEVICE_FLAGS_RESET);
  const std::string methods = sysfs.reset_methods(address);
  if (reset_works)
    return "vfio-pci reset " + address + " when it was opened (reset method: " + (methods.empty() ? "?" : methods) +
           ") and resets it again when it is closed: the device loses any state a driver or firmware set up";
  return "vfio-pci disabled and re-enabled " + address + " when it was opened (it has no usable function reset" +
         (methods.empty() ? "" : "; reset_method: " + methods) +
         ") and restores its saved config space when it is "
         "closed; a bus reset may follow once no device behind the bus is open";
}

}  // namespace

VfioGroupTable& VfioGroupTable::process() {
  static VfioGroupTable table;
  return table;
}

std::shared_ptr<VfioGroup> VfioGroupTable::acquire(const std::string& node, const Opener& open) {
  std::lock_guard lock(mu_);
  if (auto held = open_[node].lock()) return held;
  auto g = open();
  open_[node] = g;
  return g;
}

std::unique_ptr<VfioBar> VfioBar::open(const DeviceSpec& spec, const PciSysfs& sysfs, const std::string& dev_root) {
  PciResource res = require_memory_bar(sysfs, spec);
  require_driver(sysfs, spec, "vfio-pci");
  const std::string group = sysfs.iommu_group(spec.address);
  if (group.empty()) {
    fail(spec.address + " has no IOMMU group" +
         (sysfs.iommu_enabled()
              ? std::string("")
              : ": the IOMMU is off (" + sysfs.root() +
                    "/kernel/iommu_groups is empty); enable VT-d/AMD-Vi "
                    "in the firmware and, on Intel, boot with intel_iommu=on (AMD-Vi is on by default "
                    "unless amd_iommu=off or iommu=off is given)"));
  }
  std::unique_ptr<VfioBar> bar(new VfioBar);
  bar->device_dir_ = sysfs.device_dir(spec.address);
  // Not a structured binding: lambdas may capture those only from C++20 on in clang 16 (the
  // fuzz build uses clang 14).
  const auto found = group_node(dev_root, group);
  const auto& node = found.first;
  const bool noiommu = found.second;
  bar->group_ = VfioGroupTable::process().acquire(node, [&] {
    return open_group(dev_root, node, noiommu, [&] { return group_members(sysfs, group, spec.address); });
  });
  int device = ioctl(bar->group_->group.get(), VFIO_GROUP_GET_DEVICE_FD, spec.address.c_str());
  if (device < 0) fail("VFIO_GROUP_GET_DEVICE_FD " + spec.address + " failed: " + errno_text());
  bar->device_ = UniqueFd(device);
  bar->writable_ = spec.writes.enabled;
  bar->props_.warnings.push_back(reset_warning(device, sysfs, spec.address));

  std::vector<char> buf = region_info(device, VFIO_PCI_BAR0_REGION_INDEX + spec.bar);
  const auto* info = reinterpret_cast<const vfio_region_info*>(buf.data());
  if (info->size == 0) fail(spec.address + " has no BAR" + std::to_string(spec.bar));
  bar->region_offset_ = info->offset;
  bar->props_.size = info->size;
  bar->props_.prefetchable = res.prefetchable();
  bar->props_.is_64bit = res.is_64bit();
  if (spec.access.method == AccessMethod::kMmap) bar->map_areas(mmappable_areas(buf));
  std::string how = spec.access.method == AccessMethod::kSyscall ? "pread/pwrite"
                    : bar->whole_map_                            ? "mmap"
                    : bar->areas_.empty()                        ? "pread/pwrite (the region cannot be mmap()ed)"
                                          : "mmap where the sparse-mmap areas allow, pread/pwrite elsewhere";
  bar->props_.description = "vfio " + node + " region " + std::to_string(spec.bar) + " at fd offset " +
                            hex(info->offset) + ", " + how + (spec.writes.enabled ? "" : " (read-only)");
  return bar;
}

void VfioBar::map_areas(const std::vector<std::pair<uint64_t, uint64_t>>& areas) {
  for (auto [offset, size] : areas) {
    if (size == 0) continue;
    void* p = mmap(nullptr, size, writable_ ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, device_.get(),
                   static_cast<off_t>(region_offset_ + offset));
    if (p == MAP_FAILED) fail("mmap of BAR area " + hex(offset) + "+" + hex(size) + " failed: " + errno_text());
    areas_.push_back({offset, UniqueMapping(p, size), std::make_unique<BusErrorGuard>(p, size)});
  }
  if (areas_.size() == 1 && areas_[0].offset == 0 && areas_[0].map.size() >= props_.size)
    whole_map_ = areas_[0].map.bytes();
}

volatile std::byte* VfioBar::mapped(uint64_t offset, unsigned width) const {
  for (const Area& a : areas_)
    if (offset >= a.offset && offset + width <= a.offset + a.map.size()) return a.map.bytes() + (offset - a.offset);
  return nullptr;
}

uint64_t VfioBar::load(uint64_t offset, unsigned width) {
  if (volatile std::byte* p = mapped(offset, width)) return mmio::load(p, 0, width);
  return pread_exact(device_.get(), region_offset_ + offset, width, "vfio");
}

void VfioBar::store(uint64_t offset, unsigned width, uint64_t value) {
  if (!writable_)
    throw DeviceError(props_.description + ": write refused: the BAR was opened read-only (writes disabled)");
  if (volatile std::byte* p = mapped(offset, width)) return mmio::store(p, 0, width, value);
  pwrite_exact(device_.get(), region_offset_ + offset, width, value, "vfio");
}

void VfioBar::check_present() const {
  if (access(device_dir_.c_str(), F_OK) != 0)
    throw DeviceError("vfio: " + device_dir_ + " is gone: the device was removed", ErrorReason::kGone);
}

bool VfioBar::faulted() const {
  for (const Area& a : areas_)
    if (a.guard->faulted()) return true;
  return false;
}

}  // namespace pcie_bar
