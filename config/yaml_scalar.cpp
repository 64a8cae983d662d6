#include "config/yaml_scalar.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <vector>

#include <yaml-cpp/depthguard.h>

#include "config/config_error.h"

namespace pcie_bar {

namespace {

// Levenshtein distance, for "did you mean" on misspelt keys.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string node_kind(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing";
  return "'" + n.Scalar() + "'";
}

}  // namespace

YAML::Node load_yaml(const std::string& text, const std::string& source) {
  auto where = [&](const YAML::Mark& m) {
    return m.is_null() ? source : source + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
  };
  try {
    return YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {  // its own message wrongly says "bad file"
    throw ConfigError(where(e.mark) + ": YAML nested more than " + std::to_string(e.depth() - 1) + " levels deep");
  } catch (const YAML::Exception& e) {
    throw ConfigError(where(e.mark) + ": YAML syntax error: " + e.msg);
  }
}

bool parse_u64(const std::string& text, uint64_t& out) {
  const bool is_hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const char* first = text.data() + (is_hex ? 2 : 0);
  const char* last = text.data() + text.size();
  if (first == last || *first == '+' || *first == '-') return false;
  auto [end, ec] = std::from_chars(first, last, out, is_hex ? 16 : 10);
  return ec == std::errc() && end == last;
}

std::string YamlField::where() const {
  std::string at = source_;
  if (mark_.line >= 0) at += ":" + std::to_string(mark_.line + 1) + ":" + std::to_string(mark_.column + 1);
  return path_.empty() ? at : at + ": " + path_;
}

void YamlField::fail(const std::string& problem) const { throw ConfigError(where() + ": " + problem); }

YamlField YamlField::operator[](const std::string& key) const {
  std::string child_path = path_.empty() ? key : path_ + "." + key;
  YAML::Node child = is_map() ? node_[key] : YAML::Node(YAML::NodeType::Undefined);
  YAML::Mark mark = child.IsDefined() ? child.Mark() : mark_;
  return YamlField(child, child_path, source_, mark);
}

YamlField YamlField::at(std::size_t index) const {
  YAML::Node child = is_sequence() && index < node_.size() ? node_[index] : YAML::Node(YAML::NodeType::Undefined);
  YAML::Mark mark = child.IsDefined() ? child.Mark() : mark_;
  return YamlField(child, path_ + "[" + std::to_string(index) + "]", source_, mark);
}

std::size_t YamlField::length() const {
  if (!is_sequence()) fail("expected a list, got " + (node_.IsDefined() ? node_kind(node_) : std::string("nothing")));
  return node_.size();
}

void YamlField::expect_keys(std::initializer_list<const char*> allowed) const {
  if (!is_map()) fail("expected a mapping, got " + (node_.IsDefined() ? node_kind(node_) : std::string("nothing")));
  std::set<std::string> seen;
  for (const auto& kv : node_) {
    YAML::Node key_node = kv.first;
    if (!key_node.IsScalar()) {
      YamlField(key_node, path_, source_, key_node.Mark()).fail("keys must be plain names");
    }
    const std::string& key = key_node.Scalar();
    const std::string key_path = path_.empty() ? key : path_ + "." + key;
    YamlField at_key(key_node, key_path, source_, key_node.Mark());
    if (!seen.insert(key).second) at_key.fail("key given twice");
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      std::string best, all;
      std::size_t best_d = 3;  // only suggest close matches
      for (const char* a : allowed) {
        all += std::string(all.empty() ? "" : ", ") + a;
        if (std::size_t d = edit_distance(key, a); d < best_d) best_d = d, best = a;
      }
      at_key.fail("unknown key" + (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; known keys: " + all);
    }
  }
}

std::string YamlField::scalar(const char* expected) const {
  if (!node_.IsDefined()) fail(std::string("required: ") + expected);
  if (!node_.IsScalar()) fail(std::string("expected ") + expected + ", got " + node_kind(node_));
  return node_.Scalar();
}

uint64_t YamlField::u64(uint64_t max) const {
  std::string text = scalar("a non-negative integer");
  uint64_t v = 0;
  if (!parse_u64(text, v)) {
    bool looks_numeric = !text.empty() && (std::isdigit(static_cast<unsigned char>(text.back())) || text[0] == '-' ||
                                           text.rfind("0x", 0) == 0);
    fail(
        "'" + text + "' is not " +
        (looks_numeric ? "a non-negative integer that fits in 64 bits" : "a non-negative integer (decimal or 0x-hex)"));
  }
  if (v > max) fail(text + " is too large (at most " + std::to_string(max) + ")");
  return v;
}

uint64_t YamlField::size() const {
  std::string text = scalar("a size in bytes");
  constexpr std::pair<const char*, uint64_t> kSuffixes[] = {
      {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}};
  for (auto [suffix, scale] : kSuffixes) {
    std::string s(suffix);
    if (text.size() > s.size() && text.compare(text.size() - s.size(), s.size(), s) == 0) {
      uint64_t n = 0;
      if (!parse_u64(text.substr(0, text.size() - s.size()), n) || n > UINT64_MAX / scale)
        fail("'" + text + "' is not a size (an integer, or an integer with KiB, MiB or GiB)");
      return n * scale;
    }
  }
  uint64_t v = 0;
  if (!parse_u64(text, v)) fail("'" + text + "' is not a size (an integer, or an integer with KiB, MiB or GiB)");
  return v;
}

bool YamlField::boolean() const {
  std::string text = scalar("true or false");
  if (text == "true") return true;
  if (text == "false") return false;
  fail("'" + text + "' is not true or false");
}

std::string YamlField::str() const { return scalar("a string"); }

}  // namespace pcie_bar
