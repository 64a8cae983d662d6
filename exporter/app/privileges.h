#pragma once

#include <string>

namespace pcie_bar {

// --run-as: switches this process to `user` (its primary group and supplementary groups,
// so a vfio or uio group grants access to reopen devices). Throws ConfigError.
void drop_privileges(const std::string& user);

}  // namespace pcie_bar
