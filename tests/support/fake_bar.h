#pragma once
// A memory-backed BAR for tests that records every access (offset, width, direction) and can
// be told to misbehave: flip bits on reads at one offset, or return all-ones.

#include <cstring>
#include <optional>
#include <vector>

#include "core/bar.h"

namespace pcie_bar::testing {

struct Access {
  uint64_t offset;
  unsigned width;
  bool is_write;
};

class FakeBar : public Bar {
 public:
  explicit FakeBar(uint64_t size, bool mapped = false) : mem_(size), mapped_(mapped) {
    props_.size = size;
    props_.description = "fake BAR";
  }

  const BarProperties& properties() const override { return props_; }
  volatile std::byte* mapping() const override {
    return mapped_ ? const_cast<volatile std::byte*>(reinterpret_cast<const volatile std::byte*>(mem_.data()))
                   : nullptr;
  }

  uint64_t load(uint64_t offset, unsigned width) override {
    check(offset, width);
    accesses.push_back({offset, width, false});
    if (all_ones) return ~uint64_t{0} >> (64 - 8 * width);
    uint64_t v = 0;
    std::memcpy(&v, mem_.data() + offset, width);
    if (flip_offset == offset) v ^= flip_mask;
    return v;
  }
  void store(uint64_t offset, unsigned width, uint64_t value) override {
    check(offset, width);
    accesses.push_back({offset, width, true});
    std::memcpy(mem_.data() + offset, &value, width);
  }

  std::vector<std::byte>& memory() { return mem_; }
  uint64_t writes() const {
    uint64_t n = 0;
    for (const Access& a : accesses) n += a.is_write;
    return n;
  }

  std::vector<Access> accesses;
  std::optional<uint64_t> flip_offset;  // reads of an access starting here are XORed with flip_mask
  uint64_t flip_mask = 0;
  bool all_ones = false;
  bool out_of_bounds = false;  // set if any access fell outside the BAR or was misaligned

 private:
  void check(uint64_t offset, unsigned width) {
    if (offset + width > mem_.size() || offset % width != 0) out_of_bounds = true;
  }
  std::vector<std::byte> mem_;
  bool mapped_;
  BarProperties props_;
};

}  // namespace pcie_bar::testing
