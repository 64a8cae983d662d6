#pragma once
// Real credentials for TLS and basic-auth tests, made fresh per run.

#include <string>

namespace pcie_bar::testing {

// A bcrypt hash of `password` ($2b$, cost 4 to keep tests fast).
std::string bcrypt_hash(const std::string& password);

struct CertFiles {
  std::string cert, key;
};
// A self-signed certificate for 127.0.0.1 made with the openssl CLI in `dir`.
CertFiles self_signed_cert(const std::string& dir);

}  // namespace pcie_bar::testing
