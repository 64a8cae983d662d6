#include "exporter/http/basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>

namespace pcie_bar {

namespace {

constexpr std::size_t kMaxCached = 1024;

std::array<unsigned char, 32> cache_key(const std::string& user, const std::string& password, const std::string& hash) {
  std::string material = user + '\0' + password + '\0' + hash;
  std::array<unsigned char, 32> digest{};
  unsigned int len = 0;
  EVP_Digest(material.data(), material.size(), digest.data(), &len, EVP_sha256(), nullptr);
  OPENSSL_cleanse(material.data(), material.size());
  return digest;
}

bool bcrypt_matches(const std::string& password, const std::string& hash) {
  crypt_data data{};
  const char* out = crypt_r(password.c_str(), hash.c_str(), &data);
  return out != nullptr && std::strlen(out) == hash.size() && CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
}

}  // namespace

bool base64_decode(const std::string& in, std::string& out) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out.clear();
  if (in.size() % 4 != 0) return false;
  uint32_t acc = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '=') {
      if (i < in.size() - 2) return false;
      ++padding;
      continue;
    }
    if (padding) return false;
    auto pos = alphabet.find(c);
    if (pos == std::string::npos) return false;
    acc = (acc << 6) | static_cast<uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return true;
}

bool BasicAuth::allows(const std::string& authorization) {
  if (users_.empty()) return true;
  const std::string scheme = "Basic ";
  if (authorization.compare(0, scheme.size(), scheme) != 0) return false;
  std::string decoded;
  if (!base64_decode(authorization.substr(scheme.size()), decoded)) return false;
  auto colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  std::string user = decoded.substr(0, colon), password = decoded.substr(colon + 1);
  auto it = users_.find(user);
  if (it == users_.end()) {
    bcrypt_matches(password, users_.begin()->second);  // same cost as for a known user: no user enumeration by timing
    return false;
  }
  auto key = cache_key(user, password, it->second);
  {
    std::lock_guard lock(mu_);
    if (good_.count(key)) return true;
  }
  if (!bcrypt_matches(password, it->second)) return false;
  std::lock_guard lock(mu_);
  if (good_.size() >= kMaxCached) good_.clear();
  good_.insert(key);
  return true;
}

}  // namespace pcie_bar
