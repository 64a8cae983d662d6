#pragma once
// Content negotiation for /metrics (RFC 9110, section 12.5.3).

#include <string_view>

namespace pcie_bar {

// Whether an Accept-Encoding header value accepts gzip: a "gzip" (or "x-gzip") or "*" coding
// whose q-value is not 0. An explicit gzip entry wins over "*".
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace pcie_bar
