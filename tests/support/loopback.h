#pragma once
// Raw loopback TCP for tests.

namespace pcie_bar::testing {

// A loopback TCP port that was free a moment ago (bound to port 0, read back, released), for
// servers that cannot report the port they chose.
int free_loopback_port();

// A socket connected to 127.0.0.1:`port`, for requests no HTTP library would send; -1 if the
// connection was refused.
int connect_loopback(int port);

}  // namespace pcie_bar::testing
