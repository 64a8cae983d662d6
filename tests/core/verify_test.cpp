#include "core/verify.h"

#include <gtest/gtest.h>

#include "tests/support/fake_bar.h"

namespace pcie_bar {
namespace {

using testing::FakeBar;

TEST(Verify, WritesReadsBackComparesAndRestores) {
  FakeBar bar(0x100);
  bar.memory()[0x10] = std::byte{0xaa};
  VerifyResult r = run_verify(bar, VerifySpec{0x10}, 8, true);
  EXPECT_EQ(r.status, VerifyStatus::kOk);
  EXPECT_EQ(r.original, 0xaau);
  EXPECT_EQ(r.written, 0x1234567890abcdefULL);
  EXPECT_EQ(r.read_back, 0x1234567890abcdefULL);
  EXPECT_EQ(r.mismatch_bits, 0u);
  EXPECT_TRUE(r.restored);
  EXPECT_EQ(bar.memory()[0x10], std::byte{0xaa});
  ASSERT_EQ(r.after.size(), 64u);
  EXPECT_EQ(r.after[0], std::byte{0xef});  // little-endian: low byte first, as the seed shows
  EXPECT_EQ(r.before[0], std::byte{0xaa});
}

TEST(Verify, AFlippedBitFailsWithTheMismatchMask) {
  FakeBar bar(0x100);
  bar.flip_offset = 0x20;
  bar.flip_mask = 0x0000000100000004ULL;
  VerifyResult r = run_verify(bar, VerifySpec{0x20}, 8, true);
  EXPECT_EQ(r.status, VerifyStatus::kMismatch);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.mismatch_bits, 0x0000000100000004ULL);
  EXPECT_EQ(r.read_back, 0x1234567890abcdefULL ^ 0x0000000100000004ULL);
}

TEST(Verify, WritesDisabledRefusesTheProbeWithoutWriting) {
  FakeBar bar(0x100);
  VerifyResult r = run_verify(bar, VerifySpec{0x0}, 8, false);
  EXPECT_EQ(r.status, VerifyStatus::kSkipped);
  EXPECT_EQ(bar.writes(), 0u);
  EXPECT_EQ(r.before.size(), 64u);
}

TEST(Verify, ProbeWiderThanTheAccessWidthIsSplit) {
  FakeBar bar(0x100);
  VerifySpec p{0x8, 0xdeadbeef, 4, true};
  VerifyResult r = run_verify(bar, p, 2, true);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.written, 0xdeadbeefu);
  for (const auto& a : bar.accesses) EXPECT_LE(a.width, 2u);
}

TEST(Verify, WithoutRestoreThePatternStays) {
  FakeBar bar(0x100);
  VerifySpec p{0x0, 0x11223344, 4, false};
  VerifyResult r = run_verify(bar, p, 8, true);
  EXPECT_FALSE(r.restored);
  EXPECT_EQ(bar.memory()[0], std::byte{0x44});
}

TEST(Verify, DumpStopsAtTheEndOfTheBar) {
  FakeBar bar(0x100);
  VerifyResult r = run_verify(bar, VerifySpec{0xf8}, 8, true);
  EXPECT_EQ(r.before.size(), 8u);
  EXPECT_FALSE(bar.out_of_bounds);
}

}  // namespace
}  // namespace pcie_bar
