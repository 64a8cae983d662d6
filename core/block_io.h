#pragma once
// Moves blocks between memory and a BAR with the widest aligned accesses that `width` allows:
// a device that only accepts 32-bit accesses never sees a 64-bit one. Accesses narrower than
// `width` happen only where the block itself is smaller or less aligned than `width`.

#include <cstddef>
#include <cstdint>

#include "core/bar.h"

namespace pcie_bar {

// The width of the next access for a transfer at `offset` with `remaining` bytes left.
unsigned next_access_width(uint64_t offset, uint64_t remaining, unsigned width);

class BlockIo {
 public:
  BlockIo(Bar& bar, unsigned width) : bar_(bar), base_(bar.mapping()), width_(width) {}

  unsigned width() const { return width_; }

  // Reads [offset, offset+len) into dst.
  void read(uint64_t offset, void* dst, uint64_t len);
  // Writes src to [offset, offset+len).
  void write(uint64_t offset, const void* src, uint64_t len);
  // Reads [offset, offset+len) and returns the AND of every access's value, widened with ones,
  // so a result of all-ones means every byte read back as 0xff (a vanished or disabled device).
  uint64_t read_and_fold(uint64_t offset, uint64_t len);

 private:
  template <typename T>
  uint64_t fold_mapped(uint64_t offset, uint64_t len);
  template <typename T>
  void write_mapped(uint64_t offset, const std::byte* src, uint64_t len);
  template <typename T>
  void read_mapped(uint64_t offset, std::byte* dst, uint64_t len);

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
