#include "core/vector_moves.h"

#include <gtest/gtest.h>
#include <immintrin.h>

#include <array>
#include <cstddef>

namespace pcie_bar {
namespace {

// Vector values live across an AVX move, as in any AVX code the move is inlined into: the
// compiler may keep them in ymm/zmm registers only if the move declares which ones it destroys.
// Its vzeroupper clears bits 128 and up of ymm0-15/zmm0-15, so with an incomplete clobber list
// the values come back with those bits zeroed. Each helper is noinline (its register allocation
// is what the test exercises) and holds six named vectors (an array would live on the stack);
// the move is inlined into it.

template <std::size_t kBytes>
struct Values {
  alignas(64) std::array<std::byte, 6 * kBytes> bytes{};
  const std::byte* at(int i) const { return bytes.data() + i * kBytes; }
  std::byte* at(int i) { return bytes.data() + i * kBytes; }
};

template <std::size_t kBytes>
Values<kBytes> distinct_values() {
  Values<kBytes> v;
  for (std::size_t i = 0; i < v.bytes.size(); ++i) v.bytes[i] = static_cast<std::byte>(0x5a ^ (i * 7));
  return v;
}

struct Bar {
  alignas(64) std::array<std::byte, 64> device{}, host{};
};

#define PCIE_BAR_LOAD6(load, in) \
  a = load(in.at(0)), b = load(in.at(1)), c = load(in.at(2)), d = load(in.at(3)), e = load(in.at(4)), f = load(in.at(5))
#define PCIE_BAR_STORE6(store, out)                                                                        \
  store(out.at(0), a), store(out.at(1), b), store(out.at(2), c), store(out.at(3), d), store(out.at(4), e), \
      store(out.at(5), f)

__attribute__((target("avx2"))) __m256i load256(const std::byte* p) {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(p));
}
__attribute__((target("avx2"))) void store256(std::byte* p, __m256i v) {
  _mm256_store_si256(reinterpret_cast<__m256i*>(p), v);
}
__attribute__((target("avx512f"))) __m512i load512(const std::byte* p) { return _mm512_load_si512(p); }
__attribute__((target("avx512f"))) void store512(std::byte* p, __m512i v) { _mm512_store_si512(p, v); }

__attribute__((noinline, target("avx2"))) void avx2_load_between(const Values<32>& in, Values<32>& out, Bar& bar) {
  const __m256i PCIE_BAR_LOAD6(load256, in);
  vector_moves::Avx2::load(bar.device.data(), bar.host.data());
  PCIE_BAR_STORE6(store256, out);
}

__attribute__((noinline, target("avx2"))) void avx2_store_between(const Values<32>& in, Values<32>& out, Bar& bar) {
  const __m256i PCIE_BAR_LOAD6(load256, in);
  vector_moves::Avx2::store(bar.device.data(), bar.host.data());
  PCIE_BAR_STORE6(store256, out);
}

__attribute__((noinline, target("avx512f"))) void avx512_load_between(const Values<64>& in, Values<64>& out, Bar& bar) {
  const __m512i PCIE_BAR_LOAD6(load512, in);
  vector_moves::Avx512::load(bar.device.data(), bar.host.data());
  PCIE_BAR_STORE6(store512, out);
}

__attribute__((noinline, target("avx512f"))) void avx512_store_between(const Values<64>& in, Values<64>& out,
                                                                       Bar& bar) {
  const __m512i PCIE_BAR_LOAD6(load512, in);
  vector_moves::Avx512::store(bar.device.data(), bar.host.data());
  PCIE_BAR_STORE6(store512, out);
}

TEST(VectorMoves, Avx2MovesLeaveTheCallersVectorValuesIntact) {
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "this CPU (or its OS) has no AVX2";
  const auto in = distinct_values<32>();
  Bar bar;
  Values<32> after_load, after_store;
  avx2_load_between(in, after_load, bar);
  avx2_store_between(in, after_store, bar);
  EXPECT_EQ(after_load.bytes, in.bytes);
  EXPECT_EQ(after_store.bytes, in.bytes);
}

TEST(VectorMoves, Avx512MovesLeaveTheCallersVectorValuesIntact) {
  if (!__builtin_cpu_supports("avx512f")) GTEST_SKIP() << "this CPU (or its OS) has no AVX-512";
  const auto in = distinct_values<64>();
  Bar bar;
  Values<64> after_load, after_store;
  avx512_load_between(in, after_load, bar);
  avx512_store_between(in, after_store, bar);
  EXPECT_EQ(after_load.bytes, in.bytes);
  EXPECT_EQ(after_store.bytes, in.bytes);
}

}  // namespace
}  // namespace pcie_bar
