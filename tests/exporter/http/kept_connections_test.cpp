#include "exporter/http/kept_connections.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/loopback.h"

namespace pcie_bar {
namespace {

TEST(KeptConnections, KeepsUpToTheLimitAndFreesAPlaceWhenAConnectionCloses) {
  KeptConnections kept(2);
  int a = 0, b = 0, c = 0;
  EXPECT_TRUE(kept.keep(&a));
  EXPECT_TRUE(kept.keep(&b));
  EXPECT_FALSE(kept.keep(&c));
  EXPECT_TRUE(kept.keep(&a));  // kept already: its next response keeps it too
  kept.closed(&c);             // never kept: nothing changes
  EXPECT_EQ(kept.size(), 2u);
  kept.closed(&a);
  EXPECT_TRUE(kept.keep(&c));
  EXPECT_EQ(kept.size(), 2u);
}

// A listening socket on a free loopback port, one client connected to it, and the server's side.
struct Connection {
  Connection() {
    listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    bind(listener, reinterpret_cast<sockaddr*>(&a), len);
    listen(listener, 4);
    getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    client = testing::connect_loopback(port);
    server = accept(listener, nullptr, nullptr);
    timeval tv{2, 0};
    setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Connection() { close(server), close(client), close(listener); }
  int listener, client, server, port;
};

TEST(KeptConnections, WakingEndsReadsOnTheServersSideOfItsPortsOnly) {
  Connection ours, other;
  ASSERT_GE(ours.server, 0);
  ASSERT_GE(other.server, 0);
  wake_idle_connections({ours.port});
  char byte;
  EXPECT_EQ(read(ours.server, &byte, 1), 0);  // at once: end of stream, not the 2 s timeout
  // The listener still accepts, the client's side still reads, and other ports are untouched.
  int again = testing::connect_loopback(ours.port);
  EXPECT_GE(again, 0);
  close(again);
  ASSERT_EQ(write(ours.server, "x", 1), 1);
  EXPECT_EQ(read(ours.client, &byte, 1), 1);
  ASSERT_EQ(write(other.client, "y", 1), 1);
  EXPECT_EQ(read(other.server, &byte, 1), 1);
  EXPECT_EQ(byte, 'y');
}

}  // namespace
}  // namespace pcie_bar
