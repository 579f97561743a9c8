#include "harness/property/shrinking_choice.h"

#include <gtest/gtest.h>

#include <set>

namespace lockstep::harness {
namespace {

// Draws uniformly whatever the size (short sequences see every value), and a value other
// than the first shrinks to the first and to nothing else.
TEST(ChoiceShrinkingToFirst, DrawsEveryValueAtSizeZeroAndShrinksOnlyToTheFirst) {
  const auto gen = ChoiceShrinkingToFirst(std::vector<int>{0, 1, 2, 3});
  std::set<int> seen;
  rc::Random random(42);
  for (int i = 0; i < 200; ++i) {
    const auto drawn = gen(random.split(), 0);
    seen.insert(drawn.value());
    auto shrinks = drawn.shrinks();
    auto first = shrinks.next();
    if (drawn.value() == 0) {
      EXPECT_FALSE(first) << "the first value has nothing to shrink to";
      continue;
    }
    ASSERT_TRUE(first) << drawn.value() << " does not shrink";
    EXPECT_EQ(first->value(), 0);
    EXPECT_FALSE(first->shrinks().next());
    EXPECT_FALSE(shrinks.next()) << drawn.value() << " shrinks to more than the first";
  }
  EXPECT_EQ(seen, (std::set<int>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace lockstep::harness
