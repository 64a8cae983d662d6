#include "tests/support/credentials.h"

#include <crypt.h>

#include <stdexcept>

#include "tests/support/run_command.h"

namespace pcie_bar::testing {

std::string bcrypt_hash(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt)) throw std::runtime_error("crypt_gensalt_rn failed");
  crypt_data data{};
  const char* h = crypt_r(password.c_str(), salt, &data);
  if (!h || h[0] == '*') throw std::runtime_error("crypt_r failed");
  return h;
}

CertFiles self_signed_cert(const std::string& dir) {
  CertFiles f{dir + "/server.crt", dir + "/server.key"};
  auto r = run_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", f.key, "-out", f.cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"});
  if (r.exit_code != 0) throw std::runtime_error("openssl req failed: " + r.err);
  return f;
}

}  // namespace pcie_bar::testing
