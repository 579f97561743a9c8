// Inputs submitted while a transfer is in flight (Start::inputs, docs/design.md "Decision:
// overlapping commands hold a process at a traced action"): keys after the transfer point,
// queued for the receiver and applied in order after the state, answered on the sender's
// strength; and where the model refuses them (a race would decide the end).
#include <gtest/gtest.h>

#include "model/state_transfer/command_text.h"
#include "model/state_transfer/model.h"
#include "tests/model/st_test_util.h"

namespace lockstep::model::st {
namespace {

using namespace test_util;  // NOLINT: test helpers

const Submit kSetK1{OpKind::kSet, "k1", "a"};
const Submit kDelK1{OpKind::kDel, "k1", ""};
const Submit kSetK2{OpKind::kSet, "k2", "b"};

// A in service alone after k1=x; B down at key 1.
State AAloneAfterOneInput() { return Script({Up(A), Up(B), Set("k1", "x"), Kill(B)}); }

TEST(StTransferInputs, QueuedInputsFollowTheTransferPointAndAreAppliedInOrder) {
  State s = AAloneAfterOneInput();
  RunOn(s, {UpWithInputs(B, {kSetK1, kDelK1, kSetK2})});
  EXPECT_EQ(s.at(B).status, SideStatus::kInService);
  // The transfer point is the sender's key when it was asked: 1, nothing to send.
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kIncremental, 0, 1}));
  EXPECT_EQ(s.at(B).db, s.at(A).db);
  EXPECT_EQ(s.at(B).db.rows, (std::map<std::string, std::string>{{"k2", "b"}}));
  EXPECT_EQ(s.at(B).db.last_update_key, 4u);
  EXPECT_EQ(s.at(B).memory, s.at(A).memory);
  EXPECT_EQ(s.transfer_input_outcomes,
            (std::vector<InputOutcome>{{InputResult::kOk, 2}, {InputResult::kOk, 3},
                                       {InputResult::kOk, 4}}));
  EXPECT_EQ(s.high_water_key, 4u);
  EXPECT_EQ(Predict(s).transfer_input_outcomes, s.transfer_input_outcomes);
}

TEST(StTransferInputs, TheAnswersBelongToTheStepThatSubmittedThem) {
  State s = AAloneAfterOneInput();
  RunOn(s, {UpWithInputs(B, {kSetK1}), Set("k2", "y")});
  EXPECT_TRUE(s.transfer_input_outcomes.empty());
  EXPECT_EQ(s.last_outcome, (InputOutcome{InputResult::kOk, 3}));
}

TEST(StTransferInputs, AFailedSendDropsTheQueueAndTheSenderStillAcknowledges) {
  State s = AAloneAfterOneInput();
  RunOn(s, {Inject(A, Dir::kTemp, FaultKind::kDiskFull), UpWithInputs(B, {kSetK1, kSetK2})});
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kTransferTimeout);
  EXPECT_EQ(s.at(B).db.last_update_key, 1u);
  EXPECT_EQ(s.at(A).db.last_update_key, 3u);
  EXPECT_EQ(s.transfer_input_outcomes,
            (std::vector<InputOutcome>{{InputResult::kOk, 2}, {InputResult::kOk, 3}}));
}

TEST(StTransferInputs, ASenderKilledBeforeSendingLeavesEveryInputUnknown) {
  State s = Script({Up(A, CrashPoint::kSenderBeforeSend)});
  RunOn(s, {UpWithInputs(B, {kSetK1, kSetK2})});
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kKilled);
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kTransferTimeout);
  EXPECT_EQ(s.transfer_input_outcomes,
            (std::vector<InputOutcome>{{InputResult::kUnavailableAfterAccept, 1},
                                       {InputResult::kUnavailableAfterAccept, 2}}));
  EXPECT_EQ(s.high_water_key, 0u);
}

TEST(StTransferInputs, AReceiverKilledAtAQueuedInputKeepsTheStateAndTheInputsBefore) {
  State s = AAloneAfterOneInput();
  RunOn(s, {UpWithInputs(B, {kSetK1, kSetK2}, CrashPoint::kActionAckSent)});
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kKilled);
  EXPECT_EQ(s.at(B).db.last_update_key, 2u);  // the first queued input made durable
  EXPECT_EQ(s.transfer_input_outcomes,
            (std::vector<InputOutcome>{{InputResult::kOk, 2}, {InputResult::kOk, 3}}));
}

TEST(StTransferInputs, RefusedWhereNoTransferOrARaceWouldDecide) {
  State alone = Script({Up(A)});
  EXPECT_FALSE(Precondition(Script({}), UpWithInputs(A, {kSetK1})));  // no peer in service
  EXPECT_TRUE(Precondition(alone, UpWithInputs(B, {kSetK1})));
  EXPECT_FALSE(Precondition(alone, UpWithInputs(B, {kSetK1}, CrashPoint::kActionRegisterSent)));
  State full = Script({Up(A), Inject(A, Dir::kData, FaultKind::kDiskFull)});
  EXPECT_FALSE(Precondition(full, UpWithInputs(B, {kSetK1})));
  for (CrashPoint p : {CrashPoint::kActionSendStateReceived, CrashPoint::kInputBeforeDurable,
                       CrashPoint::kInputAfterDurable, CrashPoint::kActionAckSent}) {
    EXPECT_FALSE(Precondition(Script({Up(A, p)}), UpWithInputs(B, {kSetK1}))) << CrashPointName(p);
  }
  EXPECT_TRUE(Precondition(Script({Up(A, CrashPoint::kActionStateSent)}), UpWithInputs(B, {kSetK1})));
}

TEST(StTransferInputs, TheCommandTextReadsBack) {
  const Command c = UpWithInputs(B, {kSetK1, kDelK1}, CrashPoint::kReceiverMidApply);
  EXPECT_EQ(Describe(c), "Start(B, crash=receiver.mid_apply, inputs=[set k1=a, del k1])");
  auto back = ParseCommand(Describe(c));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(Describe(*back), Describe(c));
  EXPECT_FALSE(ParseCommand("Start(B, inputs=[])"));
  EXPECT_FALSE(ParseCommand("Start(B, inputs=[set k1=a,])"));
  EXPECT_FALSE(ParseCommand("Start(B, inputs=[put k1])"));
}

}  // namespace
}  // namespace lockstep::model::st
