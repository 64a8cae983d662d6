#include "config/web_config.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/config_error.h"
#include "config/yaml_scalar.h"
#include "core/errno_text.h"

namespace pcie_bar {

namespace {

std::string resolve(const std::string& base_dir, const std::string& path) {
  return path.empty() || path[0] == '/' || base_dir.empty() ? path : base_dir + "/" + path;
}

std::string readable_file(const YamlField& f, const std::string& base_dir) {
  std::string path = resolve(base_dir, f.str());
  if (access(path.c_str(), R_OK) != 0) f.fail("cannot read " + path + ": " + errno_text());
  return path;
}

}  // namespace

WebConfig parse_web_config(const std::string& yaml_text, const std::string& source, const std::string& base_dir) {
  YAML::Node root = load_yaml(yaml_text, source);
  WebConfig cfg;
  YamlField top(root, "", source);
  if (!top.present()) return cfg;  // an empty web config means plain HTTP, no auth
  top.expect_keys({"tls_server_config", "basic_auth_users"});
  if (YamlField tls = top["tls_server_config"]; tls.present()) {
    tls.expect_keys({"cert_file", "key_file"});
    cfg.cert_file = readable_file(tls["cert_file"], base_dir);
    cfg.key_file = readable_file(tls["key_file"], base_dir);
  }
  if (YamlField users = top["basic_auth_users"]; users.present()) {
    if (!users.is_map()) users.fail("expected a mapping of user names to bcrypt hashes");
    static const std::regex bcrypt("^\\$2[aby]\\$[0-9]{2}\\$[./A-Za-z0-9]{53}$");
    for (const auto& kv : root["basic_auth_users"]) {
      std::string user = kv.first.Scalar();
      YamlField hash = users[user];
      if (user.empty() || user.find(':') != std::string::npos)
        hash.fail("user names must be non-empty and without ':'");
      if (!std::regex_match(hash.str(), bcrypt)) hash.fail("not a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters)");
      cfg.basic_auth_users[user] = hash.str();
    }
  }
  return cfg;
}

WebConfig load_web_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open the web config file: " + errno_text());
  std::ostringstream text;
  text << in.rdbuf();
  auto slash = path.rfind('/');
  return parse_web_config(text.str(), path, slash == std::string::npos ? "" : path.substr(0, slash));
}

}  // namespace pcie_bar
