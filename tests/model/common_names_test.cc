// Names kept once and read both ways (model/common/enum_names.h) and the fault kinds every
// protocol shares (model/common/fault_kind.h).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/common/enum_names.h"
#include "model/common/fault_kind.h"

namespace lockstep::model {
namespace {

enum class Color : std::uint8_t { kRed, kGreen, kBlue };
constexpr auto kColorNames = MakeEnumNames<Color>("red", "green", "blue");

TEST(EnumNames, SizeComesFromTheNames) {
  static_assert(kColorNames.size() == 3);
  EXPECT_EQ(MakeEnumNames<Color>("only").size(), 1);
}

TEST(EnumNames, NamesEachValueAndQuestionMarkOutsideTheTable) {
  EXPECT_STREQ(kColorNames.Name(Color::kRed), "red");
  EXPECT_STREQ(kColorNames.Name(Color::kBlue), "blue");
  EXPECT_STREQ(kColorNames.Name(static_cast<Color>(3)), "?");
  static_assert(std::string_view(kColorNames.Name(Color::kGreen)) == "green");
}

TEST(EnumNames, FindReadsANameBack) {
  EXPECT_EQ(kColorNames.Find("green"), Color::kGreen);
  EXPECT_EQ(kColorNames.Find("Green"), std::nullopt);
  EXPECT_EQ(kColorNames.Find(""), std::nullopt);
  EXPECT_EQ(kColorNames.Find("?"), std::nullopt);
}

TEST(EnumNames, ParseFailsListingTheAlternatives) {
  EXPECT_EQ(kColorNames.Parse("blue", "color").value(), Color::kBlue);
  const auto bad = kColorNames.Parse("teal", "color");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "unknown color 'teal' (expected red, green or blue)");
}

TEST(Alternatives, JoinsWithCommasAndOr) {
  const std::array<const char*, 3> w{"a", "b", "c"};
  const auto name = [&](int i) { return w[static_cast<std::size_t>(i)]; };
  EXPECT_EQ(Alternatives(0, name), "");
  EXPECT_EQ(Alternatives(1, name), "a");
  EXPECT_EQ(Alternatives(2, name), "a or b");
  EXPECT_EQ(Alternatives(3, name), "a, b or c");
}

TEST(ParseNamed, ReadsValuesSpelledByAFunction) {
  const auto name = [](int i) { return "N" + std::to_string(10 + i); };
  EXPECT_EQ(FindNamed<int>("N11", 3, name), 1);
  EXPECT_EQ(FindNamed<int>("N13", 3, name), std::nullopt);
  EXPECT_EQ(ParseNamed<int>("N12", "node", 3, name).value(), 2);
  EXPECT_EQ(ParseNamed<int>("N9", "node", 3, name).error().message,
            "unknown node 'N9' (expected N10, N11 or N12)");
}

TEST(FaultKind, SpellsTheInjectedFaults) {
  EXPECT_STREQ(ToString(FaultKind::kDiskFull), "disk-full");
  EXPECT_STREQ(ToString(FaultKind::kAccessDenied), "access-denied");
  EXPECT_EQ(kFaultKindNames.Find("access-denied"), FaultKind::kAccessDenied);
}

}  // namespace
}  // namespace lockstep::model
