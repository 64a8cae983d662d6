#include "core/named_enum.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/access_method.h"
#include "core/backend.h"
#include "core/error_reason.h"

namespace pcie_bar {
namespace {

enum class Colour { kRed, kGreen };

constexpr NamedValue<Colour> kInOrder[] = {{Colour::kRed, "red", ""}, {Colour::kGreen, "green", ""}};
constexpr NamedValue<Colour> kOutOfOrder[] = {{Colour::kGreen, "green", ""}, {Colour::kRed, "red", ""}};
constexpr NamedValue<Colour> kNameTwice[] = {{Colour::kRed, "red", ""}, {Colour::kGreen, "red", ""}};

enum class Shape { kCircle, kSquare };  // kSquare left out of its table
constexpr NamedValue<Shape> kShapes[] = {{Shape::kCircle, "circle", ""}};
constexpr std::span<const NamedValue<Shape>> name_table(Shape) { return kShapes; }

TEST(NamedEnum, AValueMissingFromItsTableIsALogicErrorNotARead) {
  EXPECT_STREQ(name_of(Shape::kCircle), "circle");
  EXPECT_THROW(name_of(Shape::kSquare), std::logic_error);
}

TEST(NamedEnum, ATableMustListEachValueInEnumOrderUnderItsOwnName) {
  static_assert(is_complete_table(kInOrder));
  EXPECT_FALSE(is_complete_table(kOutOfOrder));  // name_of indexes by value
  EXPECT_FALSE(is_complete_table(kNameTwice));   // from_name would never find the second
}

template <typename Enum>
void expect_round_trip() {
  for (const NamedValue<Enum>& n : name_table(Enum{})) {
    EXPECT_STREQ(name_of(n.value), n.name);
    EXPECT_EQ(from_name<Enum>(n.name), n.value);
    EXPECT_NE(std::string(n.meaning), "") << n.name;
  }
}

TEST(NamedEnum, EveryNameRoundTripsAndHasAMeaning) {
  expect_round_trip<ErrorReason>();
  expect_round_trip<Backend>();
  expect_round_trip<AccessMethod>();
}

TEST(NamedEnum, AnUnknownOrDifferentlySpelledNameIsNone) {
  EXPECT_EQ(from_name<Backend>("dpdk"), std::nullopt);
  EXPECT_EQ(from_name<Backend>("VFIO"), std::nullopt);  // names are exact, as in the config
  EXPECT_EQ(from_name<Backend>(""), std::nullopt);
  EXPECT_EQ(from_name<AccessMethod>("mmap "), std::nullopt);
}

TEST(NamedEnum, NamesTextListsEveryNameInTableOrder) {
  EXPECT_EQ(names_text<Backend>(), "sim, vfio, uio or sysfs");
  EXPECT_EQ(names_text<AccessMethod>(), "mmap or syscall");
  EXPECT_EQ(names_text<AccessMethod>(" and "), "mmap and syscall");
  EXPECT_EQ(names_text<Backend>([](Backend b) { return b != Backend::kSim; }), "vfio, uio or sysfs");
  EXPECT_EQ(names_text<Backend>([](Backend b) { return b == Backend::kUio; }), "uio");
}

TEST(NamedEnum, StreamsAsItsName) {
  std::ostringstream out;
  out << Backend::kUio << ' ' << ErrorReason::kBusError << ' ' << AccessMethod::kSyscall;
  EXPECT_EQ(out.str(), "uio bus_error syscall");
}

// The names are written in configs and matched by dashboards and scripts: a contract.
TEST(NamedEnum, BackendAndMethodNamesAreTheDocumentedOnes) {
  EXPECT_STREQ(backend_name(Backend::kSim), "sim");
  EXPECT_STREQ(backend_name(Backend::kVfio), "vfio");
  EXPECT_STREQ(backend_name(Backend::kUio), "uio");
  EXPECT_STREQ(backend_name(Backend::kSysfs), "sysfs");
  EXPECT_STREQ(access_method_name(AccessMethod::kMmap), "mmap");
  EXPECT_STREQ(access_method_name(AccessMethod::kSyscall), "syscall");
}

}  // namespace
}  // namespace pcie_bar
