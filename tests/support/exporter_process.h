#pragma once
// Runs pcie_bar_exporter as a child process, collects its log (stderr) line by line, and
// finds the port it listens on from its "listening" log line.

#include <sys/types.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pcie_bar::testing {

class ExporterProcess {
 public:
  // Starts the binary with `args` (plus --web.listen-address=127.0.0.1:0 unless given).
  explicit ExporterProcess(std::vector<std::string> args);
  ~ExporterProcess();

  // Waits until a log line contains `text`; false on timeout or exit.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  int port() const { return port_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  pid_t pid() const { return pid_; }
  std::string log() const;
  void signal(int sig) const;
  // Exit code (128 + signal when killed), or -1 when it did not exit within `timeout`.
  int wait_exit(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_code_ = -1;
  int err_fd_ = -1;
  mutable std::mutex mu_;
  std::string log_;
  bool eof_ = false;
  std::thread reader_;
};

// Writes `text` to a new file under the test temp dir; returns its path.
std::string write_temp_file(const std::string& name, const std::string& text);

}  // namespace pcie_bar::testing
