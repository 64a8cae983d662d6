#include "core/bus_error_guard.h"

#include <signal.h>
#include <sys/mman.h>

#include <cstdint>
#include <mutex>
#include <stdexcept>

namespace pcie_bar {

namespace {

// The handler reads this table without locks: each slot's fields are atomics, and a slot is
// published (begin last) only after its other fields are set.
struct Slot {
  std::atomic<uintptr_t> begin{0}, end{0};
  std::atomic<std::atomic<bool>*> faulted{nullptr};
};
constexpr int kSlots = 256;
Slot g_slots[kSlots];
std::mutex g_slots_mu;

void on_sigbus(int sig, siginfo_t* info, void*) {
  const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
  for (Slot& s : g_slots) {
    uintptr_t begin = s.begin.load(std::memory_order_acquire);
    if (begin == 0 || addr < begin || addr >= s.end.load(std::memory_order_relaxed)) continue;
    // mmap is a plain system call here, safe in a handler; the mapping stays reserved, so no
    // other mapping can land in its place before its owner unmaps it.
    mmap(reinterpret_cast<void*>(begin), s.end.load() - begin, PROT_READ | PROT_WRITE,
         MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    s.faulted.load()->store(true, std::memory_order_relaxed);
    return;
  }
  signal(sig, SIG_DFL);  // not ours: let the retried access crash the process as usual
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, nullptr);
  });
}

}  // namespace

BusErrorGuard::BusErrorGuard(void* base, std::size_t len) {
  install_handler();
  std::lock_guard lock(g_slots_mu);
  for (int i = 0; i < kSlots; ++i) {
    if (g_slots[i].begin.load() != 0) continue;
    g_slots[i].end.store(reinterpret_cast<uintptr_t>(base) + len);
    g_slots[i].faulted.store(&faulted_);
    g_slots[i].begin.store(reinterpret_cast<uintptr_t>(base), std::memory_order_release);
    slot_ = i;
    return;
  }
  throw std::runtime_error("more than 256 BAR mappings open at once");
}

BusErrorGuard::~BusErrorGuard() {
  std::lock_guard lock(g_slots_mu);
  if (slot_ >= 0) g_slots[slot_].begin.store(0, std::memory_order_release);
}

}  // namespace pcie_bar
