#pragma once

#include <string>

namespace pcie_bar {

// --web.listen-address ("127.0.0.1:9842", ":9842", "[::1]:9842", port 0 for any free port) as a
// civetweb listening_ports entry; `tls` appends civetweb's "s". Throws ConfigError.
std::string civetweb_listening_port(const std::string& listen_address, bool tls);

}  // namespace pcie_bar
