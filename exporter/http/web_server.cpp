#include "exporter/http/web_server.h"

#include <CivetServer.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <thread>

#include "config/config_error.h"
#include "exporter/common/log.h"
#include "exporter/common/version.h"
#include "exporter/http/basic_auth.h"
#include "exporter/http/kept_connections.h"
#include "exporter/http/listen_address.h"
#include "exporter/http/request_headers.h"

namespace pcie_bar {

namespace {

KeptConnections& kept_connections(mg_connection* conn);

// Keeps the connection when the client asks to (Prometheus does) and there is room among the
// kept connections (kept_connections.h says why they are kept and bounded); closes it after a
// refused login. The headers are written here, not by civetweb's mg_response_header_send: in
// civetweb 1.15 that calls gmtime(), whose shared buffer concurrent responses race on
// (ThreadSanitizer caught it under load).
void respond(mg_connection* conn, int status, const std::string& content_type, const std::string& body,
             const std::string& extra_headers = "") {
  const char* version = mg_get_request_info(conn)->http_version;
  const bool keep = status != 401 && keeps_connection(mg_get_header(conn, "Connection"), version ? version : "") &&
                    kept_connections(conn).keep(conn);
  if (!keep) mg_disable_connection_keep_alive(conn);
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n%s"
            "Connection: %s\r\n\r\n",
            status, mg_get_response_code_text(conn, status), content_type.c_str(), body.size(), extra_headers.c_str(),
            keep ? "keep-alive" : "close");
  mg_write(conn, body.data(), body.size());
}

// Handlers answer GET only; everything else is 405, so no method can trigger work.
class GetOnlyHandler : public CivetHandler {
 public:
  bool handlePost(CivetServer*, mg_connection* c) override { return not_allowed(c); }
  bool handleHead(CivetServer*, mg_connection* c) override { return not_allowed(c); }
  bool handlePut(CivetServer*, mg_connection* c) override { return not_allowed(c); }
  bool handleDelete(CivetServer*, mg_connection* c) override { return not_allowed(c); }
  bool handleOptions(CivetServer*, mg_connection* c) override { return not_allowed(c); }
  bool handlePatch(CivetServer*, mg_connection* c) override { return not_allowed(c); }

 private:
  static bool not_allowed(mg_connection* c) {
    respond(c, 405, "text/plain; charset=utf-8", "Method Not Allowed\n", "Allow: GET\r\n");
    return true;
  }
};

constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kProtobufContentType =
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

// /metrics in the format the scraper's Accept header asks for (request_headers.h), gzipped when
// it accepts that: one of the four finished bodies of the current page, never rendered here.
class MetricsHandler : public GetOnlyHandler {
 public:
  explicit MetricsHandler(MetricsSource metrics) : metrics_(std::move(metrics)) {}
  bool handleGet(CivetServer*, mg_connection* conn) override {
    std::shared_ptr<const ExpositionPage> page = metrics_();
    const char* accept = mg_get_header(conn, "Accept");
    const char* accept_encoding = mg_get_header(conn, "Accept-Encoding");
    const bool protobuf = wants_protobuf(accept ? accept : "");
    const bool gzipped = accepts_gzip(accept_encoding ? accept_encoding : "");
    const std::string& body =
        protobuf ? (gzipped ? page->protobuf_gzipped : page->protobuf) : (gzipped ? page->gzipped : page->text);
    respond(conn, 200, protobuf ? kProtobufContentType : kTextContentType, body,
            std::string(gzipped ? "Content-Encoding: gzip\r\n" : "") + "Vary: Accept, Accept-Encoding\r\n");
    return true;
  }

 private:
  MetricsSource metrics_;
};

class TextHandler : public GetOnlyHandler {
 public:
  explicit TextHandler(std::function<std::pair<int, std::string>()> answer) : answer_(std::move(answer)) {}
  bool handleGet(CivetServer*, mg_connection* conn) override {
    auto [status, text] = answer_();
    respond(conn, status, "text/plain; charset=utf-8", text + "\n");
    return true;
  }

 private:
  std::function<std::pair<int, std::string>()> answer_;
};

class LandingHandler : public GetOnlyHandler {
 public:
  explicit LandingHandler(std::string telemetry_path) : path_(std::move(telemetry_path)) {}
  bool handleGet(CivetServer*, mg_connection* conn) override {
    const mg_request_info* info = mg_get_request_info(conn);
    if (std::string(info->local_uri) != "/") {
      respond(conn, 404, "text/plain; charset=utf-8", "Not Found\n");
      return true;
    }
    respond(conn, 200, "text/html; charset=utf-8",
            "<!DOCTYPE html><html><head><title>pcie_bar_exporter</title></head><body>"
            "<h1>pcie_bar_exporter</h1><p>Version " +
                std::string(kVersion) + " (revision " + kRevision + ")</p><p><a href=\"" + path_ +
                "\">Metrics</a> &middot; <a href=\"/-/healthy\">Health</a> &middot; "
                "<a href=\"/-/ready\">Readiness</a></p><p>Metrics come from the last completed run of each device; "
                "scrapes never access a device.</p></body></html>\n");
    return true;
  }

 private:
  std::string path_;
};

class AuthHandler : public CivetAuthHandler {
 public:
  explicit AuthHandler(BasicAuth& auth) : auth_(auth) {}
  bool authorize(CivetServer*, mg_connection* conn) override {
    const char* header = mg_get_header(conn, "Authorization");
    if (auth_.allows(header ? header : "")) return true;
    respond(conn, 401, "text/plain; charset=utf-8", "Unauthorized\n",
            "WWW-Authenticate: Basic realm=\"pcie_bar_exporter\"\r\n");
    return false;
  }

 private:
  BasicAuth& auth_;
};

}  // namespace

// What civetweb's C callbacks reach through CivetServer's user context.
struct WebServer::State {
  WebConfig web;
  std::string self_address;
  // civetweb's first complaint while starting (why it could not listen); written only during
  // construction, so no civetweb worker thread writes it concurrently.
  std::atomic<bool> starting{true};
  std::string startup_error;
  std::unique_ptr<BasicAuth> auth;
  std::unique_ptr<MetricsHandler> metrics;
  std::unique_ptr<TextHandler> healthy, ready;
  std::unique_ptr<LandingHandler> landing;
  std::unique_ptr<AuthHandler> auth_handler;
  std::unique_ptr<KeptConnections> kept;
};

namespace {

WebServer::State* state_of(void* civet_server) {
  auto* server = static_cast<CivetServer*>(civet_server);
  return static_cast<WebServer::State*>(const_cast<void*>(server->getUserContext()));
}

WebServer::State* state_of(const mg_connection* conn) { return state_of(mg_get_user_data(mg_get_context(conn))); }

void connection_closed(const mg_connection* conn) { state_of(conn)->kept->closed(conn); }

// Loads cert and key ourselves: exporter-toolkit keeps them in two files, civetweb wants one.
int init_ssl(void* ssl_ctx, void* user_data) {
  WebServer::State* s = state_of(user_data);
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  if (SSL_CTX_use_certificate_chain_file(ctx, s->web.cert_file.c_str()) != 1) {
    s->startup_error = "cannot load TLS certificate " + s->web.cert_file;
    return -1;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, s->web.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    s->startup_error = "cannot load TLS key " + s->web.key_file + " (or it does not match the certificate)";
    return -1;
  }
  return 1;  // done: civetweb must not look for its own ssl_certificate option
}

int log_message(const mg_connection* conn, const char* message) {
  if (mg_get_context(conn)) {
    WebServer::State* s = state_of(conn);
    if (s->starting && s->startup_error.empty()) {
      s->startup_error = message;
      while (!s->startup_error.empty() && std::isspace(static_cast<unsigned char>(s->startup_error.back())))
        s->startup_error.pop_back();
    }
  }
  log_event(LogLevel::kDebug, "civetweb", {{"detail", message}});
  return 1;
}

// civetweb 1.15 checks its stop flag only when poll() on the listening sockets returns, which
// it does every 2 s when idle; a connection makes it return at once. Without this, a SIGTERM
// could take up to 2 s to finish.
void poke(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos;
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_storage ss{};
  socklen_t len;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET6, host.c_str(), &a->sin6_addr);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &a->sin_addr);
    len = sizeof *a;
  }
  // Best effort: if the poke fails, shutdown waits for civetweb's poll quantum instead.
  (void)connect(fd, reinterpret_cast<sockaddr*>(&ss), len);
  close(fd);
}

// Where this process can reach its own listener: the loopback address for wildcard binds.
std::string self_address(const std::string& listen_address) {
  std::string host = listen_address.substr(0, listen_address.rfind(':'));
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host.front() == '[') host = host.substr(1, host.size() - 2);
  return host == "::" ? "::1" : host;
}

KeptConnections& kept_connections(mg_connection* conn) { return *state_of(conn)->kept; }

}  // namespace

void check_telemetry_path(const std::string& path) {
  if (path.size() < 2 || path[0] != '/' || path.rfind("/-/", 0) == 0 || path.find_first_of(" ?#*") != std::string::npos)
    throw ConfigError("--web.telemetry-path: '" + path + "' must start with / and not be / or under /-/");
}

WebServer::WebServer(const WebOptions& o, MetricsSource metrics, std::function<bool()> ready)
    : state_(std::make_unique<State>()) {
  check_telemetry_path(o.telemetry_path);
  state_->web = o.web;
  state_->self_address = self_address(o.listen_address);
  state_->auth = std::make_unique<BasicAuth>(o.web.basic_auth_users);
  state_->kept = std::make_unique<KeptConnections>(o.kept_connections);
  std::vector<std::string> options = {
      "listening_ports",       civetweb_listening_port(o.listen_address, o.web.tls()),
      "num_threads",           std::to_string(o.threads + o.kept_connections),
      "request_timeout_ms",    std::to_string(o.request_timeout_ms),
      "enable_keep_alive",     "yes",
      "tcp_nodelay",           "1",   // headers and body are two writes: without it, Nagle and delayed ACK add 40 ms
      "keep_alive_timeout_ms", "-1",  // never close a kept connection on the client (kept_connections.h)
  };
  if (o.web.tls()) options.insert(options.end(), {"ssl_protocol_version", "4"});  // TLS 1.2 or newer
  CivetCallbacks callbacks{};
  callbacks.init_ssl = init_ssl;
  callbacks.log_message = log_message;
  callbacks.connection_close = connection_closed;
  try {
    server_ = std::make_unique<CivetServer>(options, &callbacks, state_.get());
  } catch (const CivetException&) {
    throw ConfigError("--web.listen-address: cannot serve on " + o.listen_address + ": " +
                      (state_->startup_error.empty() ? "civetweb could not start" : state_->startup_error));
  }
  state_->starting = false;
  state_->metrics = std::make_unique<MetricsHandler>(std::move(metrics));
  state_->healthy = std::make_unique<TextHandler>([] { return std::pair{200, std::string("Healthy")}; });
  state_->ready = std::make_unique<TextHandler>([ready = std::move(ready)] {
    return ready() ? std::pair{200, std::string("Ready")}
                   : std::pair{503, std::string("Not ready: first runs pending")};
  });
  state_->landing = std::make_unique<LandingHandler>(o.telemetry_path);
  server_->addHandler(o.telemetry_path, *state_->metrics);
  server_->addHandler("/-/healthy", *state_->healthy);
  server_->addHandler("/-/ready", *state_->ready);
  server_->addHandler("/", *state_->landing);
  if (state_->auth->enabled()) {
    state_->auth_handler = std::make_unique<AuthHandler>(*state_->auth);
    server_->addAuthHandler("/", *state_->auth_handler);
  }
}

WebServer::~WebServer() {
  if (!server_) return;
  std::vector<int> ports = server_->getListeningPorts();
  std::atomic<bool> closed{false};
  std::thread waker([&] {
    while (!closed) {
      for (int port : ports) poke(state_->self_address, port);
      wake_idle_connections(ports);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  server_->close();
  closed = true;
  waker.join();
}

std::vector<int> WebServer::ports() const { return server_->getListeningPorts(); }

}  // namespace pcie_bar
