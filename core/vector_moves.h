#pragma once
// One aligned vector load or store of 16 (SSE2), 32 (AVX2) or 64 bytes (AVX-512) per call, in
// inline assembly: what wide_mmio's loops are made of. In a header of its own so a test can
// inline a move into code that holds vector values and check they survive it.
// "memory" keeps each move in order with every other access, as volatile would.

#include <cstddef>

#if defined(__x86_64__)

// The AVX moves end with vzeroupper (no AVX-SSE transition penalty in the SSE code after
// them), and vzeroupper zeroes bits 128 and up of ymm0-ymm15 / zmm0-zmm15, not only of the
// register the move used. So all sixteen are declared clobbered: a compiler that inlines a
// move into AVX code (a -mavx2 or -march=native build, or a target("avx2") caller) may keep a
// 256-bit value in any of them across the asm, and GCC's -fipa-ra lets even a caller of a
// non-inlined move trust the clobber list instead of the ABI. GCC and clang name the whole
// vector register by its xmm name, so "xmmN" covers ymmN and zmmN ("Clobbers and Scratch
// Registers" in GCC's Extended Asm manual; OpenBLAS fixed the same bug after GCC 10 with
// -march=native kept a value in ymm2 across such a kernel: github.com/OpenMathLib/OpenBLAS/pull/2926).
// Checked here on the disassembly of tests/core/vector_moves_test.cpp: with "xmm0" alone GCC 12
// and clang 14 both keep 256-bit values in ymm1-ymm6 across the vzeroupper; with this list GCC
// moves them to zmm16-zmm21 (AVX-512) or the stack, clang to the stack. zmm16-zmm31 are
// untouched by vzeroupper and need no clobber.
#define PCIE_BAR_VZEROUPPER_CLOBBERS                                                                                  \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", \
      "xmm14", "xmm15"

namespace pcie_bar::vector_moves {

struct Sse2 {
  static constexpr unsigned kBytes = 16;
  static void load(const volatile std::byte* p, std::byte* out) {
    asm volatile("movdqa (%0), %%xmm0\n\tmovdqu %%xmm0, (%1)" ::"r"(p), "r"(out) : "xmm0", "memory");
  }
  static void store(volatile std::byte* p, const std::byte* in) {
    asm volatile("movdqu (%1), %%xmm0\n\tmovdqa %%xmm0, (%0)" ::"r"(p), "r"(in) : "xmm0", "memory");
  }
};

struct Avx2 {
  static constexpr unsigned kBytes = 32;
  __attribute__((target("avx2"))) static void load(const volatile std::byte* p, std::byte* out) {
    asm volatile("vmovdqa (%0), %%ymm0\n\tvmovdqu %%ymm0, (%1)\n\tvzeroupper" ::"r"(p), "r"(out)
                 : PCIE_BAR_VZEROUPPER_CLOBBERS, "memory");
  }
  __attribute__((target("avx2"))) static void store(volatile std::byte* p, const std::byte* in) {
    asm volatile("vmovdqu (%1), %%ymm0\n\tvmovdqa %%ymm0, (%0)\n\tvzeroupper" ::"r"(p), "r"(in)
                 : PCIE_BAR_VZEROUPPER_CLOBBERS, "memory");
  }
};

struct Avx512 {
  static constexpr unsigned kBytes = 64;
  __attribute__((target("avx512f"))) static void load(const volatile std::byte* p, std::byte* out) {
    asm volatile("vmovdqa64 (%0), %%zmm0\n\tvmovdqu64 %%zmm0, (%1)\n\tvzeroupper" ::"r"(p), "r"(out)
                 : PCIE_BAR_VZEROUPPER_CLOBBERS, "memory");
  }
  __attribute__((target("avx512f"))) static void store(volatile std::byte* p, const std::byte* in) {
    asm volatile("vmovdqu64 (%1), %%zmm0\n\tvmovdqa64 %%zmm0, (%0)\n\tvzeroupper" ::"r"(p), "r"(in)
                 : PCIE_BAR_VZEROUPPER_CLOBBERS, "memory");
  }
};

}  // namespace pcie_bar::vector_moves

#endif
