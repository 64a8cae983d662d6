#pragma once
// HTTP basic authentication against bcrypt hashes (exporter-toolkit's basic_auth_users).
// bcrypt is slow on purpose (~50 ms at cost 10), so successful checks are cached by a SHA-256
// of user, password and hash: a scraper pays the cost once, not on every scrape.

#include <array>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace pcie_bar {

class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {}

  bool enabled() const { return !users_.empty(); }
  // `authorization` is the Authorization header's value, or empty when there was none.
  bool allows(const std::string& authorization);

 private:
  std::map<std::string, std::string> users_;
  std::mutex mu_;
  std::set<std::array<unsigned char, 32>> good_;
};

// RFC 4648 base64; false on malformed input.
bool base64_decode(const std::string& in, std::string& out);

}  // namespace pcie_bar
