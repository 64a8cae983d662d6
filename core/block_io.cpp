#include "core/block_io.h"

#include <cstring>

#include "core/mmio.h"

namespace pcie_bar {

unsigned next_access_width(uint64_t offset, uint64_t remaining, unsigned width) {
  unsigned w = width;
  while (w > 1 && (w > remaining || offset % w != 0)) w >>= 1;
  return w;
}

BlockIo::BlockIo(Bar& bar, unsigned width) : bar_(bar), base_(bar.mapping()), width_(width) {
  if (width > 8 && base_ == nullptr)
    throw DeviceError(std::to_string(width) + "-byte accesses need the BAR mapped (access.method: mmap), and " +
                          bar.properties().description + " is not mapped whole",
                      ErrorReason::kOpen);
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

void BlockIo::read(uint64_t offset, void* dst, uint64_t len) {
  auto* out = static_cast<std::byte*>(dst);
  if (!is_whole_words(offset, len)) return read_by_parts(offset, out, len);
  if (width_ > 8) return wide_mmio::read(base_, offset, out, len, width_);
  with_mapped_words(width_, [&](auto words) { words.read(offset, out, len); });
}

void BlockIo::write(uint64_t offset, const void* src, uint64_t len) {
  const auto* in = static_cast<const std::byte*>(src);
  if (!is_whole_words(offset, len)) return write_by_parts(offset, in, len);
  if (width_ > 8) return wide_mmio::write(base_, offset, in, len, width_);
  with_mapped_words(width_, [&](auto words) { words.write(offset, in, len); });
}

uint64_t BlockIo::read_and_fold(uint64_t offset, uint64_t len) {
  if (!is_whole_words(offset, len)) return fold_by_parts(offset, len);
  if (width_ > 8) return wide_mmio::read_and_fold(base_, offset, len, width_);
  return with_mapped_words(width_, [&](auto words) { return words.read_and_fold(offset, len); });
}

uint64_t BlockIo::fold_by_parts(uint64_t offset, uint64_t len) {
  uint64_t acc = ~uint64_t{0};
  for (uint64_t done = 0; done < len;) {
    unsigned w = next_access_width(offset + done, len - done, width_);
    uint64_t ones_above = w >= 8 ? 0 : ~((uint64_t{1} << (8 * w)) - 1);
    acc &= (w > 8 ? wide_mmio::read_and_fold(base_, offset + done, w, w) : load(offset + done, w)) | ones_above;
    done += w;
  }
  return acc;
}

void BlockIo::read_by_parts(uint64_t offset, std::byte* out, uint64_t len) {
  for (uint64_t done = 0; done < len;) {
    unsigned w = next_access_width(offset + done, len - done, width_);
    if (w > 8) {
      wide_mmio::read(base_, offset + done, out + done, w, w);
    } else {
      uint64_t v = load(offset + done, w);
      std::memcpy(out + done, &v, w);  // little-endian: the low bytes are the first bytes
    }
    done += w;
  }
}

void BlockIo::write_by_parts(uint64_t offset, const std::byte* in, uint64_t len) {
  for (uint64_t done = 0; done < len;) {
    unsigned w = next_access_width(offset + done, len - done, width_);
    if (w > 8) {
      wide_mmio::write(base_, offset + done, in + done, w, w);
    } else {
      uint64_t v = 0;
      std::memcpy(&v, in + done, w);
      store(offset + done, w, v);
    }
    done += w;
  }
}

}  // namespace pcie_bar
