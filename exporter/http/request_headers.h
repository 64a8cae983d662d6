#pragma once
// The request headers the server's answers depend on: Accept-Encoding (content negotiation,
// RFC 9110 section 12.5.3) and Connection (persistence, RFC 9112 section 9.3).

#include <string_view>

namespace pcie_bar {

// Whether an Accept-Encoding header value accepts gzip: a "gzip" (or "x-gzip") or "*" coding
// whose q-value is not 0. An explicit gzip entry wins over "*".
bool accepts_gzip(std::string_view accept_encoding);

// Whether the client wants its connection kept after the response, by the rule civetweb
// applies once a handler returns: a Connection header with the "keep-alive" option keeps it,
// any other Connection header closes it; without one, HTTP/1.1 keeps it and 1.0 closes it.
// `connection` is null when the request has no Connection header.
bool keeps_connection(const char* connection, std::string_view http_version);

}  // namespace pcie_bar
