#include "core/syscall_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/bar.h"
#include "core/errno_text.h"
#include "core/hex.h"

namespace pcie_bar {

namespace {

[[noreturn]] void fail(const char* who, const char* what, uint64_t fd_offset, unsigned width, ssize_t got) {
  std::string reason = got < 0 ? errno_text() : "short transfer (" + std::to_string(got) + " bytes)";
  throw DeviceError(std::string(who) + ": " + what + " of " + std::to_string(width) + " bytes at file offset " +
                    hex(fd_offset) + " failed: " + reason);
}

}  // namespace

uint64_t pread_exact(int fd, uint64_t fd_offset, unsigned width, const char* who) {
  uint64_t v = 0;  // little-endian: the bytes read land in the low end
  ssize_t got = ::pread(fd, &v, width, static_cast<off_t>(fd_offset));
  if (got != static_cast<ssize_t>(width)) fail(who, "pread", fd_offset, width, got);
  return v;
}

void pwrite_exact(int fd, uint64_t fd_offset, unsigned width, uint64_t value, const char* who) {
  ssize_t got = ::pwrite(fd, &value, width, static_cast<off_t>(fd_offset));
  if (got != static_cast<ssize_t>(width)) fail(who, "pwrite", fd_offset, width, got);
}

}  // namespace pcie_bar
