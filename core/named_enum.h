#pragma once
// An enum's one table of names: each value with the name configs, labels and JSON use and a
// one-line meaning. HELP texts, reports and "is not a ..." errors are made from the table, so a
// value added to the enum shows up everywhere, and a name cannot drift between two places.
//
// An enum opts in with a constexpr array of NamedValue in enum order and an overload
// `name_table(Enum)` returning it (found by argument-dependent lookup); is_complete_table()
// lets its header static_assert the order. A value added to the enum but not to its table is
// caught by named(): at compile time where it is evaluated so, else as a logic_error.

#include <concepts>
#include <cstddef>
#include <optional>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace pcie_bar {

template <typename Enum>
struct NamedValue {
  Enum value;
  const char* name;     // as written in configs, flags, label values and JSON: a contract, never renamed
  const char* meaning;  // one line, for HELP texts, README and reports
};

// True when entry i holds the enum value i (so name_of can index) and no name repeats.
template <typename Enum, std::size_t N>
constexpr bool is_complete_table(const NamedValue<Enum> (&table)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<std::size_t>(table[i].value) != i) return false;
    for (std::size_t j = 0; j < i; ++j)
      if (std::string_view(table[i].name) == table[j].name) return false;
  }
  return true;
}

template <typename Enum>
constexpr const NamedValue<Enum>& named(Enum e) {
  const auto table = name_table(e);
  const auto index = static_cast<std::size_t>(e);
  if (index >= table.size())
    throw std::logic_error("enum value " + std::to_string(index) + " is not in its name table");
  return table[index];
}

template <typename Enum>
constexpr const char* name_of(Enum e) {
  return named(e).name;
}

template <typename Enum>
constexpr std::optional<Enum> from_name(std::string_view name) {
  for (const NamedValue<Enum>& n : name_table(Enum{}))
    if (name == n.name) return n.value;
  return std::nullopt;
}

// The names of the values `keep` accepts (every value by default), for an error message:
// "sim, vfio, uio or sysfs".
template <typename Enum, std::predicate<Enum> Keep>
std::string names_text(Keep keep, std::string_view last_separator = " or ") {
  std::vector<const char*> names;
  for (const NamedValue<Enum>& n : name_table(Enum{}))
    if (keep(n.value)) names.push_back(n.name);
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? std::string(last_separator) : std::string(", ");
    out += names[i];
  }
  return out;
}

template <typename Enum>
std::string names_text(std::string_view last_separator = " or ") {
  return names_text<Enum>([](Enum) { return true; }, last_separator);
}

// Prints the name (in logs, and in GoogleTest's failure messages instead of a number).
template <typename Enum>
requires requires(Enum e) { name_table(e); }
std::ostream& operator<<(std::ostream& out, Enum e) { return out << name_of(e); }

}  // namespace pcie_bar
