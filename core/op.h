#pragma once
// The three operations of a sweep, named as the config, the reports and the metrics name them.

namespace pcie_bar {

enum class Op { kRead, kWrite, kReadWrite };

const char* op_name(Op op);  // "read", "write", "rw"

}  // namespace pcie_bar
