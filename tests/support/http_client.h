#pragma once
// A real HTTP client (libcurl) for tests against the real server.

#include <string>

namespace pcie_bar::testing {

struct HttpRequest {
  HttpRequest(std::string u = "", std::string m = "GET") : url(std::move(u)), method(std::move(m)) {}
  std::string url;
  std::string method;
  std::string user, password;   // basic auth when user is set
  std::string ca_file;          // trust this CA for https
  std::string accept_encoding;  // sent as Accept-Encoding (and decoded) when set, e.g. "gzip"
  std::string accept;           // sent as Accept when set
  long timeout_ms = 5000;
};

struct HttpResponse {
  long status = 0;      // 0 when no HTTP response arrived
  std::string body;     // decoded, when the request set accept_encoding
  std::string headers;  // the response's header block, as received
  std::string error;    // libcurl's reason when status is 0
};

HttpResponse http(const HttpRequest& request);
// Percent-encodes a query parameter value.
std::string url_encode(const std::string& s);

inline HttpResponse http_get(const std::string& url) { return http(HttpRequest(url)); }

}  // namespace pcie_bar::testing
