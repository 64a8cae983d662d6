#pragma once
// A server program run in the background for a test, its output discarded; stopped with
// SIGTERM and reaped when the object goes.

#include <sys/types.h>

#include <string>
#include <vector>

namespace pcie_bar::testing {

class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv);  // argv[0]: the program's path
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// A fresh directory under the test temp dir, named after `what`, this process and `owner`.
std::string fresh_test_dir(const std::string& what, const void* owner);

}  // namespace pcie_bar::testing
