#include "core/wide_mmio.h"

#include <cstring>
#include <stdexcept>

#include "core/vector_moves.h"

namespace pcie_bar {

CpuVectorSupport CpuVectorSupport::detect() {
  CpuVectorSupport c;
#if defined(__x86_64__)
  __builtin_cpu_init();
  // libgcc checks the OS too (XCR0): AVX state must be enabled for the AVX bits to be set.
  c.sse2 = __builtin_cpu_supports("sse2");
  c.avx2 = __builtin_cpu_supports("avx2");
  c.avx512f = __builtin_cpu_supports("avx512f");
#endif
  return c;
}

std::string wide_width_unsupported(unsigned width, const CpuVectorSupport& cpu) {
  struct Need {
    unsigned width;
    bool have;
    const char* extension;
  };
  for (const Need& n :
       {Need{16, cpu.sse2, "SSE2"}, Need{32, cpu.avx2, "AVX2"}, Need{64, cpu.avx512f, "AVX-512 (avx512f)"}})
    if (n.width == width)
      return n.have ? ""
                    : std::to_string(width) + "-byte accesses need " + n.extension +
                          ", which this CPU (or its OS) does not offer";
  return std::to_string(width) + " is not a wide access width (16, 32 or 64)";
}

#if defined(__x86_64__)
namespace {

using vector_moves::Avx2;
using vector_moves::Avx512;
using vector_moves::Sse2;

template <typename V>
void read_loop(const volatile std::byte* base, uint64_t offset, std::byte* dst, uint64_t len) {
  for (uint64_t i = 0; i < len; i += V::kBytes) V::load(base + offset + i, dst + i);
}

template <typename V>
void write_loop(volatile std::byte* base, uint64_t offset, const std::byte* src, uint64_t len) {
  for (uint64_t i = 0; i < len; i += V::kBytes) V::store(base + offset + i, src + i);
}

template <typename V>
uint64_t fold_loop(const volatile std::byte* base, uint64_t offset, uint64_t len) {
  alignas(64) std::byte lanes[V::kBytes];
  uint64_t acc = ~uint64_t{0};
  for (uint64_t i = 0; i < len; i += V::kBytes) {
    V::load(base + offset + i, lanes);
    for (unsigned l = 0; l < V::kBytes; l += 8) {
      uint64_t w;
      std::memcpy(&w, lanes + l, 8);
      acc &= w;
    }
  }
  return acc;
}

// f(V{}) with the vector type of `width` bytes (16, 32 or 64).
template <typename F>
decltype(auto) with_vector(unsigned width, F&& f) {
  switch (width) {
    case 16: return f(Sse2{});
    case 32: return f(Avx2{});
    default: return f(Avx512{});
  }
}

}  // namespace

namespace wide_mmio {

void read(const volatile std::byte* base, uint64_t offset, std::byte* dst, uint64_t len, unsigned width) {
  with_vector(width, [&](auto v) { read_loop<decltype(v)>(base, offset, dst, len); });
}

void write(volatile std::byte* base, uint64_t offset, const std::byte* src, uint64_t len, unsigned width) {
  with_vector(width, [&](auto v) { write_loop<decltype(v)>(base, offset, src, len); });
}

uint64_t read_and_fold(const volatile std::byte* base, uint64_t offset, uint64_t len, unsigned width) {
  return with_vector(width, [&](auto v) { return fold_loop<decltype(v)>(base, offset, len); });
}

}  // namespace wide_mmio
#else
namespace wide_mmio {
// Off x86-64 the CPU check refuses every wide width (no SSE2), so a call here is a bug.
[[noreturn]] void unreachable() { throw std::logic_error("wide MMIO accesses are implemented for x86-64 only"); }
void read(const volatile std::byte*, uint64_t, std::byte*, uint64_t, unsigned) { unreachable(); }
void write(volatile std::byte*, uint64_t, const std::byte*, uint64_t, unsigned) { unreachable(); }
uint64_t read_and_fold(const volatile std::byte*, uint64_t, uint64_t, unsigned) { unreachable(); }
}  // namespace wide_mmio
#endif

}  // namespace pcie_bar
