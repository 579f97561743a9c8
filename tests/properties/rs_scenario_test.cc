// The spec's scenario (spec/resync.md, "Different stamp") through the harness: a participant
// in doubt, its coordinator's journal reformatted while it is down, the coordinator restarted.
// Every step is checked against the model, and the participant's log and status must show the
// DC329021..DC329024 prompt with the real OLD and NEW stamps; a read through the partner is
// fenced until the operator replies.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "harness/control/control_client.h"
#include "harness/os/sandbox.h"
#include "harness/property/checked_step.h"
#include "harness/resync/rs_protocol.h"
#include "model/resync/command_text.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

namespace m = lockstep::model::rs;

class ResyncScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sandbox = Sandbox::Create();
    ASSERT_TRUE(sandbox) << sandbox.error().message;
    sandbox_.emplace(std::move(*sandbox));
    settings_.impl_dir = testing::BinDir();
    auto system = ResyncProtocol::MakeSystem(*sandbox_, "scenario", settings_, &record_);
    ASSERT_TRUE(system) << system.error().message;
    system_ = std::move(*system);
    state_ = ResyncProtocol::Initial(settings_);
  }
  void TearDown() override { system_.reset(); }

  // Runs one step (Describe() text) through the step pipeline; fails on any violation.
  m::Observation Step(const std::string& text) {
    auto command = m::ParseCommand(text);
    EXPECT_TRUE(command) << text;
    EXPECT_TRUE(ResyncProtocol::Precondition(state_, *command)) << text;
    auto step = CheckedStep<ResyncProtocol>(*system_, state_, *command, settings_);
    EXPECT_TRUE(step) << text << ": " << step.error().message;
    EXPECT_FALSE(step->violation) << text << ": " << model::ToString(*step->violation);
    return step->observation;
  }

  // The implementation's strings behind model identities.
  std::string StampText(int id) const { return system_->identities().stamps.Text(id).value_or("?"); }
  std::string DtridText(int txn) const { return system_->identities().dtrids.Text(txn).value_or("?"); }

  std::string Log(int system) const {
    std::ifstream in(system_->LogPath(system));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  RsSettings settings_;
  std::optional<Sandbox> sandbox_;
  CaseRecord record_;
  std::unique_ptr<rs::RsSystem> system_;
  m::State state_;
};

TEST_F(ResyncScenario, ReformattedCoordinatorIsDetectedAndFencedUntilTheReply) {
  auto first = Step("Start(SYSTEM73, journal-1, crash=coord.after_commit_record)");
  const int old_id = first.systems[0].stamp;
  const std::string old_stamp = StampText(old_id);
  Step("Start(SYSTEM74, journal-1)");
  auto txn = Step("Transaction(SYSTEM73: SYSTEM74{k1=v1})");
  ASSERT_EQ(txn.last_outcome->result, m::OpResult::kUnknown);
  ASSERT_EQ(txn.systems[1].branches.size(), 1u);
  const int txn_id = txn.systems[1].branches.begin()->first;
  const std::string dtrid = DtridText(txn_id);
  EXPECT_EQ(txn.systems[1].branches.begin()->second.state, m::BranchState::kInDoubt);
  Step("Format(SYSTEM73, journal-1)");
  auto restarted = Step("Start(SYSTEM73, journal-1)");
  const int new_id = restarted.systems[0].stamp;
  const std::string new_stamp = StampText(new_id);
  ASSERT_NE(new_stamp, old_stamp);
  ASSERT_EQ(restarted.systems[1].prompts.size(), 1u);
  const auto& prompt = restarted.systems[1].prompts.at(0);
  EXPECT_EQ(prompt.old_stamp, old_id);
  EXPECT_EQ(prompt.new_stamp, new_id);
  EXPECT_EQ(prompt.txns, std::vector<int>{txn_id});

  const std::string log = Log(1);
  EXPECT_NE(log.find("DC329021 Journal stamp mismatch for SYSTEM73 *OLD " + old_stamp), std::string::npos) << log;
  EXPECT_NE(log.find("DC329022 Journal stamp mismatch for SYSTEM73 *NEW " + new_stamp), std::string::npos) << log;
  EXPECT_NE(log.find("DC329023 SYSTEM73 " + dtrid + " SYSTEM74 InDoubt"), std::string::npos) << log;
  EXPECT_NE(log.find("DC329024 Reply with resynchronization action for SYSTEM73 (Ignore,Defer):"),
            std::string::npos) << log;
  auto status = Request(sandbox_->dir() / "scenario" / "SYSTEM74.sock", {{"op", "status"}},
                        std::chrono::seconds(5));
  ASSERT_TRUE(status);
  std::vector<std::string> ids;
  for (const auto& line : (*status)["prompts"][0]["messages"]) ids.push_back(line["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"DC329021", "DC329022", "", "DC329023", "DC329024"}))
      << "the header line has no identifier";

  auto fenced = Step("Read(SYSTEM73, k1, via=SYSTEM74)");
  EXPECT_EQ(fenced.last_outcome->result, m::OpResult::kFenced);
  Step("Reply(SYSTEM74, SYSTEM73, ignore)");
  auto after = Step("Read(SYSTEM73, k1, via=SYSTEM74)");
  EXPECT_EQ(after.last_outcome->result, m::OpResult::kNotFound);
  EXPECT_EQ(after.systems[1].branches.at(txn_id).state, m::BranchState::kManualPending);
}

// Found by a campaign (RS-1): a participant in doubt comes back on the journal set it was away
// from, after its coordinator had answered the other set's prompt with IGNORE. The
// coordinator's COMMIT record is ManualPending there, not outstanding, yet it still means
// commit: the resync must not presume abort.
TEST_F(ResyncScenario, ManualPendingCommitRecordStillCommitsAParticipantInDoubt) {
  Step("Start(SYSTEM73, journal-1)");
  Step("Start(SYSTEM74, journal-1, crash=part.before_outcome_record)");
  auto txn = Step("Transaction(SYSTEM73: SYSTEM74{k1=v1})");
  ASSERT_EQ(txn.last_outcome->result, m::OpResult::kCommitted);
  Step("Start(SYSTEM74, journal-2)");
  auto ignored = Step("Reply(SYSTEM73, SYSTEM74, ignore)");
  ASSERT_EQ(ignored.systems[0].branches.size(), 1u);
  const int txn_id = ignored.systems[0].branches.begin()->first;
  EXPECT_EQ(ignored.systems[0].branches.at(txn_id).state, m::BranchState::kManualPending);
  Step("Crash(SYSTEM74)");
  auto back = Step("Start(SYSTEM74, journal-1)");
  ASSERT_TRUE(back.systems[1].branches.contains(txn_id));
  EXPECT_EQ(back.systems[1].branches.at(txn_id).state, m::BranchState::kCommitted);
  auto read = Step("Read(SYSTEM74, k1, via=SYSTEM74)");
  EXPECT_EQ(read.last_outcome->result, m::OpResult::kValue);
}

// Found by a campaign (RS-6): a resync that fails at the responder for a journal fault (here
// the initiator's, flagged in its request) must leave the pair unsynchronized on the responder
// too. Else SYSTEM73 skips the session resync with SYSTEM75, PREPAREs SYSTEM74 first and only
// then learns that SYSTEM75 cannot resync: SYSTEM74 records a branch the model never writes
// (decision 14: a failed session aborts before any PREPARE).
TEST_F(ResyncScenario, ResyncFailedAtTheResponderIsRetriedBeforeTheNextTransaction) {
  Step("Start(SYSTEM73, journal-1)");
  Step("Start(SYSTEM74, journal-1)");
  Step("Start(SYSTEM75, journal-1)");
  Step("Transaction(SYSTEM75: SYSTEM73{k2=v1})");
  Step("InjectFault(SYSTEM75, access-denied)");
  Step("VaryRm(SYSTEM75, SYSTEM73)");
  auto txn = Step("Transaction(SYSTEM73: SYSTEM74{k1=v5} SYSTEM75{k1=v0})");
  EXPECT_EQ(txn.last_outcome->result, m::OpResult::kAborted);
  EXPECT_TRUE(txn.systems[1].branches.empty()) << "SYSTEM74 was prepared before the failed session";
}

// Found by a campaign (RS-4): completing a coordinator branch by hand ends it without passing
// coord.before_end_record (a 2PC crash point, armed here), so the system stays up.
TEST_F(ResyncScenario, CompletingACoordinatorBranchByHandIsNotA2pcCrashPoint) {
  Step("Start(SYSTEM74, journal-2)");
  Step("Start(SYSTEM73, journal-1, crash=part.before_outcome_record)");
  Step("Transaction(SYSTEM74: SYSTEM73{k2=v5})");
  Step("Crash(SYSTEM74)");
  Step("Start(SYSTEM74, journal-2, crash=coord.before_end_record)");
  Step("Start(SYSTEM73, journal-2)");
  Step("Reply(SYSTEM74, SYSTEM73, ignore)");
  auto done = Step("Complete(SYSTEM74, txn=1, commit)");
  EXPECT_TRUE(done.systems[1].up);
}

// Found by a campaign (RS-5): a coordinator branch completed by hand is no longer outstanding
// with a participant that never acknowledged, so that participant's next start (nothing in
// doubt there) does not resynchronize and the partner table keeps its old startup time.
TEST_F(ResyncScenario, ACoordinatorBranchCompletedByHandEndsForEveryParticipant) {
  Step("Start(SYSTEM73, journal-1, crash=part.before_outcome_record)");
  Step("Start(SYSTEM75, journal-1)");
  Step("Start(SYSTEM74, journal-1, crash=part.after_outcome_record)");
  Step("Transaction(SYSTEM75: SYSTEM73{k0=v7} SYSTEM74{k2=v0})");
  Step("Start(SYSTEM73, journal-2)");
  Step("Reply(SYSTEM75, SYSTEM73, ignore)");
  const auto before = Step("Complete(SYSTEM75, txn=1, commit)").systems[2].partners.at(1);
  auto after = Step("Start(SYSTEM74, journal-1)");
  EXPECT_EQ(after.systems[2].partners.at(1).startup, before.startup);
}

// A participant that died after the last resync aborts the transaction before anything is
// PREPAREd anywhere (decision 14), although the coordinator process still counts it as
// resynchronized: it connects to each participant before its session.
TEST_F(ResyncScenario, AParticipantThatDiedSinceTheLastResyncAbortsBeforeAnyPrepare) {
  Step("Start(SYSTEM73, journal-1)");
  Step("Start(SYSTEM74, journal-1)");
  Step("Start(SYSTEM75, journal-1)");
  Step("Transaction(SYSTEM73: SYSTEM74{k1=v1} SYSTEM75{k1=v1})");
  Step("Crash(SYSTEM75)");
  auto txn = Step("Transaction(SYSTEM73: SYSTEM74{k2=v2} SYSTEM75{k2=v2})");
  EXPECT_EQ(txn.last_outcome->result, m::OpResult::kAborted);
  EXPECT_EQ(txn.systems[1].branches.size(), 1u) << "SYSTEM74 holds only the first transaction";
}

// A commit forced but not applied on journal-1 (crash at coord.after_commit_record) is redone
// when the system returns to journal-1 after running on journal-2 (RS-6).
TEST_F(ResyncScenario, ACommitLeftUnappliedOnOneJournalSetIsRedoneWhenTheSystemReturnsToIt) {
  Step("Start(SYSTEM73, journal-1, crash=coord.after_commit_record)");
  Step("Start(SYSTEM74, journal-1)");
  Step("Transaction(SYSTEM73: SYSTEM73{k1=v1} SYSTEM74{k2=v2})");
  Step("Start(SYSTEM73, journal-2)");
  EXPECT_EQ(Step("Read(SYSTEM73, k1, via=SYSTEM73)").last_outcome->result, m::OpResult::kNotFound);
  Step("Crash(SYSTEM73)");
  Step("Start(SYSTEM73, journal-1)");
  EXPECT_EQ(Step("Read(SYSTEM73, k1, via=SYSTEM73)").last_outcome->result, m::OpResult::kValue);
}

}  // namespace
}  // namespace lockstep::harness
