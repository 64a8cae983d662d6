#pragma once
// A YAML node together with its path in the document ("devices[0].window.size"), so that every
// value read through it can fail with one line naming file, line, column, path and problem.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>

namespace pcie_bar {

class YamlField {
 public:
  YamlField(YAML::Node node, std::string path, std::string source)
      : node_(std::move(node)), path_(std::move(path)), source_(std::move(source)), mark_(node_.Mark()) {}
  YamlField(const YamlField&) = default;
  // YAML::Node's assignment writes into the node it refers to (changing the document) and throws
  // for an absent node, so a field is never reassigned: make a new one instead.
  YamlField& operator=(const YamlField&) = delete;

  const std::string& path() const { return path_; }
  const std::string& source() const { return source_; }  // the file (or name) the document came from
  bool present() const { return node_.IsDefined() && !node_.IsNull(); }
  // yaml-cpp throws on type queries of a node that is absent: ask IsDefined() first.
  bool is_map() const { return node_.IsDefined() && node_.IsMap(); }
  bool is_sequence() const { return node_.IsDefined() && node_.IsSequence(); }

  // A child by key or by index; an absent child (or a child of an absent node) reports at the
  // position of its nearest present ancestor.
  YamlField operator[](const std::string& key) const;
  YamlField at(std::size_t index) const;
  std::size_t length() const;  // elements of a sequence; fails unless one

  // Fails unless this is a mapping whose keys are all in `allowed`, each given once.
  void expect_keys(std::initializer_list<const char*> allowed) const;

  // Typed reads; each fails with the path and the offending text when the value does not fit.
  uint64_t u64(uint64_t max = UINT64_MAX) const;  // decimal or 0x-hex
  uint64_t size() const;                          // u64, or with a KiB/MiB/GiB suffix
  bool boolean() const;
  std::string str() const;

  // "<source>:<line>:<col>: <path>", the prefix of fail()'s message, for errors found later.
  std::string where() const;
  [[noreturn]] void fail(const std::string& problem) const;

 private:
  YamlField(YAML::Node node, std::string path, std::string source, YAML::Mark mark)
      : node_(std::move(node)), path_(std::move(path)), source_(std::move(source)), mark_(mark) {}
  std::string scalar(const char* expected) const;

  YAML::Node node_;
  std::string path_;
  std::string source_;
  YAML::Mark mark_;
};

// YAML::Load with errors as one ConfigError line: "<source>:<line>:<col>: YAML syntax error: ...".
YAML::Node load_yaml(const std::string& text, const std::string& source);

// Parses an unsigned integer: decimal or 0x-prefixed hex, no sign, no overflow.
bool parse_u64(const std::string& text, uint64_t& out);

}  // namespace pcie_bar
