#include "core/block_io.h"

#include <gtest/gtest.h>

#include <numeric>

#include "tests/support/fake_bar.h"

namespace pcie_bar {
namespace {

using testing::FakeBar;

TEST(NextAccessWidth, UsesTheWidestAlignedAccessThatFits) {
  EXPECT_EQ(next_access_width(0, 4096, 8), 8u);
  EXPECT_EQ(next_access_width(0, 4096, 4), 4u);
  EXPECT_EQ(next_access_width(4, 4, 8), 4u);  // aligned to 4 only
  EXPECT_EQ(next_access_width(0, 2, 8), 2u);  // block smaller than the width
  EXPECT_EQ(next_access_width(3, 5, 8), 1u);  // odd offset
  EXPECT_EQ(next_access_width(6, 10, 8), 2u);
}

class BlockIoWidthTest : public ::testing::TestWithParam<unsigned> {};

TEST_P(BlockIoWidthTest, NeverAccessesWiderThanTheWidthAndCoversTheBlockOnce) {
  const unsigned width = GetParam();
  for (uint64_t len : {1u, 2u, 4u, 8u, 16u, 64u, 4096u}) {
    for (uint64_t off : {0u, 8u, 64u}) {
      FakeBar bar(8192);
      BlockIo io(bar, width);
      std::vector<std::byte> data(len, std::byte{0x5a});
      io.write(off, data.data(), len);
      io.read(off, data.data(), len);
      uint64_t written = 0, read = 0;
      for (const auto& a : bar.accesses) {
        EXPECT_LE(a.width, width);
        EXPECT_LE(a.width, len);
        EXPECT_EQ(a.offset % a.width, 0u) << "misaligned access at " << a.offset;
        EXPECT_GE(a.offset, off);
        EXPECT_LE(a.offset + a.width, off + len);
        (a.is_write ? written : read) += a.width;
      }
      EXPECT_EQ(written, len);
      EXPECT_EQ(read, len);
      // Whole blocks of at least `width` bytes use only width-sized accesses.
      if (len >= width) {
        for (const auto& a : bar.accesses) EXPECT_EQ(a.width, width);
      }
      EXPECT_FALSE(bar.out_of_bounds);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Widths, BlockIoWidthTest, ::testing::Values(1u, 2u, 4u, 8u));

TEST(BlockIo, ThirtyTwoBitDeviceNeverSeesA64BitAccessOnAnUnalignedTail) {
  FakeBar bar(64);
  BlockIo io(bar, 4);
  std::vector<std::byte> data(14);
  io.write(2, data.data(), data.size());  // 2..16: 2 + 4 + 4 + 4
  ASSERT_EQ(bar.accesses.size(), 4u);
  EXPECT_EQ(bar.accesses[0].width, 2u);
  EXPECT_EQ(bar.accesses[1].width, 4u);
  EXPECT_EQ(bar.accesses[3].offset, 12u);
}

TEST(BlockIo, RoundTripsBytesThroughBothPaths) {
  for (bool mapped : {false, true}) {
    FakeBar bar(256, mapped);
    BlockIo io(bar, 8);
    std::vector<std::byte> in(100), out(100);
    std::iota(reinterpret_cast<uint8_t*>(in.data()), reinterpret_cast<uint8_t*>(in.data()) + in.size(), uint8_t{1});
    io.write(8, in.data(), in.size());
    io.read(8, out.data(), out.size());
    EXPECT_EQ(in, out) << (mapped ? "mapped" : "load/store");
    EXPECT_EQ(std::memcmp(bar.memory().data() + 8, in.data(), in.size()), 0);
  }
}

// The access size visit's mover makes for a block: a MappedWords' word, or 0 for the general
// path (width picked per access, through the BAR's load/store when it is not mapped).
unsigned mover_word_size(BlockIo& io, uint64_t block) {
  return io.visit(block, []<typename Io>(Io) -> unsigned {
    if constexpr (std::is_same_v<Io, BlockIo>)
      return 0;
    else
      return sizeof(typename Io::Word);
  });
}

TEST(BlockIo, VisitGivesEachBlockAccessesOfTheWidthOrOfItsOwnSmallerSize) {
  FakeBar mapped(256, true);
  BlockIo eight(mapped, 8);
  EXPECT_EQ(mover_word_size(eight, 8), 8u);
  EXPECT_EQ(mover_word_size(eight, 4096), 8u);
  EXPECT_EQ(mover_word_size(eight, 1), 1u);  // what the general path would do: one 1-byte access
  EXPECT_EQ(mover_word_size(eight, 2), 2u);
  EXPECT_EQ(mover_word_size(eight, 4), 4u);
  EXPECT_EQ(mover_word_size(eight, 12), 0u);  // 8 + 4: width picked per access
  BlockIo four(mapped, 4);
  EXPECT_EQ(mover_word_size(four, 2), 2u);
  EXPECT_EQ(mover_word_size(four, 8), 4u);
  FakeBar unmapped(256);
  BlockIo unmapped_io(unmapped, 8);
  EXPECT_EQ(mover_word_size(unmapped_io, 1), 0u);
  EXPECT_EQ(mover_word_size(unmapped_io, 8), 0u);
}

TEST(BlockIo, FoldIsAllOnesOnlyWhenEveryByteIsFf) {
  for (bool mapped : {false, true}) {
    FakeBar bar(64, mapped);
    BlockIo io(bar, 8);
    std::memset(bar.memory().data(), 0xff, 64);
    EXPECT_EQ(io.read_and_fold(0, 64), ~uint64_t{0});
    EXPECT_EQ(io.read_and_fold(4, 2), ~uint64_t{0});  // narrow accesses are widened with ones
    bar.memory()[37] = std::byte{0xfe};
    EXPECT_NE(io.read_and_fold(0, 64), ~uint64_t{0});
    EXPECT_NE(io.read_and_fold(37, 1), ~uint64_t{0});
  }
}

// MappedWords moves four words per loop iteration and the rest one by one: lengths of 1 to 13
// words cover blocks shorter than one iteration, whole iterations and every tail.
template <typename T>
class MappedWordsTest : public ::testing::Test {};
using WordTypes = ::testing::Types<uint8_t, uint16_t, uint32_t, uint64_t>;
TYPED_TEST_SUITE(MappedWordsTest, WordTypes);

TYPED_TEST(MappedWordsTest, WritesAndReadsExactlyTheBlock) {
  constexpr uint64_t kWord = sizeof(TypeParam);
  for (uint64_t words = 1; words <= 13; ++words) {
    const uint64_t len = words * kWord, at = 2 * kWord;
    std::vector<std::byte> memory(len + 4 * kWord, std::byte{0xee}), in(len), out(len);
    std::iota(reinterpret_cast<uint8_t*>(in.data()), reinterpret_cast<uint8_t*>(in.data()) + len, uint8_t{1});
    const MappedWords<TypeParam> io{memory.data()};
    io.write(at, in.data(), len);
    io.read(at, out.data(), len);
    EXPECT_EQ(in, out) << words << " words";
    EXPECT_EQ(std::memcmp(memory.data() + at, in.data(), len), 0);
    for (uint64_t i = 0; i < memory.size(); ++i) {
      if (i >= at && i < at + len) continue;
      EXPECT_EQ(memory[i], std::byte{0xee}) << "byte " << i << " outside the block";
    }
  }
}

TYPED_TEST(MappedWordsTest, FoldSeesEveryByteOfTheBlock) {
  constexpr uint64_t kWord = sizeof(TypeParam);
  for (uint64_t words = 1; words <= 13; ++words) {
    const uint64_t len = words * kWord;
    std::vector<std::byte> memory(len + kWord, std::byte{0xff});
    const MappedWords<TypeParam> io{memory.data()};
    EXPECT_EQ(io.read_and_fold(0, len), ~uint64_t{0}) << words << " words of 0xff";
    for (uint64_t i = 0; i < len; ++i) {
      memory[i] = std::byte{0x7f};
      EXPECT_NE(io.read_and_fold(0, len), ~uint64_t{0}) << "byte " << i << " of " << words << " words";
      memory[i] = std::byte{0xff};
    }
    memory[len] = std::byte{0};  // past the block: not read
    EXPECT_EQ(io.read_and_fold(0, len), ~uint64_t{0});
  }
}

// The fold for block sizes known at compile time (the sweep's 8-128 B blocks) sees every byte
// as the run-time fold does, for odd and even word counts.
template <typename T, uint64_t kWords>
void expect_constant_fold_sees_every_byte() {
  constexpr uint64_t kLen = kWords * sizeof(T);
  std::vector<std::byte> memory(kLen + sizeof(T), std::byte{0xff});
  const MappedWords<T> io{memory.data()};
  const std::integral_constant<uint64_t, kLen> len;
  EXPECT_EQ(io.read_and_fold(0, len), ~uint64_t{0}) << kWords << " words of 0xff";
  for (uint64_t i = 0; i < kLen; ++i) {
    memory[i] = std::byte{0xbf};
    EXPECT_NE(io.read_and_fold(0, len), ~uint64_t{0}) << "byte " << i << " of " << kWords << " words";
    memory[i] = std::byte{0xff};
  }
  memory[kLen] = std::byte{0};  // past the block: not read
  EXPECT_EQ(io.read_and_fold(0, len), ~uint64_t{0});
}

TYPED_TEST(MappedWordsTest, FoldOfACompileTimeSizeSeesEveryByte) {
  expect_constant_fold_sees_every_byte<TypeParam, 1>();
  expect_constant_fold_sees_every_byte<TypeParam, 2>();
  expect_constant_fold_sees_every_byte<TypeParam, 3>();
  expect_constant_fold_sees_every_byte<TypeParam, 7>();
  expect_constant_fold_sees_every_byte<TypeParam, 8>();
  expect_constant_fold_sees_every_byte<TypeParam, 16>();
}

}  // namespace
}  // namespace pcie_bar
