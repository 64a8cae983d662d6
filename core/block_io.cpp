#include "core/block_io.h"

#include <cstring>

#include "core/mmio.h"

namespace pcie_bar {

unsigned next_access_width(uint64_t offset, uint64_t remaining, unsigned width) {
  unsigned w = width;
  while (w > 1 && (w > remaining || offset % w != 0)) w >>= 1;
  return w;
}

uint64_t BlockIo::load(uint64_t offset, unsigned width) {
  return base_ ? mmio::load(base_, offset, width) : bar_.load(offset, width);
}

void BlockIo::store(uint64_t offset, unsigned width, uint64_t value) {
  if (base_) {
    mmio::store(base_, offset, width, value);
  } else {
    bar_.store(offset, width, value);
  }
}

// The fast paths below are plain loops of one volatile access per word: what a bare loop over
// the mapping would do, so the tool adds nothing per byte to what it measures.
template <typename T>
uint64_t BlockIo::fold_mapped(uint64_t offset, uint64_t len) {
  // Four independent accumulators: one would chain every load behind the previous AND and cap
  // the loop at one load per cycle, below what a bare loop of loads reaches.
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
void BlockIo::write_mapped(uint64_t offset, const std::byte* src, uint64_t len) {
  for (uint64_t i = 0; i < len; i += sizeof(T)) {
    T v;
    std::memcpy(&v, src + i, sizeof(T));
    mmio::store<T>(base_, offset + i, v);
  }
}

template <typename T>
void BlockIo::read_mapped(uint64_t offset, std::byte* dst, uint64_t len) {
  for (uint64_t i = 0; i < len; i += sizeof(T)) {
    T v = mmio::load<T>(base_, offset + i);
    std::memcpy(dst + i, &v, sizeof(T));
  }
}

uint64_t BlockIo::read_and_fold(uint64_t offset, uint64_t len) {
  if (is_whole_words(offset, len)) {
    switch (width_) {
      case 1: return fold_mapped<uint8_t>(offset, len);
      case 2: return fold_mapped<uint16_t>(offset, len);
      case 4: return fold_mapped<uint32_t>(offset, len);
      default: return fold_mapped<uint64_t>(offset, len);
    }
  }
  uint64_t acc = ~uint64_t{0};
  for (uint64_t done = 0; done < len;) {
    unsigned w = next_access_width(offset + done, len - done, width_);
    uint64_t ones_above = w == 8 ? 0 : ~((uint64_t{1} << (8 * w)) - 1);
    acc &= load(offset + done, w) | ones_above;
    done += w;
  }
  return acc;
}

void BlockIo::read(uint64_t offset, void* dst, uint64_t len) {
  auto* out = static_cast<std::byte*>(dst);
  if (is_whole_words(offset, len)) {
    switch (width_) {
      case 1: return read_mapped<uint8_t>(offset, out, len);
      case 2: return read_mapped<uint16_t>(offset, out, len);
      case 4: return read_mapped<uint32_t>(offset, out, len);
      default: return read_mapped<uint64_t>(offset, out, len);
    }
  }
  for (uint64_t done = 0; done < len;) {
    unsigned w = next_access_width(offset + done, len - done, width_);
    uint64_t v = load(offset + done, w);
    std::memcpy(out + done, &v, w);  // little-endian: the low bytes are the first bytes
    done += w;
  }
}

void BlockIo::write(uint64_t offset, const void* src, uint64_t len) {
  const auto* in = static_cast<const std::byte*>(src);
  if (is_whole_words(offset, len)) {
    switch (width_) {
      case 1: return write_mapped<uint8_t>(offset, in, len);
      case 2: return write_mapped<uint16_t>(offset, in, len);
      case 4: return write_mapped<uint32_t>(offset, in, len);
      default: return write_mapped<uint64_t>(offset, in, len);
    }
  }
  for (uint64_t done = 0; done < len;) {
    unsigned w = next_access_width(offset + done, len - done, width_);
    uint64_t v = 0;
    std::memcpy(&v, in + done, w);
    store(offset + done, w, v);
    done += w;
  }
}

}  // namespace pcie_bar
