#include "exporter/app/signals.h"

#include <pthread.h>
#include <signal.h>

#include <cerrno>

namespace pcie_bar {

namespace {

sigset_t service_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void block_service_signals() {
  sigset_t set = service_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a scraper hanging up mid-response must not kill the process
}

ServiceSignal wait_for_service_signal() {
  sigset_t set = service_signals();
  for (;;) {
    int sig = sigwaitinfo(&set, nullptr);
    if (sig == SIGHUP) return ServiceSignal::kReload;
    if (sig == SIGTERM || sig == SIGINT) return ServiceSignal::kStop;
    // EINTR from a stray signal: keep waiting
  }
}

}  // namespace pcie_bar
