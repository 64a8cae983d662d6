#pragma once
// gzip (RFC 1952) compression of a whole response body, for clients that accept it.

#include <string>

namespace pcie_bar {

// Level 1: exposition text is so repetitive that the fastest level already shrinks it ~17x.
std::string gzip(const std::string& data);

}  // namespace pcie_bar
