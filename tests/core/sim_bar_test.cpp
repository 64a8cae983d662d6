#include "core/sim_bar.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include "core/block_io.h"
#include "core/bus_error_guard.h"
#include "tests/support/proc_maps.h"

namespace pcie_bar {
namespace {

SimSpec sim_spec(uint64_t size, const std::string& path) {
  SimSpec s;
  s.size = size;
  s.path = path;
  return s;
}

std::string temp_path(const char* name) {
  return (std::string(::testing::TempDir()) + "/" + name + "-" + std::to_string(getpid()));
}

TEST(SimBar, AnonymousBarIsZeroedAndMapped) {
  auto bar = SimBar::open(sim_spec(4096, ""), AccessMethod::kMmap);
  EXPECT_EQ(bar->size(), 4096u);
  ASSERT_NE(bar->mapping(), nullptr);
  EXPECT_EQ(bar->load(0, 8), 0u);
  bar->store(8, 4, 0xcafef00d);
  EXPECT_EQ(bar->load(8, 4), 0xcafef00du);
  EXPECT_NE(bar->properties().description.find("simulated"), std::string::npos);
}

TEST(SimBar, SyscallMethodHasNoMappingAndSeesTheSameBytes) {
  auto bar = SimBar::open(sim_spec(4096, ""), AccessMethod::kSyscall);
  EXPECT_EQ(bar->mapping(), nullptr);
  for (unsigned w : {1u, 2u, 4u, 8u}) {
    bar->store(16 * w, w, 0x0102030405060708ULL);
    uint64_t mask = w == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * w)) - 1;
    EXPECT_EQ(bar->load(16 * w, w), 0x0102030405060708ULL & mask) << w;
  }
}

TEST(SimBar, FileBackedBarIsSharedWithOtherProcessesThroughTheFile) {
  std::string path = temp_path("simbar");
  {
    auto bar = SimBar::open(sim_spec(8192, path), AccessMethod::kMmap);
    bar->store(0x100, 8, 0x1122334455667788ULL);
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_size, 8192);
  }
  std::ifstream f(path, std::ios::binary);
  f.seekg(0x100);
  uint64_t v = 0;
  f.read(reinterpret_cast<char*>(&v), 8);
  EXPECT_EQ(v, 0x1122334455667788ULL);
  // Reopening keeps the contents: the file is the device's memory.
  auto again = SimBar::open(sim_spec(8192, path), AccessMethod::kSyscall);
  EXPECT_EQ(again->load(0x100, 8), 0x1122334455667788ULL);
  unlink(path.c_str());
}

TEST(SimBar, UnopenablePathIsADeviceErrorNamingThePath) {
  try {
    SimBar::open(sim_spec(4096, "/nonexistent-dir/bar"), AccessMethod::kMmap);
    FAIL() << "expected DeviceError";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/bar"), std::string::npos) << e.what();
  }
}

TEST(SimBar, SyscallReadBeyondATruncatedFileIsADeviceError) {
  std::string path = temp_path("simbar-trunc");
  auto bar = SimBar::open(sim_spec(8192, path), AccessMethod::kSyscall);
  ASSERT_EQ(truncate(path.c_str(), 0), 0);
  EXPECT_THROW(bar->load(0x100, 8), DeviceError);
  unlink(path.c_str());
}

TEST(SimBar, DeletedOrTruncatedBackingFileIsNotPresent) {
  std::string path = temp_path("simbar-gone");
  auto bar = SimBar::open(sim_spec(8192, path), AccessMethod::kMmap);
  EXPECT_NO_THROW(bar->check_present());
  ASSERT_EQ(truncate(path.c_str(), 4096), 0);
  EXPECT_THROW(bar->check_present(), DeviceError);
  ASSERT_EQ(unlink(path.c_str()), 0);
  try {
    bar->check_present();
    FAIL();
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("was deleted"), std::string::npos) << e.what();
  }
  auto anonymous = SimBar::open(sim_spec(4096, ""), AccessMethod::kMmap);
  EXPECT_NO_THROW(anonymous->check_present());
}

// Every open() that throws must leave as many descriptors open as before and no mapping of the
// backing file behind.
template <typename Exception>
void expect_open_throws_and_leaks_nothing(const SimSpec& spec) {
  const std::size_t fds_before = testing::open_fd_count();
  EXPECT_THROW(SimBar::open(spec, AccessMethod::kMmap), Exception);
  EXPECT_EQ(testing::open_fd_count(), fds_before);
  if (!spec.path.empty()) {
    EXPECT_TRUE(testing::mappings_of(spec.path).empty());
  }
}

// The constructor itself throws after the file is open and mapped: every BusErrorGuard slot is
// taken, so the SimBar's guard (its last member) cannot register.
TEST(SimBar, AConstructorThatThrowsClosesTheFileAndUnmapsIt) {
  std::string path = temp_path("simbar-ctor-throws");
  char somewhere[1];
  std::vector<std::unique_ptr<BusErrorGuard>> taken;
  try {
    for (;;) taken.push_back(std::make_unique<BusErrorGuard>(somewhere, sizeof(somewhere)));
  } catch (const std::runtime_error&) {
  }
  expect_open_throws_and_leaks_nothing<std::runtime_error>(sim_spec(8192, path));
  taken.clear();
  auto bar = SimBar::open(sim_spec(8192, path), AccessMethod::kMmap);  // the slots are free again
  EXPECT_EQ(testing::mappings_of(path).size(), 1u);
  unlink(path.c_str());
}

// A FIFO opens read-write but cannot be sized: ftruncate fails after the open succeeded.
TEST(SimBar, ABackingFileThatCannotBeSizedIsClosedAgain) {
  std::string path = temp_path("simbar-fifo");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  expect_open_throws_and_leaks_nothing<DeviceError>(sim_spec(8192, path));
  unlink(path.c_str());
}

// A zero-byte BAR cannot be mapped (mmap refuses a zero length) after the memfd was created.
TEST(SimBar, ABackingThatCannotBeMappedIsClosedAgain) {
  expect_open_throws_and_leaks_nothing<DeviceError>(sim_spec(0, ""));
}

}  // namespace
}  // namespace pcie_bar
