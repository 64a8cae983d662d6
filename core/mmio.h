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

// acc &= one load of exactly sizeof(T) bytes at base+offset. On x86-64 the load is the AND's
// memory operand: one micro-op where a volatile load and a separate AND are two, which makes a
// folding loop as fast as a loop of bare loads (the sweep's READ loop folds every word).
template <typename T>
inline void and_load(T& acc, const volatile std::byte* base, uint64_t offset) {
#if defined(__x86_64__)
  // A plain (non-volatile) operand lets GCC address it directly as base+index+displacement;
  // asm volatile is what keeps the access from being removed, merged or repeated.
  const T& word = *reinterpret_cast<const T*>(const_cast<const std::byte*>(base) + offset);
  if constexpr (sizeof(T) == 1)
    asm volatile("andb %1, %0" : "+q"(acc) : "m"(word));
  else
    asm volatile("and %1, %0" : "+r"(acc) : "m"(word));
#else
  acc &= load<T>(base, offset);
#endif
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
