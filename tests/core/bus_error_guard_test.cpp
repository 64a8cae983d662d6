#include "core/bus_error_guard.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
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

// The handler's own calls must not change the errno the interrupted code sees: a fault can land
// between a failing call and the read of its errno.
TEST(BusErrorGuard, ErrnoIsTheSameAfterAHandledFault) {
  VanishingMapping m;
  BusErrorGuard guard(const_cast<uint64_t*>(m.base), m.len);
  errno = EDOM;  // a value no call in the handler can produce
  (void)m.base[1];
  // The compiler may not keep errno in a register across the access: it must read what the
  // handler left there, as code interrupted between a failing call and its errno read would.
  std::atomic_signal_fence(std::memory_order_seq_cst);
  const int after = errno;
  ASSERT_TRUE(guard.faulted());
  EXPECT_EQ(after, EDOM);
}

bool limit_address_space_to_one_page() {
  const rlim_t page = static_cast<rlim_t>(sysconf(_SC_PAGESIZE));
  const rlimit one_page{page, page};
  return setrlimit(RLIMIT_AS, &one_page) == 0;
}

// A remap that really fails: an address-space limit below what the process already uses makes
// the kernel refuse every new mapping, even one that only replaces an old one of the same size
// (mmap checks RLIMIT_AS against the current total, ENOMEM). The limit is set in the death
// test's forked child only. The handler must not return to the faulting access with the old
// mapping still there (that access would fault again forever): it says why on stderr and the
// process dies by SIGBUS. The alarm turns a regression into a failure (death by SIGALRM)
// instead of a test that never ends.
TEST(BusErrorGuardDeathTest, AFailedRemapEndsTheProcessWithAMessageInsteadOfLooping) {
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer takes the signal first and allocates a signal context for the thread, which
  // the address-space limit that makes the remap fail refuses too: it dies before the handler.
  GTEST_SKIP() << "ThreadSanitizer needs memory to deliver a signal; the limit refuses it";
#endif
  EXPECT_EXIT(
      {
        VanishingMapping m;
        BusErrorGuard guard(const_cast<uint64_t*>(m.base), m.len);
        if (!limit_address_space_to_one_page()) _exit(3);
        alarm(10);
        (void)m.base[1];
        _exit(0);  // not reached: the access can neither succeed nor be retried forever
      },
      ::testing::KilledBySignal(SIGBUS),
      "SIGBUS in the BAR mapping 0x[0-9a-f]+-0x[0-9a-f]+ and replacing it with anonymous memory failed "
      "\\(mmap errno 12\\); ending the process with SIGBUS");
}

}  // namespace
}  // namespace pcie_bar
