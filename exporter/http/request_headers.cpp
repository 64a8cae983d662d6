#include "exporter/http/request_headers.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace pcie_bar {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The part before the first `sep`, and the part after it (empty when there is no `sep`).
std::pair<std::string_view, std::string_view> split_at(std::string_view s, char sep) {
  std::size_t at = s.find(sep);
  if (at == std::string_view::npos) return {s, {}};
  return {s.substr(0, at), s.substr(at + 1)};
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// The q-value among the parameters of one element ("q=0.5;x=y"): 1 when absent.
double q_value(std::string_view params) {
  while (!params.empty()) {
    auto [param, rest] = split_at(params, ';');
    auto [name, value] = split_at(trim(param), '=');
    if (iequals(trim(name), "q")) return std::strtod(std::string(trim(value)).c_str(), nullptr);
    params = rest;
  }
  return 1;
}

// A parameter's value in "a=1;b=\"x\"" (quotes removed), or nullopt when absent.
std::optional<std::string_view> parameter(std::string_view params, std::string_view wanted) {
  while (!params.empty()) {
    auto [param, rest] = split_at(params, ';');
    auto [name, value] = split_at(trim(param), '=');
    if (iequals(trim(name), wanted)) {
      std::string_view v = trim(value);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
    params = rest;
  }
  return std::nullopt;
}

bool is_delimited_metric_families(std::string_view media_type, std::string_view params) {
  auto proto = parameter(params, "proto");
  auto encoding = parameter(params, "encoding");
  return iequals(media_type, "application/vnd.google.protobuf") && proto &&
         *proto == "io.prometheus.client.MetricFamily" && encoding && iequals(*encoding, "delimited");
}

}  // namespace

bool wants_protobuf(std::string_view header) {
  std::optional<double> protobuf, text_plain, text_any, any;
  while (!header.empty()) {
    auto [element, rest] = split_at(header, ',');
    auto [type_text, params] = split_at(element, ';');
    const std::string_view type = trim(type_text);
    const double q = q_value(params);
    if (is_delimited_metric_families(type, params))
      protobuf = std::max(protobuf.value_or(0), q);
    else if (iequals(type, "text/plain"))
      text_plain = std::max(text_plain.value_or(0), q);
    else if (iequals(type, "text/*"))
      text_any = q;
    else if (type == "*/*")
      any = q;
    header = rest;
  }
  const double text = text_plain.value_or(text_any.value_or(any.value_or(0)));
  return protobuf.value_or(0) > 0 && *protobuf >= text;
}

bool accepts_gzip(std::string_view header) {
  std::optional<bool> gzip, any;
  while (!header.empty()) {
    auto [element, rest] = split_at(header, ',');
    auto [coding_text, params] = split_at(element, ';');
    std::string_view coding = trim(coding_text);
    const bool accepted = q_value(params) > 0;
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip"))
      gzip = accepted;
    else if (coding == "*")
      any = accepted;
    header = rest;
  }
  return gzip.value_or(any.value_or(false));
}

bool keeps_connection(const char* connection, std::string_view http_version) {
  if (connection == nullptr) return http_version == "1.1";
  for (std::string_view options = connection; !options.empty();) {
    auto [option, rest] = split_at(options, ',');
    if (iequals(trim(option), "keep-alive")) return true;
    options = rest;
  }
  return false;
}

}  // namespace pcie_bar
