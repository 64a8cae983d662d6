#include "exporter/http/exposition_page.h"

#include <gtest/gtest.h>

#include "exporter/http/gzip.h"

namespace pcie_bar {
namespace {

TEST(ExpositionPage, BothFormatsAreCompressedOnceWhenBuilt) {
  const std::string text = "# TYPE up gauge\nup 1\n";
  const std::string protobuf("\x06\x0a\x02up\x18\x01", 7);
  const ExpositionPage page(text, protobuf);
  EXPECT_EQ(page.text, text);
  EXPECT_EQ(page.gzipped, gzip(text));  // what a scrape with Accept-Encoding: gzip gets, as is
  EXPECT_EQ(page.protobuf, protobuf);
  EXPECT_EQ(page.protobuf_gzipped, gzip(protobuf));
}

}  // namespace
}  // namespace pcie_bar
