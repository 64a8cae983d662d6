#include "config/yaml_scalar.h"

#include <gtest/gtest.h>

#include "config/config_error.h"

namespace pcie_bar {
namespace {

TEST(ParseU64, DecimalAndHex) {
  uint64_t v = 0;
  EXPECT_TRUE(parse_u64("0", v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(parse_u64("18446744073709551615", v));
  EXPECT_EQ(v, ~uint64_t{0});
  EXPECT_TRUE(parse_u64("0xFFFFffffFFFFffff", v));
  EXPECT_EQ(v, ~uint64_t{0});
  for (const char* bad : {"", "0x", "-1", "+1", "18446744073709551616", "0x1g", "1e3", " 1", "1 "})
    EXPECT_FALSE(parse_u64(bad, v)) << bad;
}

TEST(YamlField, AbsentChildReportsAtItsParentWithItsFullPath) {
  YamlField root(YAML::Load("a:\n  b: 1\n"), "", "f.yml");
  try {
    root["a"]["c"].u64();
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "f.yml:2:3: a.c: required: a non-negative integer");
  }
}

TEST(YamlField, IndexingAnAbsentListIsAnAbsentFieldNotAnException) {
  YamlField root(YAML::Load("a:\n  b: 1\n"), "", "f.yml");
  YamlField missing = root["a"]["list"].at(3);
  EXPECT_FALSE(missing.present());
  EXPECT_EQ(missing.path(), "a.list[3]");
  EXPECT_FALSE(root["a"]["b"].at(0).present());  // a scalar has no elements either
}

TEST(YamlField, SizeSuffixOverflowIsRejected) {
  YamlField root(YAML::Load("s: 99999999999999GiB\n"), "", "f.yml");
  EXPECT_THROW(root["s"].size(), ConfigError);
}

}  // namespace
}  // namespace pcie_bar
