#pragma once
// Write-verify probes: save, write a pattern, read it back, compare, restore.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bar.h"
#include "core/device_spec.h"

namespace pcie_bar {

enum class VerifyStatus { kOk, kMismatch, kSkipped };

const char* verify_status_name(VerifyStatus s);  // "ok", "mismatch", "skipped"

struct VerifyResult {
  uint64_t offset = 0;
  unsigned width = 8;
  VerifyStatus status = VerifyStatus::kSkipped;
  uint64_t original = 0;  // value before the probe wrote
  uint64_t written = 0;   // the pattern, truncated to `width` bytes
  uint64_t read_back = 0;
  uint64_t mismatch_bits = 0;  // written XOR read_back
  bool restored = false;
  // Up to kDumpBytes from `offset` (fewer at the end of the BAR), before writing and after the
  // write (before restoring), for the hex dump of the report.
  std::vector<std::byte> before, after;

  bool ok() const { return status == VerifyStatus::kOk; }
};

constexpr uint64_t kDumpBytes = 64;

// Runs one probe with accesses no wider than `access_width`. With writes disabled nothing is
// written: the result is kSkipped with only `before` filled. Throws DeviceError on failed I/O.
VerifyResult run_verify(Bar& bar, const VerifySpec& probe, unsigned access_width, bool writes_enabled);

}  // namespace pcie_bar
