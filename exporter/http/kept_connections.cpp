#include "exporter/http/kept_connections.h"

#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>

namespace pcie_bar {

bool KeptConnections::keep(const void* connection) {
  std::lock_guard lock(mu_);
  if (kept_.count(connection)) return true;
  if (kept_.size() >= limit_) return false;
  kept_.insert(connection);
  return true;
}

void KeptConnections::closed(const void* connection) {
  std::lock_guard lock(mu_);
  kept_.erase(connection);
}

std::size_t KeptConnections::size() const {
  std::lock_guard lock(mu_);
  return kept_.size();
}

namespace {

// The local port of `fd` when it is a connected (not listening) TCP socket; -1 otherwise.
int accepted_local_port(int fd) {
  int listening = 0;
  socklen_t len = sizeof listening;
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || listening) return -1;
  sockaddr_storage local{};
  len = sizeof local;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) return -1;
  if (local.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
  if (local.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
  return -1;
}

}  // namespace

void wake_idle_connections(const std::vector<int>& ports) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    int fd = std::atoi(entry->d_name);
    if (fd == dirfd(dir)) continue;
    // A client socket of this process connected to one of the ports has an ephemeral local
    // port, so only the server's side of each connection matches.
    if (std::find(ports.begin(), ports.end(), accepted_local_port(fd)) != ports.end()) shutdown(fd, SHUT_RD);
  }
  closedir(dir);
}

}  // namespace pcie_bar
