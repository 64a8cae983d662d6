// Debian 12's civetweb 1.15 is built for the OpenSSL 1.1 API and looks up its OpenSSL
// functions by name after dlopen("libssl.so"). OpenSSL 3 no longer exports
// SSL_get_peer_certificate (it became a macro for SSL_get1_peer_certificate), so civetweb's
// pointer stays NULL and every TLS handshake crashes a worker thread.
//
// This library is what civetweb finds under the name "libssl.so": glibc searches the
// executable's DT_RPATH (lib/pcie_bar_exporter/) before the system directories. It depends on
// the real libssl.so.3, so every other symbol resolves there, and adds the one missing name,
// with the same semantics (both return a new reference the caller frees).
#include <openssl/ssl.h>

#undef SSL_get_peer_certificate

extern "C" __attribute__((visibility("default"))) X509* SSL_get_peer_certificate(const SSL* ssl) {
  return SSL_get1_peer_certificate(ssl);
}
