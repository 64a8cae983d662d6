#include "core/sim_bar.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errno_text.h"
#include "core/mmio.h"
#include "core/syscall_io.h"

namespace pcie_bar {

namespace {

UniqueFd open_backing(const SimSpec& spec) {
  UniqueFd fd(spec.path.empty() ? memfd_create("pcie-bar-sim", MFD_CLOEXEC)
                                : ::open(spec.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) {
    throw DeviceError("sim: cannot open " + (spec.path.empty() ? std::string("a memfd") : spec.path) + ": " +
                      errno_text());
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || static_cast<uint64_t>(st.st_size) < spec.size) {
    if (ftruncate(fd.get(), static_cast<off_t>(spec.size)) != 0) {
      const int e = errno;  // before the message's allocations
      throw DeviceError("sim: cannot size " + spec.path + " to " + std::to_string(spec.size) +
                        " bytes: " + errno_text(e));
    }
  }
  return fd;
}

UniqueMapping map_backing(const UniqueFd& fd, uint64_t size) {
  void* map = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (map == MAP_FAILED) {
    const int e = errno;
    throw DeviceError(std::string("sim: cannot mmap the simulated BAR: ") + errno_text(e));
  }
  return UniqueMapping(map, size);
}

}  // namespace

std::unique_ptr<SimBar> SimBar::open(const SimSpec& spec, AccessMethod method) {
  UniqueFd fd = open_backing(spec);
  UniqueMapping map = map_backing(fd, spec.size);
  BarProperties props;
  props.size = spec.size;
  props.description =
      spec.path.empty() ? "simulated BAR in anonymous memory (memfd)" : "simulated BAR in file " + spec.path;
  return std::unique_ptr<SimBar>(
      new SimBar(std::move(fd), std::move(map), std::move(props), method == AccessMethod::kMmap, spec.path));
}

void SimBar::check_present() const {
  if (path_.empty()) return;
  struct stat st {};
  if (fstat(fd_.get(), &st) != 0 || st.st_nlink == 0)
    throw DeviceError("sim: backing file " + path_ + " was deleted", ErrorReason::kGone);
  if (static_cast<uint64_t>(st.st_size) < props_.size)
    throw DeviceError("sim: backing file " + path_ + " was truncated to " + std::to_string(st.st_size) + " bytes",
                      ErrorReason::kGone);
}

uint64_t SimBar::load(uint64_t offset, unsigned width) {
  if (direct_) return mmio::load(map_.bytes(), offset, width);
  return pread_exact(fd_.get(), offset, width, "sim");
}

void SimBar::store(uint64_t offset, unsigned width, uint64_t value) {
  if (direct_) return mmio::store(map_.bytes(), offset, width, value);
  pwrite_exact(fd_.get(), offset, width, value, "sim");
}

}  // namespace pcie_bar
