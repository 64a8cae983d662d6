#include "core/wide_mmio.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/block_io.h"
#include "core/sim_bar.h"
#include "core/sweep.h"
#include "tests/support/fake_bar.h"

namespace pcie_bar {
namespace {

std::vector<std::byte> random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> v(n);
  for (auto& b : v) b = static_cast<std::byte>(rng());
  return v;
}

TEST(WideWidth, AMissingExtensionIsNamed) {
  CpuVectorSupport sse_only{true, false, false};
  EXPECT_EQ(wide_width_unsupported(16, sse_only), "");
  EXPECT_EQ(wide_width_unsupported(32, sse_only),
            "32-byte accesses need AVX2, which this CPU (or its OS) does not offer");
  EXPECT_EQ(wide_width_unsupported(64, sse_only),
            "64-byte accesses need AVX-512 (avx512f), which this CPU (or its OS) does not offer");
  EXPECT_EQ(wide_width_unsupported(64, CpuVectorSupport{true, true, true}), "");
}

TEST(WideWidth, AnUnmappedBarIsRefused) {
  testing::FakeBar bar(4096);  // unmapped: only pread/pwrite-style accesses
  try {
    BlockIo io(bar, 32);
    FAIL() << "expected a refusal";
  } catch (const DeviceError& e) {
    EXPECT_EQ(e.reason(), ErrorReason::kOpen);
    EXPECT_NE(std::string(e.what()).find("32-byte accesses need the BAR mapped"), std::string::npos) << e.what();
  }
}

// The widths this CPU can run; the others are skipped, saying so.
class WideBlockIoTest : public ::testing::TestWithParam<unsigned> {
 protected:
  void SetUp() override {
    std::string why = wide_width_unsupported(GetParam());
    if (!why.empty()) GTEST_SKIP() << why;
    bar_ = SimBar::open(SimSpec{}, AccessMethod::kMmap);
  }
  std::unique_ptr<SimBar> bar_;
};

TEST_P(WideBlockIoTest, WritesAndReadsEveryByteIdentically) {
  BlockIo wide(*bar_, GetParam()), narrow(*bar_, 1);
  // Whole-vector blocks, and blocks that end in or start with narrower parts.
  for (auto [off, len] :
       {std::pair<uint64_t, uint64_t>{0, 4096}, {64, 128}, {128, 24}, {256, 72}, {520, 8}, {1024, 3}}) {
    const auto data = random_bytes(len, static_cast<unsigned>(off + len));
    wide.write(off, data.data(), len);
    std::vector<std::byte> via_narrow(len), via_wide(len);
    narrow.read(off, via_narrow.data(), len);
    wide.read(off, via_wide.data(), len);
    EXPECT_EQ(via_narrow, data) << "write at " << off << "+" << len;
    EXPECT_EQ(via_wide, data) << "read at " << off << "+" << len;
  }
}

TEST_P(WideBlockIoTest, FoldIsAllOnesOnlyWhenEveryByteIs0xff) {
  BlockIo wide(*bar_, GetParam());
  std::vector<std::byte> ones(256, std::byte{0xff});
  wide.write(0, ones.data(), ones.size());
  EXPECT_EQ(wide.read_and_fold(0, 256), ~uint64_t{0});
  for (uint64_t hole : {0u, 17u, 200u, 255u}) {
    std::vector<std::byte> one_off = ones;
    one_off[hole] = std::byte{0xfe};
    wide.write(0, one_off.data(), one_off.size());
    EXPECT_NE(wide.read_and_fold(0, 256), ~uint64_t{0}) << "byte " << hole;
  }
}

TEST_P(WideBlockIoTest, ASweepAtThisWidthFindsNoMismatchAndRestoresTheWindow) {
  const auto before = random_bytes(16 * 1024, 3);
  BlockIo(*bar_, 8).write(0, before.data(), before.size());
  DeviceSpec d;
  d.access.width = GetParam();
  d.sweep.block_sizes = {1, 8, 16, 32, 64, 4096};
  d.sweep.iterations = {200, 200, 200};
  static const Clock clock = Clock::calibrate();
  SweepResult r = run_sweep(*bar_, clock, d);
  for (const OpResult& o : r.results) EXPECT_EQ(o.mismatches, 0u) << op_name(o.op) << " " << o.block_size;
  std::vector<std::byte> after(before.size());
  BlockIo(*bar_, 8).read(0, after.data(), after.size());
  EXPECT_EQ(after, before);
}

INSTANTIATE_TEST_SUITE_P(Widths, WideBlockIoTest, ::testing::Values(16u, 32u, 64u),
                         [](const auto& info) { return std::to_string(info.param) + "Bytes"; });

}  // namespace
}  // namespace pcie_bar
