#pragma once
// strerror() may return a buffer shared by all threads (POSIX does not require it to be thread
// safe), and device workers build error messages concurrently: this is the thread-safe form.

#include <cerrno>
#include <cstring>
#include <string>

namespace pcie_bar {

inline std::string errno_text(int err = errno) {
  char buf[128];
  // GNU strerror_r: returns the message, in `buf` or in static storage that is never written.
  return strerror_r(err, buf, sizeof buf);
}

}  // namespace pcie_bar
