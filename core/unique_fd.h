#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <utility>

namespace pcie_bar {

// Owns a file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    reset(std::exchange(o.fd_, -1));
    return *this;
  }
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Owns an mmap()ed range.
class UniqueMapping {
 public:
  UniqueMapping() = default;
  UniqueMapping(void* addr, std::size_t len) : addr_(addr), len_(len) {}
  UniqueMapping(UniqueMapping&& o) noexcept : addr_(std::exchange(o.addr_, nullptr)), len_(o.len_) {}
  UniqueMapping& operator=(UniqueMapping&& o) noexcept {
    if (addr_) munmap(addr_, len_);
    addr_ = std::exchange(o.addr_, nullptr);
    len_ = o.len_;
    return *this;
  }
  ~UniqueMapping() {
    if (addr_) munmap(addr_, len_);
  }
  volatile std::byte* bytes() const { return static_cast<volatile std::byte*>(addr_); }
  std::size_t size() const { return len_; }

 private:
  void* addr_ = nullptr;
  std::size_t len_ = 0;
};

}  // namespace pcie_bar
