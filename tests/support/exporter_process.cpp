#include "tests/support/exporter_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>

#include <gtest/gtest.h>

namespace pcie_bar::testing {

ExporterProcess::ExporterProcess(std::vector<std::string> args) {
  bool has_listen = false;
  for (const auto& a : args) has_listen |= a.rfind("--web.listen-address", 0) == 0;
  if (!has_listen) args.push_back("--web.listen-address=127.0.0.1:0");
  args.insert(args.begin(), PCIE_BAR_EXPORTER_BIN);
  int p[2];
  if (pipe(p) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(p[1], 2);
    close(p[0]);
    close(p[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(p[1]);
  err_fd_ = p[0];
  reader_ = std::thread([this] {
    char buf[4096];
    for (ssize_t n; (n = read(err_fd_, buf, sizeof buf)) > 0;) {
      std::lock_guard lock(mu_);
      log_.append(buf, static_cast<size_t>(n));
    }
    std::lock_guard lock(mu_);
    eof_ = true;
  });
  if (wait_for_log("msg=listening")) {
    std::smatch m;
    std::string l = log();
    if (std::regex_search(l, m, std::regex(" port=([0-9]+)"))) port_ = std::stoi(m[1]);
  }
}

ExporterProcess::~ExporterProcess() {
  if (pid_ > 0 && exit_code_ < 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (reader_.joinable()) reader_.join();
  if (err_fd_ >= 0) close(err_fd_);
}

bool ExporterProcess::wait_for_log(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mu_);
      if (log_.find(text) != std::string::npos) return true;
      if (eof_) return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::string ExporterProcess::log() const {
  std::lock_guard lock(mu_);
  return log_;
}

void ExporterProcess::signal(int sig) const { kill(pid_, sig); }

int ExporterProcess::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (exit_code_ < 0 && std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_code_;
}

std::string write_temp_file(const std::string& name, const std::string& text) {
  static int counter = 0;
  std::string path =
      std::string(::testing::TempDir()) + "/" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace pcie_bar::testing
