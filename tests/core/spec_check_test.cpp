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
