#include "config/web_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "config/config_error.h"

namespace pcie_bar {
namespace {

const std::string kHash = "$2b$04$abcdefghijklmnopqrstuu5Wz0hBSU8y3dXvdpmrz0CJ7ilj1G3Lq";

std::string error_of(const std::string& yaml, const std::string& base = "") {
  try {
    parse_web_config(yaml, "web.yml", base);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(WebConfig, EmptyMeansPlainHttpWithoutAuth) {
  WebConfig c = parse_web_config("", "web.yml", "");
  EXPECT_FALSE(c.tls());
  EXPECT_TRUE(c.basic_auth_users.empty());
}

TEST(WebConfig, ReadsUsersAndResolvesTlsPathsAgainstTheFilesDirectory) {
  std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/c.crt") << "x";
  std::ofstream(dir + "/c.key") << "x";
  WebConfig c = parse_web_config(
      "tls_server_config: {cert_file: c.crt, key_file: c.key}\nbasic_auth_users:\n  alice: " + kHash + "\n", "web.yml",
      dir);
  EXPECT_EQ(c.cert_file, dir + "/c.crt");
  EXPECT_TRUE(c.tls());
  EXPECT_EQ(c.basic_auth_users.at("alice"), kHash);
}

TEST(WebConfig, BadInputIsOneLineNamingTheKey) {
  EXPECT_EQ(error_of("tls_server_config: {cert_file: /nonexistent.crt, key_file: /nonexistent.key}\n"),
            "web.yml:1:32: tls_server_config.cert_file: cannot read /nonexistent.crt: No such file or directory");
  EXPECT_EQ(error_of("basic_auth_users: {alice: hunter2}\n"),
            "web.yml:1:27: basic_auth_users.alice: not a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters)");
  EXPECT_EQ(error_of("http_server_config: {http2: true}\n"),
            "web.yml:1:1: http_server_config: unknown key; known keys: tls_server_config, basic_auth_users");
  EXPECT_EQ(error_of("tls_server_config: {cert_file: a, client_ca_file: b}\n"),
            "web.yml:1:35: tls_server_config.client_ca_file: unknown key; known keys: cert_file, key_file");
  EXPECT_EQ(error_of("basic_auth_users: [alice]\n"),
            "web.yml:1:19: basic_auth_users: expected a mapping of user names to bcrypt hashes");
}

}  // namespace
}  // namespace pcie_bar
