#include "exporter/http/listen_address.h"

#include <arpa/inet.h>

#include "config/config_error.h"
#include "config/yaml_scalar.h"

namespace pcie_bar {

std::string civetweb_listening_port(const std::string& addr, bool tls) {
  auto fail = [&](const std::string& why) -> std::string {
    throw ConfigError("--web.listen-address: '" + addr + "' " + why);
  };
  auto colon = addr.rfind(':');
  if (colon == std::string::npos) fail("needs a port (e.g. :9842 or 127.0.0.1:9842)");
  std::string host = addr.substr(0, colon), port_text = addr.substr(colon + 1);
  uint64_t port = 0;
  if (!parse_u64(port_text, port) || port > 65535 || port_text.rfind("0x", 0) == 0) fail("has no valid port (0-65535)");
  std::string spec;
  if (host.empty()) {
    spec = port_text;  // all interfaces
  } else if (host.front() == '[' && host.back() == ']') {
    in6_addr a6{};
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &a6) != 1) fail("has an invalid IPv6 address");
    spec = host + ":" + port_text;
  } else {
    in_addr a4{};
    if (inet_pton(AF_INET, host.c_str(), &a4) != 1) fail("needs an IP address, not a host name (e.g. 127.0.0.1:9842)");
    spec = host + ":" + port_text;
  }
  return tls ? spec + "s" : spec;
}

}  // namespace pcie_bar
