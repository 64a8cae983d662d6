#pragma once
// A BAR reached through an mmap()ed file: sysfs resourceN, /dev/uioN.

#include <functional>
#include <memory>

#include "core/bar.h"
#include "core/bus_error_guard.h"
#include "core/device_spec.h"
#include "core/unique_fd.h"

namespace pcie_bar {

class MmapBar : public Bar {
 public:
  // `data_offset`: where the BAR starts inside the mapping (uio maps are page-aligned).
  // `presence`: throws DeviceError when the device is gone. `writable`: false when the file was
  // opened O_RDONLY and mapped PROT_READ (writes disabled); store() then refuses.
  MmapBar(UniqueFd fd, UniqueMapping map, std::size_t data_offset, BarProperties props, std::function<void()> presence,
          bool writable = true)
      : fd_(std::move(fd)),
        map_(std::move(map)),
        base_(map_.bytes() + data_offset),
        props_(std::move(props)),
        presence_(std::move(presence)),
        writable_(writable),
        guard_(const_cast<std::byte*>(map_.bytes()), map_.size()) {}

  const BarProperties& properties() const override { return props_; }
  volatile std::byte* mapping() const override { return base_; }
  uint64_t load(uint64_t offset, unsigned width) override;
  void store(uint64_t offset, unsigned width, uint64_t value) override;
  void check_present() const override {
    if (presence_) presence_();
  }
  bool faulted() const override { return guard_.faulted(); }
  void prefix_description(const std::string& prefix) { props_.description = prefix + props_.description; }

 private:
  UniqueFd fd_;
  UniqueMapping map_;
  volatile std::byte* base_;
  BarProperties props_;
  std::function<void()> presence_;
  bool writable_;
  BusErrorGuard guard_;  // declared last: unregistered before the mapping goes
};

// How a BAR file is opened and mapped: read-only (O_RDONLY, PROT_READ) whenever writes are
// disabled, so that a read-only run needs no write permission and holds no writable mapping.
enum class MapAccess { kReadOnly, kReadWrite };
MapAccess map_access_for(const DeviceSpec& spec);

// Maps `len` bytes of `path` at file offset `file_offset`; throws DeviceError naming `who`.
// `explain(errno)` may add why an mmap() failed and what to do (empty: nothing to add).
std::pair<UniqueFd, UniqueMapping> map_file(const std::string& who, const std::string& path, uint64_t file_offset,
                                            std::size_t len, bool sync, MapAccess access,
                                            const std::function<std::string(int)>& explain = {});

// Throws DeviceError when the sysfs directory of `address` is gone (surprise removal).
std::function<void()> sysfs_presence(const std::string& who, const std::string& device_dir);

}  // namespace pcie_bar
