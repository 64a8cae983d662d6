#pragma once
// A mapped BAR for tests of the mmap fast path (the movers every mmap backend uses): host memory
// between two inaccessible guard pages, so an access past either end faults, and optionally
// read-only, so any store faults. Accesses through the mapping cannot be recorded; what they did
// shows in the memory and in a fault.

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "core/bar.h"

namespace pcie_bar::testing {

class GuardedBar : public Bar {
 public:
  explicit GuardedBar(uint64_t size) : page_(static_cast<uint64_t>(sysconf(_SC_PAGESIZE))) {
    props_.size = size;
    props_.description = "guarded test memory";
    void* p = mmap(nullptr, size + 2 * page_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("GuardedBar: mmap failed");
    base_ = static_cast<std::byte*>(p);
    set_read_only(false);
  }
  ~GuardedBar() override { munmap(base_, props_.size + 2 * page_); }

  void set_read_only(bool read_only) {
    if (mprotect(base_ + page_, props_.size, read_only ? PROT_READ : PROT_READ | PROT_WRITE) != 0)
      throw std::runtime_error("GuardedBar: mprotect failed");
  }
  std::byte* memory() { return base_ + page_; }

  const BarProperties& properties() const override { return props_; }
  volatile std::byte* mapping() const override { return base_ + page_; }
  uint64_t load(uint64_t offset, unsigned width) override {
    uint64_t v = 0;
    std::memcpy(&v, base_ + page_ + offset, width);
    return v;
  }
  void store(uint64_t offset, unsigned width, uint64_t value) override {
    std::memcpy(base_ + page_ + offset, &value, width);
  }

 private:
  uint64_t page_;
  std::byte* base_;
  BarProperties props_;
};

}  // namespace pcie_bar::testing
