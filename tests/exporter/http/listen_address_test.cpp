#include "exporter/http/listen_address.h"

#include <gtest/gtest.h>

#include "config/config_error.h"

namespace pcie_bar {
namespace {

TEST(ListenAddress, TranslatesToCivetwebPortSpecs) {
  EXPECT_EQ(civetweb_listening_port(":9842", false), "9842");
  EXPECT_EQ(civetweb_listening_port("127.0.0.1:0", false), "127.0.0.1:0");
  EXPECT_EQ(civetweb_listening_port("[::1]:9842", true), "[::1]:9842s");
  EXPECT_EQ(civetweb_listening_port("0.0.0.0:9842", true), "0.0.0.0:9842s");
}

TEST(ListenAddress, RejectsWhatCivetwebWouldMisread) {
  auto error_of = [](const std::string& a) {
    try {
      civetweb_listening_port(a, false);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error_of("9842"), "--web.listen-address: '9842' needs a port (e.g. :9842 or 127.0.0.1:9842)");
  EXPECT_EQ(error_of(":70000"), "--web.listen-address: ':70000' has no valid port (0-65535)");
  EXPECT_EQ(error_of("localhost:9842"),
            "--web.listen-address: 'localhost:9842' needs an IP address, not a host name (e.g. 127.0.0.1:9842)");
  EXPECT_EQ(error_of("[::g]:1"), "--web.listen-address: '[::g]:1' has an invalid IPv6 address");
}

}  // namespace
}  // namespace pcie_bar
