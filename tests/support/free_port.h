#pragma once

namespace pcie_bar::testing {

// A loopback TCP port that was free a moment ago (bound to port 0, read back, released), for
// servers that cannot report the port they chose.
int free_loopback_port();

}  // namespace pcie_bar::testing
