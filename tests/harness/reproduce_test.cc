#include "harness/property/reproduce.h"

#include <gtest/gtest.h>

#include "harness/property/setting_fields.h"

namespace lockstep::harness {
namespace {

TEST(Reproduce, RoundTripsCommonSettingsProtocolFieldsAndSteps) {
  RunSettings s;
  s.seed = 99;
  s.bug = "temp-file-left-behind";
  s.fault_dir_bytes = 4096 * 8;
  s.quiet_deadline = std::chrono::milliseconds(1234);
  s.impl_dir = "/opt/other impl/50%|bin";  // a separator and an escape character in the path
  s.impl_digest = "mds:9f3c,logger:5e1a";
  const std::vector<std::string> steps{"Start(A)", "InjectFault(A, temp, disk-full)",
                                       "Start(B, crash=receiver.mid_apply)"};
  auto r = DecodeReproduce(EncodeReproduce(
      "state-transfer", s, {{"transfer-timeout-ms", "321"}, {"log-capacity", "3"}}, steps));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->protocol, "state-transfer");
  EXPECT_EQ(r->settings.seed, 99u);
  EXPECT_EQ(r->settings.bug, "temp-file-left-behind");
  EXPECT_EQ(r->settings.fault_dir_bytes, 4096u * 8);
  EXPECT_EQ(r->settings.quiet_deadline.count(), 1234);
  EXPECT_EQ(r->settings.impl_dir, "/opt/other impl/50%|bin");
  EXPECT_EQ(r->settings.impl_digest, "mds:9f3c,logger:5e1a");
  const std::map<std::string, std::string> own{{"log-capacity", "3"},
                                               {"transfer-timeout-ms", "321"}};
  EXPECT_EQ(r->settings.protocol_options, own);
  EXPECT_EQ(r->steps, steps);
}

// The common settings the string carries: a RunSettings field added without deciding whether
// it changes observations (then it must be encoded above) fails here.
TEST(Reproduce, EveryCommonSettingIsEncodedOrKnownNotToChangeObservations) {
  // Encoded: seed, bug, fault_dir_bytes, quiet_deadline, impl_dir, impl_digest, and faults
  // when they hold power-loss (it changes how a case is set up). Not encoded, since a replay
  // runs given steps with full logs and does not shrink: tests, max_steps, the other faults,
  // shrink, shrink_budget, log_excerpt_lines; validate_traces (a replay always validates: it
  // can only find more), crash_at_action (the steps name their crash points), keep_traces_dir
  // (where copies go); protocol_options are the protocol's (protocol_settings_test.cc).
  EXPECT_EQ(AggregateArity<RunSettings>(), 6u + 9u + 1u);
}

// power-loss changes how a case is set up (FUSE data directories), so a run with it says so
// and a replay gets it back; without it the string is as before (the default faults).
TEST(Reproduce, FaultsAreEncodedOnlyWithPowerLoss) {
  RunSettings s;
  const std::string plain = EncodeReproduce("state-transfer", s, {}, {"Start(A)"});
  EXPECT_EQ(plain.find("faults="), std::string::npos) << plain;
  s.faults = {"power-loss", "crash"};
  const std::string cut = EncodeReproduce("state-transfer", s, {}, {"Start(A)", "PowerLoss(A)"});
  EXPECT_NE(cut.find("|faults=crash,power-loss|"), std::string::npos) << cut;
  auto r = DecodeReproduce(cut);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->settings.faults, s.faults);
  EXPECT_TRUE(r->settings.protocol_options.empty());
  auto old = DecodeReproduce(plain);
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(old->settings.faults, kAllFaultKinds);
  const std::string head =
      "lockstep1|protocol=state-transfer|seed=1|bug=|fault-dir-bytes=1|quiet-deadline-ms=1|";
  auto bad = DecodeReproduce(head + "faults=crash,lightning|steps=Start(A)");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("lightning"), std::string::npos);
}

// A string written before impl-dir existed still decodes (the replay uses its own
// --impl-dir); a relative or badly escaped impl-dir is refused.
TEST(Reproduce, ImplDirIsOptionalAbsoluteAndEscaped) {
  const std::string head =
      "lockstep1|protocol=state-transfer|seed=1|bug=|fault-dir-bytes=1|quiet-deadline-ms=1|";
  auto old = DecodeReproduce(head + "steps=Start(A)");
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_TRUE(old->settings.impl_dir.empty());
  auto relative = DecodeReproduce(head + "impl-dir=build/bin|steps=Start(A)");
  ASSERT_FALSE(relative);
  EXPECT_NE(relative.error().message.find("not an absolute path"), std::string::npos);
  auto escape = DecodeReproduce(head + "impl-dir=/a%41|steps=Start(A)");
  ASSERT_FALSE(escape);
  EXPECT_NE(escape.error().message.find("bad escape"), std::string::npos);
}

TEST(Reproduce, RejectsForeignTextNamingTheProblem) {
  auto r = DecodeReproduce("reproduce=BAAAAAAA");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not a lockstep reproduce string"), std::string::npos);
}

TEST(Reproduce, RejectsMissingAndMalformedFields) {
  auto missing = DecodeReproduce("lockstep1|protocol=state-transfer|seed=1|bug=|steps=Start(A)");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("fault-dir-bytes"), std::string::npos);
  auto bad = DecodeReproduce(
      "lockstep1|protocol=state-transfer|seed=x1|bug=|fault-dir-bytes=1|quiet-deadline-ms=1|"
      "steps=Start(A)");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'seed' is not a number"), std::string::npos);
  auto twice = DecodeReproduce(
      "lockstep1|protocol=resync|seed=1|seed=2|bug=|fault-dir-bytes=1|quiet-deadline-ms=1|"
      "steps=Start(SYSTEM73, journal-1)");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("'seed' twice"), std::string::npos);
}

// Found by fuzz/reproduce_fuzz.cc: an empty step (a trailing ';' too) was accepted, and a
// trailing one was lost when the string was encoded again.
TEST(Reproduce, RejectsAnEmptyStep) {
  const std::string head =
      "lockstep1|protocol=state-transfer|seed=1|bug=|fault-dir-bytes=1|quiet-deadline-ms=1|";
  for (const char* steps : {"steps=Start(A);", "steps=;", "steps=Start(A);;Crash(A)"}) {
    auto r = DecodeReproduce(head + steps);
    ASSERT_FALSE(r) << steps;
    EXPECT_NE(r.error().message.find("empty step"), std::string::npos) << r.error().message;
  }
  EXPECT_TRUE(DecodeReproduce(head + "steps=Start(A);Crash(A)"));
}

// Found by fuzz/reproduce_fuzz.cc: 2^64-1 ms wrapped to a deadline of -1 ms.
TEST(Reproduce, RejectsAQuietDeadlineBeyondADay) {
  const std::string head = "lockstep1|protocol=state-transfer|seed=1|bug=|fault-dir-bytes=1|";
  auto huge = DecodeReproduce(head + "quiet-deadline-ms=18446744073709551615|steps=Start(A)");
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.error().message.find("more than a day"), std::string::npos)
      << huge.error().message;
  auto day = DecodeReproduce(head + "quiet-deadline-ms=86400000|steps=Start(A)");
  ASSERT_TRUE(day) << day.error().message;
  EXPECT_EQ(day->settings.quiet_deadline, std::chrono::hours(24));
}

}  // namespace
}  // namespace lockstep::harness
