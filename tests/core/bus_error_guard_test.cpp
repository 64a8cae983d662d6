#include "core/bus_error_guard.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>

namespace pcie_bar {
namespace {

// A shared mapping of a two-page file, then the file truncated to nothing: the next access
// raises SIGBUS, as a removed device's BAR would.
struct VanishingMapping {
  VanishingMapping() {
    path = std::string(::testing::TempDir()) + "/bus-error-" + std::to_string(getpid());
    fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    len = 2 * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    EXPECT_EQ(ftruncate(fd, static_cast<off_t>(len)), 0);
    base = static_cast<volatile uint64_t*>(mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    base[0] = 42;
    EXPECT_EQ(ftruncate(fd, 0), 0);
  }
  ~VanishingMapping() {
    munmap(const_cast<uint64_t*>(base), len);
    close(fd);
    unlink(path.c_str());
  }
  std::string path;
  int fd;
  std::size_t len;
  volatile uint64_t* base;
};

TEST(BusErrorGuard, ASigbusInAGuardedMappingIsSurvivedAndFlagged) {
  VanishingMapping m;
  BusErrorGuard guard(const_cast<uint64_t*>(m.base), m.len);
  EXPECT_FALSE(guard.faulted());
  uint64_t v = m.base[1];  // SIGBUS; the handler swaps in anonymous memory and the read retries
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(guard.faulted());
  m.base[3] = 7;  // later accesses land in the harmless replacement
  EXPECT_EQ(m.base[3], 7u);
}

TEST(BusErrorGuardDeathTest, ASigbusAnywhereElseStillKillsTheProcess) {
  EXPECT_EXIT(
      {
        VanishingMapping guarded;
        BusErrorGuard guard(const_cast<uint64_t*>(guarded.base), guarded.len);  // installs the handler
        VanishingMapping unguarded;
        (void)unguarded.base[0];
      },
      ::testing::KilledBySignal(SIGBUS), "");
}

}  // namespace
}  // namespace pcie_bar
