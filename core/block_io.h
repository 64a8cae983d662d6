#pragma once
// Moves blocks between memory and a BAR with the widest aligned accesses that `width` allows:
// a device that only accepts 32-bit accesses never sees a 64-bit one. Accesses narrower than
// `width` happen only where the block itself is smaller or less aligned than `width`. Widths
// 16, 32 and 64 (vector accesses, mapped BARs only) go through wide_mmio.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/bar.h"
#include "core/mmio.h"
#include "core/wide_mmio.h"

namespace pcie_bar {

// The width of the next access for a transfer at `offset` with `remaining` bytes left.
unsigned next_access_width(uint64_t offset, uint64_t remaining, unsigned width);

class BlockIo {
 public:
  // Throws DeviceError (reason open) for a width over 8 on a BAR without a mapping: pread and
  // pwrite cannot issue one access wider than 8 bytes.
  BlockIo(Bar& bar, unsigned width);

  unsigned width() const { return width_; }

  // The three transfers below are inline: the sweep calls them once per op, and on mapped
  // BARs their loops are the whole op, so a call and a width dispatch per op would show in
  // the figures for small blocks.

  // Reads [offset, offset+len) into dst.
  void read(uint64_t offset, void* dst, uint64_t len) {
    auto* out = static_cast<std::byte*>(dst);
    if (!is_whole_words(offset, len)) return read_by_parts(offset, out, len);
    if (width_ > 8) return wide_mmio::read(base_, offset, out, len, width_);
    switch (width_) {
      case 1: return read_mapped<uint8_t>(offset, out, len);
      case 2: return read_mapped<uint16_t>(offset, out, len);
      case 4: return read_mapped<uint32_t>(offset, out, len);
      default: return read_mapped<uint64_t>(offset, out, len);
    }
  }
  // Writes src to [offset, offset+len).
  void write(uint64_t offset, const void* src, uint64_t len) {
    const auto* in = static_cast<const std::byte*>(src);
    if (!is_whole_words(offset, len)) return write_by_parts(offset, in, len);
    if (width_ > 8) return wide_mmio::write(base_, offset, in, len, width_);
    switch (width_) {
      case 1: return write_mapped<uint8_t>(offset, in, len);
      case 2: return write_mapped<uint16_t>(offset, in, len);
      case 4: return write_mapped<uint32_t>(offset, in, len);
      default: return write_mapped<uint64_t>(offset, in, len);
    }
  }
  // Reads [offset, offset+len) and returns the AND of every access's value, widened with ones,
  // so a result of all-ones means every byte read back as 0xff (a vanished or disabled device).
  uint64_t read_and_fold(uint64_t offset, uint64_t len) {
    if (!is_whole_words(offset, len)) return fold_by_parts(offset, len);
    if (width_ > 8) return wide_mmio::read_and_fold(base_, offset, len, width_);
    switch (width_) {
      case 1: return fold_mapped<uint8_t>(offset, len);
      case 2: return fold_mapped<uint16_t>(offset, len);
      case 4: return fold_mapped<uint32_t>(offset, len);
      default: return fold_mapped<uint64_t>(offset, len);
    }
  }

 private:
  // The fast paths: plain loops of one volatile access per word, what a bare loop over the
  // mapping would do, so the tool adds nothing per byte to what it measures.
  template <typename T>
  uint64_t fold_mapped(uint64_t offset, uint64_t len) {
    // Four independent accumulators: one would chain every load behind the previous AND and
    // cap the loop at one load per cycle, below what a bare loop of loads reaches.
    constexpr uint64_t kStep = 4 * sizeof(T);
    T a0 = static_cast<T>(~T{0}), a1 = a0, a2 = a0, a3 = a0;
    uint64_t i = 0;
    for (; i + kStep <= len; i += kStep) {
      a0 &= mmio::load<T>(base_, offset + i);
      a1 &= mmio::load<T>(base_, offset + i + sizeof(T));
      a2 &= mmio::load<T>(base_, offset + i + 2 * sizeof(T));
      a3 &= mmio::load<T>(base_, offset + i + 3 * sizeof(T));
    }
    for (; i < len; i += sizeof(T)) a0 &= mmio::load<T>(base_, offset + i);
    T acc = static_cast<T>(a0 & a1 & a2 & a3);
    return sizeof(T) == 8 ? uint64_t{acc} : (uint64_t{acc} | ~((uint64_t{1} << (8 * sizeof(T))) - 1));
  }
  template <typename T>
  void write_mapped(uint64_t offset, const std::byte* src, uint64_t len) {
    for (uint64_t i = 0; i < len; i += sizeof(T)) {
      T v;
      std::memcpy(&v, src + i, sizeof(T));
      mmio::store<T>(base_, offset + i, v);
    }
  }
// GCC 12, once read() is inlined into a caller with a small constant length, warns that this
// loop's 8-byte copies overflow it, although is_whole_words() keeps such lengths out.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
  template <typename T>
  void read_mapped(uint64_t offset, std::byte* dst, uint64_t len) {
    for (uint64_t i = 0; i < len; i += sizeof(T)) {
      T v = mmio::load<T>(base_, offset + i);
      std::memcpy(dst + i, &v, sizeof(T));
    }
  }
#pragma GCC diagnostic pop

  // Everything else (unmapped BARs, small or unaligned blocks): access by access, each of the
  // widest width that fits.
  void read_by_parts(uint64_t offset, std::byte* dst, uint64_t len);
  void write_by_parts(uint64_t offset, const std::byte* src, uint64_t len);
  uint64_t fold_by_parts(uint64_t offset, uint64_t len);

  uint64_t load(uint64_t offset, unsigned width);
  void store(uint64_t offset, unsigned width, uint64_t value);
  bool is_whole_words(uint64_t offset, uint64_t len) const {
    return base_ != nullptr && ((offset | len) & (width_ - 1)) == 0;
  }

  Bar& bar_;
  volatile std::byte* base_;
  unsigned width_;
};

}  // namespace pcie_bar
