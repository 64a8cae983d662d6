#include "core/verify.h"

#include <algorithm>
#include <cstring>

#include "core/block_io.h"

namespace pcie_bar {

const char* verify_status_name(VerifyStatus s) {
  switch (s) {
    case VerifyStatus::kOk: return "ok";
    case VerifyStatus::kMismatch: return "mismatch";
    case VerifyStatus::kSkipped: return "skipped";
  }
  return "?";
}

namespace {

uint64_t width_mask(unsigned width) { return width >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1; }

std::vector<std::byte> dump(BlockIo& io, uint64_t bar_size, uint64_t offset) {
  // Keep the dump's accesses aligned: start at the offset, stop at the BAR end.
  std::vector<std::byte> bytes(std::min(kDumpBytes, bar_size - offset));
  io.read(offset, bytes.data(), bytes.size());
  return bytes;
}

uint64_t read_value(BlockIo& io, uint64_t offset, unsigned width) {
  uint64_t v = 0;
  io.read(offset, &v, width);
  return v;
}

}  // namespace

VerifyResult run_verify(Bar& bar, const VerifySpec& probe, unsigned access_width, bool writes_enabled) {
  BlockIo io(bar, access_width);
  VerifyResult r;
  r.offset = probe.offset;
  r.width = probe.width;
  r.before = dump(io, bar.size(), probe.offset);
  r.original = read_value(io, probe.offset, probe.width);
  if (!writes_enabled) return r;

  r.written = probe.value & width_mask(probe.width);
  io.write(probe.offset, &r.written, probe.width);
  r.read_back = read_value(io, probe.offset, probe.width);
  r.after = dump(io, bar.size(), probe.offset);
  r.mismatch_bits = r.written ^ r.read_back;
  r.status = r.mismatch_bits == 0 ? VerifyStatus::kOk : VerifyStatus::kMismatch;
  if (probe.restore) {
    io.write(probe.offset, &r.original, probe.width);
    r.restored = true;
  }
  return r;
}

}  // namespace pcie_bar
