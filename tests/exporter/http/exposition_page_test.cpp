#include "exporter/http/exposition_page.h"

#include <gtest/gtest.h>

#include "exporter/http/gzip.h"

namespace pcie_bar {
namespace {

TEST(ExpositionPage, IsCompressedOnceWhenBuilt) {
  const std::string text = "# TYPE up gauge\nup 1\n";
  const ExpositionPage page(text);
  EXPECT_EQ(page.text, text);
  EXPECT_EQ(page.gzipped, gzip(text));  // what a scrape with Accept-Encoding: gzip gets, as is
}

}  // namespace
}  // namespace pcie_bar
