#pragma once
// One pread/pwrite of 1, 2, 4 or 8 bytes: the syscall access path shared by backends whose
// BAR is reachable through a file descriptor (vfio device fd, sim file).

#include <cstdint>

namespace pcie_bar {

// `fd_offset` is where the BAR byte sits in the file; `who` names the backend in errors.
// Both throw DeviceError on a short or failed transfer.
uint64_t pread_exact(int fd, uint64_t fd_offset, unsigned width, const char* who);
void pwrite_exact(int fd, uint64_t fd_offset, unsigned width, uint64_t value, const char* who);

}  // namespace pcie_bar
