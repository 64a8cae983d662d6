#include "core/mmap_bar.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "core/bar_checks.h"
#include "core/errno_text.h"
#include "core/mmio.h"

namespace pcie_bar {

uint64_t MmapBar::load(uint64_t offset, unsigned width) { return mmio::load(base_, offset, width); }

void MmapBar::store(uint64_t offset, unsigned width, uint64_t value) {
  // The mapping is PROT_READ: a store would be a SIGSEGV. Nothing stores with writes disabled;
  // this keeps a future mistake a clear error.
  if (!writable_)
    throw DeviceError(props_.description + ": write refused: the BAR was opened read-only (writes disabled)");
  mmio::store(base_, offset, width, value);
}

MapAccess map_access_for(const DeviceSpec& spec) {
  return spec.writes.enabled ? MapAccess::kReadWrite : MapAccess::kReadOnly;
}

std::pair<UniqueFd, UniqueMapping> map_file(const std::string& who, const std::string& path, uint64_t file_offset,
                                            std::size_t len, bool sync, MapAccess access,
                                            const std::function<std::string(int)>& explain) {
  const bool rw = access == MapAccess::kReadWrite;
  UniqueFd fd(::open(path.c_str(), (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC | (sync ? O_SYNC : 0)));
  if (!fd) throw DeviceError(open_error(who, path, errno));
  void* p = mmap(nullptr, len, rw ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd.get(),
                 static_cast<off_t>(file_offset));
  if (p == MAP_FAILED) {
    const int err = errno;
    std::string why = explain ? explain(err) : "";
    throw DeviceError(who + ": cannot mmap " + std::to_string(len) + " bytes of " + path + ": " + errno_text(err) +
                      (why.empty() ? "" : " (" + why + ")"));
  }
  return {std::move(fd), UniqueMapping(p, len)};
}

std::function<void()> sysfs_presence(const std::string& who, const std::string& device_dir) {
  return [who, device_dir] {
    if (access(device_dir.c_str(), F_OK) != 0)
      throw DeviceError(who + ": " + device_dir + " is gone: the device was removed", ErrorReason::kGone);
  };
}

}  // namespace pcie_bar
