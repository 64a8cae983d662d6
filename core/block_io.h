#pragma once
// Moves blocks between memory and a BAR with the widest aligned accesses that `width` allows:
// a device that only accepts 32-bit accesses never sees a 64-bit one. Accesses narrower than
// `width` happen only where the block itself is smaller or less aligned than `width`. Widths
// 16, 32 and 64 (vector accesses, mapped BARs only) go through wide_mmio.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "core/bar.h"
#include "core/mmio.h"
#include "core/wide_mmio.h"

namespace pcie_bar {

// The width of the next access for a transfer at `offset` with `remaining` bytes left.
unsigned next_access_width(uint64_t offset, uint64_t remaining, unsigned width);

// Whole blocks of T-sized words on a mapping: plain loops of one volatile access per word,
// what a bare loop over the mapping would do, so the tool adds nothing per byte to what it
// measures. Offsets and lengths are multiples of sizeof(T).
template <typename T>
struct MappedWords {
  using Word = T;
  volatile std::byte* base;
  // Four accesses per loop iteration: with one, the loop's taken branch, not the memory,
  // caps the rate at about one access per cycle (half what a bare unrolled loop reaches).
  static constexpr uint64_t kStep = 4 * sizeof(T);
  // The bytes the unrolled loop covers; a bound computed once, so each iteration's test is one
  // compare of the running offset.
  static uint64_t unrolled_part(uint64_t len) { return len - len % kStep; }

  uint64_t read_and_fold(uint64_t offset, uint64_t len) const {
    // Four independent accumulators: one would chain every load behind the previous AND.
    // Eight loads per iteration: with four, the loop's own three micro-ops leave the loads
    // short of the two per cycle a bare loop of loads reaches.
    constexpr uint64_t kFoldStep = 2 * kStep;
    T a0 = static_cast<T>(~T{0}), a1 = a0, a2 = a0, a3 = a0;
    uint64_t i = 0;
    for (const uint64_t whole = len - len % kFoldStep; i < whole; i += kFoldStep) {
      mmio::and_load(a0, base, offset + i);
      mmio::and_load(a1, base, offset + i + sizeof(T));
      mmio::and_load(a2, base, offset + i + 2 * sizeof(T));
      mmio::and_load(a3, base, offset + i + 3 * sizeof(T));
      mmio::and_load(a0, base, offset + i + 4 * sizeof(T));
      mmio::and_load(a1, base, offset + i + 5 * sizeof(T));
      mmio::and_load(a2, base, offset + i + 6 * sizeof(T));
      mmio::and_load(a3, base, offset + i + 7 * sizeof(T));
    }
    for (; i < len; i += sizeof(T)) mmio::and_load(a0, base, offset + i);
    return widened(static_cast<T>(a0 & a1 & a2 & a3));
  }
  // The same for a block size known at compile time (the sweep's small blocks): the accesses
  // unroll completely into one AND-with-memory per word over four accumulators, so an op is a
  // straight run of loads plus three ANDs, as close to a bare run of loads as a fold gets.
  template <uint64_t kLen>
  uint64_t read_and_fold(uint64_t offset, std::integral_constant<uint64_t, kLen>) const {
    constexpr uint64_t kWords = kLen / sizeof(T);
    if constexpr (kWords < 2) {
      return read_and_fold(offset, kLen);
    } else {
      T a0 = static_cast<T>(~T{0}), a1 = a0, a2 = a0, a3 = a0;
      [&]<std::size_t... K>(std::index_sequence<K...>) {
        (mmio::and_load(K % 4 == 0 ? a0 : K % 4 == 1 ? a1 : K % 4 == 2 ? a2 : a3, base, offset + K * sizeof(T)), ...);
      }
      (std::make_index_sequence<kWords>{});
      return widened(static_cast<T>(a0 & a1 & a2 & a3));
    }
  }
  void write(uint64_t offset, const std::byte* src, uint64_t len) const {
    for_each_word(len, [&](uint64_t i) { store(offset + i, src + i); });
  }
  void read(uint64_t offset, std::byte* dst, uint64_t len) const {
    for_each_word(len, [&](uint64_t i) { copy_out(offset + i, dst + i); });
  }

 private:
  // A fold of narrow words, widened with ones: all-ones still means every byte was 0xff.
  static uint64_t widened(T acc) {
    return sizeof(T) == 8 ? uint64_t{acc} : (uint64_t{acc} | ~((uint64_t{1} << (8 * sizeof(T))) - 1));
  }
  // f(i) for the byte offset i of every word of a `len`-byte block, four per loop iteration.
  template <typename F>
  static void for_each_word(uint64_t len, F&& f) {
    uint64_t i = 0;
    for (const uint64_t whole = unrolled_part(len); i < whole; i += kStep) {
      f(i);
      f(i + sizeof(T));
      f(i + 2 * sizeof(T));
      f(i + 3 * sizeof(T));
    }
    for (; i < len; i += sizeof(T)) f(i);
  }
  void store(uint64_t offset, const std::byte* src) const {
    T v;
    std::memcpy(&v, src, sizeof(T));
    mmio::store<T>(base, offset, v);
  }
// GCC 12, once read() is inlined into a caller with a small constant length, warns that the
// 8-byte copies overflow it, although callers only pass whole words.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
  void copy_out(uint64_t offset, std::byte* dst) const {
    T v = mmio::load<T>(base, offset);
    std::memcpy(dst, &v, sizeof(T));
  }
#pragma GCC diagnostic pop
};

class BlockIo {
 public:
  // Throws DeviceError (reason open) for a width over 8 on a BAR without a mapping: pread and
  // pwrite cannot issue one access wider than 8 bytes.
  BlockIo(Bar& bar, unsigned width);

  unsigned width() const { return width_; }

  // Reads [offset, offset+len) into dst.
  void read(uint64_t offset, void* dst, uint64_t len);
  // Writes src to [offset, offset+len).
  void write(uint64_t offset, const void* src, uint64_t len);
  // Reads [offset, offset+len) and returns the AND of every access's value, widened with ones,
  // so a result of all-ones means every byte read back as 0xff (a vanished or disabled device).
  uint64_t read_and_fold(uint64_t offset, uint64_t len);

  // Calls f(mover) with the cheapest mover for many blocks of `block` bytes at offsets that
  // are multiples of `block` from a width-aligned start: MappedWords<T> when every access is
  // a whole word of a mapping (the width then fixed at compile time, so a loop of small ops
  // has no call and no width dispatch per op), otherwise this BlockIo. A block of 1, 2 or 4
  // bytes under a wider width is one access of its own size, as the general path makes it.
  template <typename F>
  decltype(auto) visit(uint64_t block, F&& f) {
    if (base_ != nullptr && width_ <= 8) {
      if (block % width_ == 0) return with_mapped_words(width_, f);
      if (block < width_ && width_ % block == 0) return with_mapped_words(static_cast<unsigned>(block), f);
    }
    return f(*this);
  }

 private:
  // f(MappedWords<T>{base_}) with T of `width` bytes: 1, 2, 4 or 8; base_ is set.
  template <typename F>
  decltype(auto) with_mapped_words(unsigned width, F&& f) const {
    switch (width) {
      case 1: return f(MappedWords<uint8_t>{base_});
      case 2: return f(MappedWords<uint16_t>{base_});
      case 4: return f(MappedWords<uint32_t>{base_});
      default: return f(MappedWords<uint64_t>{base_});
    }
  }

  uint64_t load(uint64_t offset, unsigned width);
  void store(uint64_t offset, unsigned width, uint64_t value);
  bool is_whole_words(uint64_t offset, uint64_t len) const {
    return base_ != nullptr && ((offset | len) & (width_ - 1)) == 0;
  }
  // Access by access, each of the widest width that fits (unmapped BARs, small or unaligned
  // blocks).
  void read_by_parts(uint64_t offset, std::byte* dst, uint64_t len);
  void write_by_parts(uint64_t offset, const std::byte* src, uint64_t len);
  uint64_t fold_by_parts(uint64_t offset, uint64_t len);

  Bar& bar_;
  volatile std::byte* base_;
  unsigned width_;
};

}  // namespace pcie_bar
