#include "exporter/app/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "config/config_error.h"
#include "core/errno_text.h"

namespace pcie_bar {

void drop_privileges(const std::string& user) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found)
    throw ConfigError("--run-as: no such user '" + user + "'");
  auto fail = [&](const char* step) {
    throw ConfigError("--run-as " + user + ": " + step + " failed: " + errno_text() + " (only root can switch users)");
  };
  // Order matters: groups first, while still privileged; the user id last.
  if (initgroups(pw.pw_name, pw.pw_gid) != 0) fail("initgroups");
  if (setgid(pw.pw_gid) != 0) fail("setgid");
  if (setuid(pw.pw_uid) != 0) fail("setuid");
  if (pw.pw_uid != 0 && setuid(0) == 0)
    throw ConfigError("--run-as " + user + ": could still regain root; refusing to run");
}

}  // namespace pcie_bar
