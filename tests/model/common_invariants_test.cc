// Property-name lookup (model/common/property.h), invariant tables and the checks over them
// (model/common/invariants.h).
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "model/common/invariants.h"
#include "model/common/property.h"

namespace lockstep::model {
namespace {

TEST(PropertyName, LooksTheIdUp) {
  constexpr std::array<PropertyInfo, 2> kProps{{{"X-1", "first"}, {"X-2", "second"}}};
  EXPECT_STREQ(PropertyName(kProps, "X-2"), "second");
  EXPECT_STREQ(PropertyName(kProps, "X-3"), "");
  EXPECT_STREQ(PropertyName({}, "X-1"), "");
}

struct Counter {
  int n = 0;
};

std::optional<std::string> Small(const Counter& c) {
  if (c.n < 10) return std::nullopt;
  return "n is " + std::to_string(c.n);
}
std::optional<std::string> Even(const Counter& c) {
  if (c.n % 2 == 0) return std::nullopt;
  return "n is odd";
}
std::optional<std::string> Positive(const Counter& c) {
  if (c.n >= 0) return std::nullopt;
  return "n is negative";
}

constexpr std::array<PropertyInfo, 3> kProps{{{"C-1", "small"}, {"C-2", "even"}, {"C-3", "positive"}}};

const std::vector<InvariantOf<Counter>>& Table() {
  static const auto kTable = InvariantTable<Counter>(kProps, {Small, Even, Positive});
  return kTable;
}

TEST(InvariantTable, PairsEachPropertyWithItsCheck) {
  ASSERT_EQ(Table().size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_STREQ(Table()[i].id, kProps[i].id);
    EXPECT_STREQ(Table()[i].name, kProps[i].name);
  }
  EXPECT_EQ(Table()[1].check(Counter{3}), "n is odd");
  EXPECT_EQ(Table()[2].check(Counter{3}), std::nullopt);
}

TEST(FirstViolation, NamesTheFirstFailureOnly) {
  EXPECT_EQ(FirstViolation(Table(), Counter{4}), std::nullopt);
  const auto v = FirstViolation(Table(), Counter{11});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, (Violation{"C-1", "small", "n is 11", {}}));
  EXPECT_EQ(FirstViolation(Table(), Counter{-1})->property_id, "C-2");
}

TEST(AllViolations, ListsEveryFailureInTableOrder) {
  EXPECT_EQ(AllViolations(Table(), Counter{0}), std::nullopt);
  const auto v = AllViolations(Table(), Counter{-11});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->property_id, "C-2");
  EXPECT_EQ(v->property_name, "even");
  EXPECT_EQ(v->message, "n is odd");
  EXPECT_EQ(v->violated, (std::vector<std::string>{"C-2", "C-3"}));
  EXPECT_EQ(AllViolations(Table(), Counter{13})->violated, (std::vector<std::string>{"C-1", "C-2"}));
}

}  // namespace
}  // namespace lockstep::model
