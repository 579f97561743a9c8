// The step-check vocabulary (model/common/step_check.h).
#include <gtest/gtest.h>

#include "model/common/step_check.h"

namespace lockstep::model {
namespace {

TEST(StepCheck, WordsViolationsAndMismatches) {
  EXPECT_EQ(StepViolation("X-1", "safety", "Crash(A)", "it broke"),
            (Violation{"X-1", "safety", "after Crash(A): it broke", {}}));
  EXPECT_EQ(Mismatch("side B", "status", "down", "stale"),
            "side B: status observed down, model predicts stale");
  const int before = 1, cmd = 2, predicted = 3, observed = 4;
  const StepOf<int, int, int> step{before, cmd, predicted, observed};
  EXPECT_EQ(&step.before, &before);
  EXPECT_EQ(step.cmd + step.predicted + step.observed, 9);
}

}  // namespace
}  // namespace lockstep::model
