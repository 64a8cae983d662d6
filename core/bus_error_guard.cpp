#include "core/bus_error_guard.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
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

// Only lock-free atomic operations may be used in a signal handler ([support.signal]): a
// lock-based one could wait forever on a lock that the interrupted code holds.
static_assert(std::atomic<uintptr_t>::is_always_lock_free, "the SIGBUS handler reads slot bounds");
static_assert(std::atomic<std::atomic<bool>*>::is_always_lock_free, "the SIGBUS handler reads a slot's flag pointer");
static_assert(std::atomic<bool>::is_always_lock_free, "the SIGBUS handler sets a guard's faulted flag");

// Async-signal-safe output: write(2) of fixed text and numbers formatted by hand (snprintf
// and strerror are not async-signal-safe).
class SignalSafeMessage {
 public:
  SignalSafeMessage& text(const char* s) {
    while (*s && len_ < sizeof(buf_)) buf_[len_++] = *s++;
    return *this;
  }
  SignalSafeMessage& number(uintmax_t v, unsigned base) {
    char digits[32];
    unsigned n = 0;
    do {
      digits[n++] = "0123456789abcdef"[v % base];
      v /= base;
    } while (v != 0 && n < sizeof(digits));
    while (n > 0 && len_ < sizeof(buf_)) buf_[len_++] = digits[--n];
    return *this;
  }
  void write_to_stderr() const {
    // Nothing better to do if stderr is gone; the process ends right after.
    [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, buf_, len_);
  }

 private:
  char buf_[256];
  std::size_t len_ = 0;
};

// SIG_DFL for SIGBUS: the access the handler returns to raises SIGBUS again and the default
// action ends the process (with a core dump, where enabled).
void restore_default_action(int sig) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
}

// The replacement failed (ENOMEM: RLIMIT_AS or the memory cgroup's limit, vm.max_map_count).
// Returning as usual would retry the access against the same vanished mapping, fault again and
// loop forever; a longjmp would skip destructors and leave locks held. So the process ends the
// way an unguarded SIGBUS ends it, after a line saying why: the default action is restored and
// the handler returns, the retried access faults again and the kernel kills the process with
// SIGBUS (if the failed mmap already dropped the old mapping, the retry is a SIGSEGV instead,
// equally fatal). Nothing here loops, and only async-signal-safe calls are made.
void die_after_failed_remap(int sig, uintptr_t begin, uintptr_t end, int mmap_errno) {
  SignalSafeMessage()
      .text("pcie_bar_exporter: SIGBUS in the BAR mapping 0x")
      .number(begin, 16)
      .text("-0x")
      .number(end, 16)
      .text(" and replacing it with anonymous memory failed (mmap errno ")
      .number(static_cast<unsigned>(mmap_errno), 10)
      .text(
          "); ending the process with SIGBUS. Check the process's memory limits (RLIMIT_AS, "
          "the cgroup's memory.max, vm.max_map_count).\n")
      .write_to_stderr();
  restore_default_action(sig);
}

// Maps anonymous memory over the slot's whole mapping; false (errno set) when mmap refused.
bool replace_with_anonymous_memory(uintptr_t begin, uintptr_t end) {
  // mmap is a plain system call here, safe in a handler; the mapping stays reserved, so no
  // other mapping can land in its place before its owner unmaps it.
  // The address is the faulting mapping's, kept as an integer in the lock-free slot table.
  void* at = reinterpret_cast<void*>(begin);  // NOLINT(performance-no-int-to-ptr)
  void* p = mmap(at, end - begin, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p != MAP_FAILED;
}

void handle_sigbus(int sig, uintptr_t addr) {
  for (Slot& s : g_slots) {
    const uintptr_t begin = s.begin.load(std::memory_order_acquire);
    const uintptr_t end = s.end.load(std::memory_order_relaxed);
    if (begin == 0 || addr < begin || addr >= end) continue;
    if (!replace_with_anonymous_memory(begin, end)) return die_after_failed_remap(sig, begin, end, errno);
    s.faulted.load()->store(true, std::memory_order_relaxed);
    return;
  }
  restore_default_action(sig);  // not ours: let the retried access crash the process as usual
}

// The interrupted code may be between a failing call and its read of errno: whatever the
// handler's own calls leave in errno must not reach it.
void on_sigbus(int sig, siginfo_t* info, void*) {
  const int saved_errno = errno;
  handle_sigbus(sig, reinterpret_cast<uintptr_t>(info->si_addr));
  errno = saved_errno;
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
