#pragma once
// Single MMIO accesses. Each is one volatile load or store of exactly the named width, so the
// compiler can neither split, merge, elide nor reorder it against other volatile accesses.

#include <cstddef>
#include <cstdint>

namespace pcie_bar::mmio {

template <typename T>
inline T load(const volatile std::byte* base, uint64_t offset) {
  return *reinterpret_cast<const volatile T*>(base + offset);
}

template <typename T>
inline void store(volatile std::byte* base, uint64_t offset, T value) {
  *reinterpret_cast<volatile T*>(base + offset) = value;
}

// Width-dispatched forms for callers that hold the width as a run-time value.
inline uint64_t load(const volatile std::byte* base, uint64_t offset, unsigned width) {
  switch (width) {
    case 1: return load<uint8_t>(base, offset);
    case 2: return load<uint16_t>(base, offset);
    case 4: return load<uint32_t>(base, offset);
    default: return load<uint64_t>(base, offset);
  }
}

inline void store(volatile std::byte* base, uint64_t offset, unsigned width, uint64_t value) {
  switch (width) {
    case 1: store<uint8_t>(base, offset, static_cast<uint8_t>(value)); break;
    case 2: store<uint16_t>(base, offset, static_cast<uint16_t>(value)); break;
    case 4: store<uint32_t>(base, offset, static_cast<uint32_t>(value)); break;
    default: store<uint64_t>(base, offset, value); break;
  }
}

}  // namespace pcie_bar::mmio
