#pragma once
// --web.config.file, in the format of Prometheus' exporter-toolkit:
//   tls_server_config: {cert_file: server.crt, key_file: server.key}
//   basic_auth_users: {alice: $2y$10$...}        # bcrypt hashes
// Relative paths are relative to the web config file's directory, as in exporter-toolkit.

#include <map>
#include <string>

namespace pcie_bar {

struct WebConfig {
  std::string cert_file, key_file;                      // both empty: plain HTTP
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
  bool tls() const { return !cert_file.empty(); }
};

// Throws ConfigError naming the file, line, column and key.
WebConfig load_web_config(const std::string& path);
WebConfig parse_web_config(const std::string& yaml_text, const std::string& source, const std::string& base_dir);

}  // namespace pcie_bar
