#pragma once
// Accesses wider than 8 bytes: 16 (SSE2), 32 (AVX2) or 64 bytes (AVX-512) in one load or
// store instruction, for BARs where a wider access fetches more bytes per PCIe round trip.
// Each access is one aligned vector move written in inline assembly, so the compiler can
// neither split nor merge nor drop it. The CPU is checked at run time; these functions are
// only called for widths the CPU has (see wide_width_unsupported).

#include <cstddef>
#include <cstdint>
#include <string>

namespace pcie_bar {

// The vector extensions a wide access needs, as this CPU and OS offer them.
struct CpuVectorSupport {
  bool sse2 = false, avx2 = false, avx512f = false;
  static CpuVectorSupport detect();
};

inline bool is_wide_width(unsigned width) { return width == 16 || width == 32 || width == 64; }

// Empty when `width` (16, 32 or 64) can be used on `cpu`; otherwise why not, in words.
std::string wide_width_unsupported(unsigned width, const CpuVectorSupport& cpu = CpuVectorSupport::detect());

namespace wide_mmio {

// Over [offset, offset+len) of a mapping, in accesses of exactly `width` bytes; `offset` and
// `len` are multiples of `width`.
void read(const volatile std::byte* base, uint64_t offset, std::byte* dst, uint64_t len, unsigned width);
void write(volatile std::byte* base, uint64_t offset, const std::byte* src, uint64_t len, unsigned width);
// The AND of every 8-byte lane of every access: all-ones only if every byte read 0xff.
uint64_t read_and_fold(const volatile std::byte* base, uint64_t offset, uint64_t len, unsigned width);

}  // namespace wide_mmio
}  // namespace pcie_bar
