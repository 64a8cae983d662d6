#pragma once
// Survives SIGBUS on BAR mappings. A device that vanishes under an mmap (surprise removal, a
// sim file truncated) makes the next access raise SIGBUS, which would kill the process. As SPDK
// does, a SIGBUS handler that finds the faulting address inside a registered mapping maps
// anonymous memory over the whole mapping (MAP_FIXED), sets that mapping's `faulted` flag and
// returns: the access is retried against harmless memory, the sweep sees the flag after the
// op, and the run ends with an error while the process keeps serving. Nothing longjmps, so no
// destructor is skipped. A SIGBUS anywhere else gets the default action (a crash with a core).

#include <atomic>
#include <cstddef>

namespace pcie_bar {

class BusErrorGuard {
 public:
  // Registers [base, base+len); installs the SIGBUS handler on first use.
  BusErrorGuard(void* base, std::size_t len);
  ~BusErrorGuard();
  BusErrorGuard(const BusErrorGuard&) = delete;
  BusErrorGuard& operator=(const BusErrorGuard&) = delete;

  // True once an access to the mapping raised SIGBUS; its contents are meaningless from then on.
  bool faulted() const { return faulted_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> faulted_{false};
  int slot_ = -1;
};

}  // namespace pcie_bar
