#include "exporter/http/basic_auth.h"

#include <gtest/gtest.h>

#include "tests/support/credentials.h"

namespace pcie_bar {
namespace {

std::string basic(const std::string& user_colon_password) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  const std::string& s = user_colon_password;
  for (std::size_t i = 0; i < s.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(s[i]) << 16;
    if (i + 1 < s.size()) n |= static_cast<uint8_t>(s[i + 1]) << 8;
    if (i + 2 < s.size()) n |= static_cast<uint8_t>(s[i + 2]);
    out += a[(n >> 18) & 63];
    out += a[(n >> 12) & 63];
    out += i + 1 < s.size() ? a[(n >> 6) & 63] : '=';
    out += i + 2 < s.size() ? a[n & 63] : '=';
  }
  return "Basic " + out;
}

TEST(Base64, DecodesAndRejectsMalformedInput) {
  std::string out;
  EXPECT_TRUE(base64_decode("YWxpY2U6czNjcmV0", out));
  EXPECT_EQ(out, "alice:s3cret");
  EXPECT_TRUE(base64_decode("YQ==", out));
  EXPECT_EQ(out, "a");
  for (const char* bad : {"YQ=", "Y*Q=", "=YQ=", "YQ=a"}) EXPECT_FALSE(base64_decode(bad, out)) << bad;
}

TEST(BasicAuth, AcceptsTheRightPasswordOnly) {
  BasicAuth auth({{"alice", testing::bcrypt_hash("s3cret")}});
  EXPECT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.allows(basic("alice:s3cret")));
  EXPECT_TRUE(auth.allows(basic("alice:s3cret")));  // from the cache the second time
  EXPECT_FALSE(auth.allows(basic("alice:wrong")));
  EXPECT_FALSE(auth.allows(basic("bob:s3cret")));
  EXPECT_FALSE(auth.allows(basic("alice")));
  EXPECT_FALSE(auth.allows(""));
  EXPECT_FALSE(auth.allows("Bearer abc"));
  EXPECT_FALSE(auth.allows("Basic !!!!"));
}

TEST(BasicAuth, PasswordsWithColonsWork) {
  BasicAuth auth({{"u", testing::bcrypt_hash("a:b:c")}});
  EXPECT_TRUE(auth.allows(basic("u:a:b:c")));
}

TEST(BasicAuth, NoUsersMeansNoAuth) {
  BasicAuth auth({});
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.allows(""));
}

}  // namespace
}  // namespace pcie_bar
