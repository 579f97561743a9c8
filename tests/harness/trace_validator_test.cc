// The trace validator (harness/trace/trace_validator.h): a property rule's violation is a
// violation; a contract rule of an event model (id TRACE-n, e.g. causality) is a breach.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/trace/trace_validator.h"
#include "tests/support/scratch_dir.h"

namespace lockstep::harness::trace {
namespace {

namespace fs = std::filesystem;

// Refuses the first `exiting` line with the rule `id`.
class RefusesExiting final : public EventModel {
 public:
  explicit RefusesExiting(std::string id) : id_(std::move(id)) {}
  std::optional<model::Violation> Apply(const TraceLine& line) override {
    if (line.event != "exiting") return std::nullopt;
    return model::Violation{id_, "a rule", "exiting refused"};
  }
  std::string Describe() const override { return "  the states\n"; }

 private:
  std::string id_;
};

std::optional<TraceFailure> Validate(const fs::path& dir, const std::string& id) {
  TraceValidator validator(std::make_unique<RefusesExiting>(id));
  EXPECT_TRUE(validator.Add(dir));
  auto failure = validator.CheckNew(true);
  EXPECT_TRUE(failure) << failure.error().message;
  EXPECT_EQ(validator.events_validated(), 1u);
  return failure.value_or(std::nullopt);
}

TEST(TraceValidator, APropertyRuleIsAViolationAndAContractRuleABreach) {
  lockstep::testing::ScratchDir scratch(fs::temp_directory_path());
  std::ofstream(scratch.path() / "mds.jsonl")
      << R"({"process":"mds","pid":7,"seq":1,"clock":1,"time":"2026-12-03T10:00:00.000000Z","event":"started"})"
      << "\n"
      << R"({"process":"mds","pid":7,"seq":2,"clock":2,"time":"2026-12-03T10:00:00.000001Z","event":"exiting","status":0})"
      << "\n";
  const auto property = Validate(scratch.path(), "ST-2");
  ASSERT_TRUE(property);
  ASSERT_TRUE(property->violation);
  EXPECT_EQ(property->violation->property_id, "ST-2");
  EXPECT_TRUE(property->breach.empty());
  EXPECT_EQ(property->line->event, "exiting");

  const auto contract = Validate(scratch.path(), "TRACE-1");
  ASSERT_TRUE(contract);
  EXPECT_FALSE(contract->violation);
  EXPECT_NE(contract->breach.find("mds seq 2 (pid 7) exiting"), std::string::npos) << contract->breach;
  EXPECT_NE(contract->breach.find("TRACE-1 a rule: exiting refused"), std::string::npos)
      << contract->breach;
  EXPECT_NE(contract->ToString().find("the states"), std::string::npos);
}

}  // namespace
}  // namespace lockstep::harness::trace
