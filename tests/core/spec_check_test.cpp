#include "core/spec_check.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

TEST(SpecCheck, DefaultsFitTheDefaultSimBar) { EXPECT_FALSE(check_fits_bar(DeviceSpec{}, 65536)); }

TEST(SpecCheck, WindowBeyondTheBarNamesWindowSize) {
  auto p = check_fits_bar(DeviceSpec{}, 4096);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->key, "window.size");
  EXPECT_NE(p->message.find("BAR0 size 0x1000"), std::string::npos) << p->message;
}

TEST(SpecCheck, WindowOffsetOutsideTheBar) {
  DeviceSpec d;
  d.window.offset = 0x10000;
  auto p = check_fits_bar(d, 0x10000);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->key, "window.offset");
}

TEST(SpecCheck, VerifyProbePastTheEndNamesTheProbe) {
  DeviceSpec d;
  d.window.size = 0x1000;
  auto p = check_fits_bar(d, 0x4004);  // probe 1 at 0x4000 needs 8 bytes
  ASSERT_TRUE(p);
  EXPECT_EQ(p->key, "verify[1].offset");
}

}  // namespace
}  // namespace pcie_bar

namespace pcie_bar {
namespace {

TEST(SpecCheck, CommandLineDefaultsShrinkToASmallBar) {
  DeviceSpec d;
  d.fit_defaults_to_bar = true;
  DeviceSpec f = fit_to_bar(d, 4096);
  EXPECT_EQ(f.window.size, 4096u);
  EXPECT_EQ(f.sweep.block_sizes.back(), 4096u);
  ASSERT_EQ(f.verify.size(), 1u);  // 0x4000 is beyond a 4 KiB BAR
  EXPECT_FALSE(check_fits_bar(f, 4096));
  DeviceSpec tiny = fit_to_bar(d, 256);
  EXPECT_EQ(tiny.sweep.block_sizes.back(), 256u);
}

TEST(SpecCheck, ConfiguredSpecsAreNeverChanged) {
  DeviceSpec d;  // fit_defaults_to_bar is false
  DeviceSpec f = fit_to_bar(d, 4096);
  EXPECT_EQ(f.window.size, d.window.size);
  EXPECT_TRUE(check_fits_bar(f, 4096));
}

}  // namespace
}  // namespace pcie_bar
