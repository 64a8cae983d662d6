#include "core/sim_bar.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/mmio.h"
#include "core/syscall_io.h"

namespace pcie_bar {

namespace {

int open_backing(const SimSpec& spec) {
  int fd = spec.path.empty() ? memfd_create("pcie-bar-sim", MFD_CLOEXEC)
                             : ::open(spec.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw DeviceError("sim: cannot open " + (spec.path.empty() ? std::string("a memfd") : spec.path) +
                      ": " + std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) < spec.size) {
    if (ftruncate(fd, static_cast<off_t>(spec.size)) != 0) {
      int e = errno;
      ::close(fd);
      throw DeviceError("sim: cannot size " + spec.path + " to " + std::to_string(spec.size) +
                        " bytes: " + std::strerror(e));
    }
  }
  return fd;
}

}  // namespace

std::unique_ptr<SimBar> SimBar::open(const SimSpec& spec, AccessMethod method) {
  int fd = open_backing(spec);
  void* map = mmap(nullptr, spec.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    int e = errno;
    ::close(fd);
    throw DeviceError(std::string("sim: cannot mmap the simulated BAR: ") + std::strerror(e));
  }
  BarProperties props;
  props.size = spec.size;
  props.description = spec.path.empty() ? "simulated BAR in anonymous memory (memfd)"
                                        : "simulated BAR in file " + spec.path;
  return std::unique_ptr<SimBar>(new SimBar(fd, static_cast<volatile std::byte*>(map), props,
                                            method == AccessMethod::kMmap, spec.path));
}

SimBar::~SimBar() {
  munmap(const_cast<std::byte*>(map_), props_.size);
  ::close(fd_);
}

void SimBar::check_present() const {
  if (path_.empty()) return;
  struct stat st {};
  if (fstat(fd_, &st) != 0 || st.st_nlink == 0) throw DeviceError("sim: backing file " + path_ + " was deleted", "gone");
  if (static_cast<uint64_t>(st.st_size) < props_.size)
    throw DeviceError("sim: backing file " + path_ + " was truncated to " + std::to_string(st.st_size) + " bytes", "gone");
}

uint64_t SimBar::load(uint64_t offset, unsigned width) {
  if (direct_) return mmio::load(map_, offset, width);
  return pread_exact(fd_, offset, width, "sim");
}

void SimBar::store(uint64_t offset, unsigned width, uint64_t value) {
  if (direct_) return mmio::store(map_, offset, width, value);
  pwrite_exact(fd_, offset, width, value, "sim");
}

}  // namespace pcie_bar
