#pragma once
// HTTP keep-alive for scrapers, on a server with one worker thread per connection (civetweb).
//
// A scraper comes back every 15-60 s and reuses its connection without checking it first
// (VictoriaMetrics' vmagent, Python's http.client). A server that closes idle connections after a
// timeout races with that reuse: the request lands on a socket the server has just closed, and the
// scrape fails or waits for a retry. So a kept connection stays open until the client closes it.
// Each one holds a worker thread while idle, so only a bounded number are kept: past the bound a
// response says `Connection: close`, and that client reconnects for its next scrape.

#include <cstddef>
#include <mutex>
#include <set>
#include <vector>

namespace pcie_bar {

class KeptConnections {
 public:
  explicit KeptConnections(std::size_t limit) : limit_(limit) {}

  // Whether `connection` may stay open after the response being sent: true when it is kept
  // already, or when there is room for one more.
  bool keep(const void* connection);
  // The connection is gone (closed by either side); its place is free again.
  void closed(const void* connection);
  std::size_t size() const;

 private:
  const std::size_t limit_;
  mutable std::mutex mu_;
  std::set<const void*> kept_;
};

// Shuts down (SHUT_RD) every TCP connection this process accepted on one of `ports`, so that a
// worker thread waiting for the next request on an idle kept connection wakes at once: civetweb
// looks at its stop flag only between 2-second polls. Called while the server stops.
void wake_idle_connections(const std::vector<int>& ports);

}  // namespace pcie_bar
