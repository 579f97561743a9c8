// Describe() and ParseCommand() of resync commands are inverse; bad text fails clearly.
#include <gtest/gtest.h>

#include "model/resync/command_text.h"
#include "tests/model/rs_test_util.h"

namespace lockstep::model::rs {
namespace {

using namespace test_util;  // NOLINT: test helpers

bool Same(const Command& a, const Command& b) { return Describe(a) == Describe(b); }

TEST(RsCommandText, EveryKindRoundTrips) {
  std::vector<Command> all{
      Txn(S73, {{S73, {{"c1", "v1"}}}, {S74, {{"k1", "v1"}, {"k2", "v2"}}}}),
      Txn(S75, {{S74, {{"k1", "v_3"}}}}),
      Rd(S74, "k1", S73), Rd(S75, "k2", S75), Up(S73), Up(S74, 2),
      Kill(S75), Fmt(S73, 2), Ignore(S74, S73), Defer(S73, S75), Vary(S74, S73),
      Done(S74, 12, CompleteAction::kCommit), Done(S73, 1, CompleteAction::kBackout),
      Inject(S73, JournalFault::kDiskFull), Inject(S74, JournalFault::kAccessDenied),
      Remove(S75)};
  for (int p = 0; p < kCrashPointCount; ++p) all.push_back(Up(S74, 1, static_cast<CrashPoint>(p)));
  for (const Command& c : all) {
    const auto parsed = ParseCommand(Describe(c));
    ASSERT_TRUE(parsed.has_value()) << Describe(c) << ": " << parsed.error().message;
    EXPECT_TRUE(Same(*parsed, c)) << Describe(c) << " came back as " << Describe(*parsed);
    EXPECT_EQ(parsed->index(), c.index());
  }
}

TEST(RsCommandText, DescribeIsStable) {
  EXPECT_EQ(Describe(Txn(S73, {{S73, {{"c1", "v1"}}}, {S74, {{"k2", "v2"}}}})),
            "Transaction(SYSTEM73: SYSTEM73{c1=v1} SYSTEM74{k2=v2})");
  EXPECT_EQ(Describe(Rd(S74, "k1", S73)), "Read(SYSTEM74, k1, via=SYSTEM73)");
  EXPECT_EQ(Describe(Up(S73, 2, CrashPoint::kCoordAfterCommitRecord)),
            "Start(SYSTEM73, journal-2, crash=coord.after_commit_record)");
  EXPECT_EQ(Describe(Ignore(S74, S73)), "Reply(SYSTEM74, SYSTEM73, ignore)");
  EXPECT_EQ(Describe(Done(S74, 3, CompleteAction::kBackout)), "Complete(SYSTEM74, txn=3, backout)");
  EXPECT_EQ(Describe(Fmt(S75, 1)), "Format(SYSTEM75, journal-1)");
}

TEST(RsCommandText, RejectsMalformedText) {
  for (const char* bad : {"", "Start(SYSTEM99, journal-1)", "Start(SYSTEM73, journal-3)",
                          "Start(SYSTEM73, journal-1, crash=nowhere)", "Crash(A)",
                          "Transaction(SYSTEM73: SYSTEM74{k1})", "Reply(SYSTEM73, SYSTEM74, maybe)",
                          "Submit(set k=v)"}) {
    const auto parsed = ParseCommand(bad);
    EXPECT_FALSE(parsed.has_value()) << bad;
  }
  const auto parsed = ParseCommand("Crash(SYSTEM80)");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("SYSTEM80"), std::string::npos);
}

// A step of 40,000 characters once overflowed the stack in std::regex; now it is refused by
// length, naming it.
TEST(RsCommandText, RefusesOversizedText) {
  std::string writes = "k0=v0";
  while (writes.size() < 40'000) writes += ",k0=v0";
  for (const std::string& huge : {"Transaction(SYSTEM73: SYSTEM74{" + writes + "})",
                                  "Crash(" + std::string(100'000, 'S') + ")"}) {
    const auto parsed = ParseCommand(huge);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_NE(parsed.error().message.find("characters long (at most 1024)"), std::string::npos)
        << parsed.error().message;
  }
}

}  // namespace
}  // namespace lockstep::model::rs
