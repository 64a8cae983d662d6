#include "exporter/http/gzip.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace pcie_bar {
namespace {

std::string gunzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

TEST(Gzip, RoundTripsAndShrinksExpositionText) {
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "pcie_bar_op_duration_seconds_bucket{device=\"sim0\",op=\"read\",le=\"" + std::to_string(i) + "\"} 7\n";
  std::string z = gzip(text);
  EXPECT_EQ(z.substr(0, 2), "\x1f\x8b");  // the gzip magic, not a bare deflate stream
  EXPECT_LT(z.size(), text.size() / 10);
  EXPECT_EQ(gunzip(z), text);
}

TEST(Gzip, EmptyInputIsAValidGzipStream) { EXPECT_EQ(gunzip(gzip("")), ""); }

}  // namespace
}  // namespace pcie_bar
