#pragma once
// The request headers the server's answers depend on: Accept and Accept-Encoding (content
// negotiation, RFC 9110 sections 12.5.1 and 12.5.3) and Connection (persistence, RFC 9112
// section 9.3).

#include <string_view>

namespace pcie_bar {

// Whether an Accept-Encoding header value accepts gzip: a "gzip" (or "x-gzip") or "*" coding
// whose q-value is not 0. An explicit gzip entry wins over "*".
bool accepts_gzip(std::string_view accept_encoding);

// Whether an Accept header value asks for the protobuf exposition format: an
// application/vnd.google.protobuf range with proto=io.prometheus.client.MetricFamily and
// encoding=delimited, whose q-value is not 0 and not below that of the text format (the most
// specific of text/plain, text/* and */* present). Anything else gets the text format, which
// every scraper reads; a bare */* never selects protobuf.
bool wants_protobuf(std::string_view accept);

// Whether the client wants its connection kept after the response, by the rule civetweb
// applies once a handler returns: a Connection header with the "keep-alive" option keeps it,
// any other Connection header closes it; without one, HTTP/1.1 keeps it and 1.0 closes it.
// `connection` is null when the request has no Connection header.
bool keeps_connection(const char* connection, std::string_view http_version);

}  // namespace pcie_bar
