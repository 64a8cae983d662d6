#include "tests/support/http_client.h"

#include <curl/curl.h>

namespace pcie_bar::testing {

namespace {

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

std::string url_encode(const std::string& s) {
  char* e = curl_easy_escape(nullptr, s.c_str(), static_cast<int>(s.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

HttpResponse http(const HttpRequest& r) {
  HttpResponse out;
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  if (r.method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &out.headers);
  if (!r.accept_encoding.empty()) curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, r.accept_encoding.c_str());
  curl_slist* headers = nullptr;
  if (!r.accept.empty()) headers = curl_slist_append(headers, ("Accept: " + r.accept).c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r.timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!r.user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, r.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, r.password.c_str());
  }
  if (!r.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, r.ca_file.c_str());
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK)
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
  else
    out.error = curl_easy_strerror(rc);
  curl_easy_cleanup(c);
  curl_slist_free_all(headers);
  return out;
}

}  // namespace pcie_bar::testing
