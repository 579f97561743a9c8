#include "harness/property/reproduce.h"

#include <gtest/gtest.h>

#include "harness/property/property_runner.h"

namespace lockstep::harness {
namespace {

TEST(Reproduce, RoundTripsSettingsAndSteps) {
  RunSettings s;
  s.seed = 99;
  s.bug = "temp-file-left-behind";
  s.transfer_timeout = std::chrono::milliseconds(321);
  s.log_capacity = 3;
  s.fault_dir_bytes = 4096 * 8;
  const std::vector<std::string> steps{"Start(A)", "InjectFault(A, temp, disk-full)",
                                       "Start(B, crash=receiver.mid_apply)"};
  auto r = DecodeReproduce(EncodeReproduce("state-transfer", s, steps));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->protocol, "state-transfer");
  EXPECT_EQ(r->settings.seed, 99u);
  EXPECT_EQ(r->settings.bug, "temp-file-left-behind");
  EXPECT_EQ(r->settings.transfer_timeout.count(), 321);
  EXPECT_EQ(r->settings.log_capacity, 3u);
  EXPECT_EQ(r->settings.fault_dir_bytes, 4096u * 8);
  EXPECT_EQ(r->steps, steps);
}

TEST(Reproduce, RejectsForeignTextNamingTheProblem) {
  auto r = DecodeReproduce("reproduce=BAAAAAAA");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not a lockstep reproduce string"), std::string::npos);
}

TEST(Reproduce, RejectsMissingAndMalformedFields) {
  auto missing = DecodeReproduce("lockstep1|protocol=state-transfer|seed=1|steps=Start(A)");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("transfer-timeout-ms"), std::string::npos);
  auto bad = DecodeReproduce(
      "lockstep1|protocol=state-transfer|seed=x1|bug=|transfer-timeout-ms=1|log-capacity=1|"
      "fault-dir-bytes=1|steps=Start(A)");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'seed' is not a number"), std::string::npos);
}

TEST(ParseViolation, ExtractsPropertyIdAndMessage) {
  auto v = ParseViolation("some/file.cc:12:\n[ST-4] after Start(B): sender left 1 temp file");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->id, "ST-4");
  EXPECT_EQ(v->message, "after Start(B): sender left 1 temp file");
  auto h = ParseViolation("[harness-error] cannot start mds");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->id, kHarnessErrorId);
  EXPECT_FALSE(ParseViolation("no tag here"));
}

}  // namespace
}  // namespace lockstep::harness
