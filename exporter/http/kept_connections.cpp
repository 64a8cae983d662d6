#include "exporter/http/kept_connections.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>

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
  // The listing's own descriptor is among the entries; it is no socket, so it never matches.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    const std::string name = entry.path().filename();
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc()) continue;
    // A client socket of this process connected to one of the ports has an ephemeral local
    // port, so only the server's side of each connection matches.
    if (std::find(ports.begin(), ports.end(), accepted_local_port(fd)) != ports.end()) shutdown(fd, SHUT_RD);
  }
}

}  // namespace pcie_bar
