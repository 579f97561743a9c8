#include "harness/os/deadline.h"

#include <gtest/gtest.h>

namespace lockstep::harness {
namespace {

using std::chrono::milliseconds;

TEST(PollUntil, TrueConditionIsCheckedOnceWithoutSleeping) {
  int calls = 0;
  const auto start = Clock::now();
  EXPECT_TRUE(PollUntil([&] { return ++calls > 0; }, milliseconds(1000)));
  EXPECT_EQ(calls, 1);
  EXPECT_LT(Clock::now() - start, milliseconds(100));
}

TEST(PollUntil, ReturnsTrueOnceTheConditionBecomesTrue) {
  int calls = 0;
  EXPECT_TRUE(PollUntil([&] { return ++calls == 5; }, milliseconds(5000)));
  EXPECT_EQ(calls, 5);
}

TEST(PollUntil, ReturnsFalseAtTheDeadlineNotBefore) {
  int calls = 0;
  const auto start = Clock::now();
  EXPECT_FALSE(PollUntil([&] { return ++calls < 0; }, milliseconds(50)));
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, milliseconds(50));
  EXPECT_LT(elapsed, milliseconds(2000));
  EXPECT_GT(calls, 2);  // it polled, with backoff, rather than sleeping once
}

}  // namespace
}  // namespace lockstep::harness
