// CheckStep: an observation that matches the prediction passes, and each property fires on a
// deliberately wrong observation of the kind a seeded bug in the implementation produces.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "model/state_transfer/properties.h"
#include "tests/model/st_test_util.h"

namespace lockstep::model::st {
namespace {

using namespace test_util;  // NOLINT: test helpers

// One step of a property test: the model before and after `cmd`, and what a correct
// implementation would show (the prediction, with equal checksums on running sides).
struct StepCase {
  State before;
  Command cmd;
  State after;
  Observation observed;

  std::optional<Violation> Check() const { return CheckStep(before, cmd, after, observed); }
};

StepCase MakeStep(State before, const Command& cmd, const Config& config = {}) {
  StepCase c{before, cmd, before, {}};
  EXPECT_TRUE(Precondition(before, cmd)) << Describe(cmd);
  Apply(c.after, cmd, config);
  c.observed = Predict(c.after);
  for (SideObservation& x : c.observed.sides) {
    if (x.status != SideStatus::kDown) x.checksum = "00000000deadbeef";
  }
  return c;
}

// B returns behind A; A's temp dir is full: the transfer fails and B asserts.
StepCase FailedSend() {
  State s = Pair();
  RunOn(s, {Set("k1", "a"), Kill(B), Set("k2", "b"), Inject(A, Dir::kTemp, FaultKind::kDiskFull)});
  return MakeStep(s, Up(B));
}

// B returns behind A and receives successfully.
StepCase GoodTransfer() {
  State s = Pair();
  RunOn(s, {Set("k1", "a"), Kill(B), Set("k2", "b")});
  return MakeStep(s, Up(B));
}

// Expects `c` to be reported as property `id`, with a message containing `needle`.
void ExpectViolation(const StepCase& c, const std::string& id, const std::string& needle) {
  const auto v = c.Check();
  ASSERT_TRUE(v.has_value()) << "expected " << id;
  EXPECT_EQ(v->property_id, id) << v->message;
  EXPECT_STREQ(v->property_name.c_str(), PropertyName(id));
  EXPECT_NE(v->message.find(needle), std::string::npos) << v->message;
}

TEST(StCheckStep, CorrectObservationsPass) {
  for (const StepCase& c : {FailedSend(), GoodTransfer(), MakeStep(Pair(), Set("k", "v")),
                            MakeStep(State{}, Set("k", "v"))}) {
    EXPECT_EQ(c.Check(), std::nullopt) << DebugString(c.after);
  }
}

TEST(StCheckStep, ChecksumsAreIgnoredUnlessBothSidesServe) {
  StepCase c = FailedSend();  // B is down
  c.observed.at(A).checksum = "anything";
  EXPECT_EQ(c.Check(), std::nullopt);
}

// ---- ST-3 no stale service -------------------------------------------------------------

// The spec's ST-4 covers the receiver too: under a temp-directory fault it does not enter
// service. That outranks ST-3, which is about the high-water key.
TEST(StCheckStep, ST4ReceiverEntersServiceAfterAFailedTransfer) {
  StepCase c = FailedSend();
  c.observed.at(B).status = SideStatus::kInService;
  c.observed.at(B).last_exit = ExitKind::kNone;
  ExpectViolation(c, "ST-4", "side B: status observed in_service, model predicts down after the "
                             "transfer to it failed");
}

TEST(StCheckStep, ST3SideInServiceThatTheModelHoldsStale) {
  State s = Pair();
  RunOn(s, {Set("k1", "a"), Kill(B), Set("k2", "b"), Kill(A)});
  StepCase c = MakeStep(s, Up(B));  // B is behind the high-water key and its peer is down
  ASSERT_EQ(c.observed.at(B).status, SideStatus::kStale);
  c.observed.at(B).status = SideStatus::kInService;
  ExpectViolation(c, "ST-3", "side B: status observed in_service, model predicts stale");
}

TEST(StCheckStep, ST3SideInServiceBehindTheObservedHighWaterKey) {
  StepCase c = GoodTransfer();
  c.observed.high_water_key = 3;  // the mds acknowledged something nobody holds
  ExpectViolation(c, "ST-3", "behind the observed high-water key 3");
}

// ---- ST-6 bounded wait -----------------------------------------------------------------

TEST(StCheckStep, ST6ReceiverStillReceivingAtAQuietPoint) {
  StepCase c = FailedSend();
  c.observed.at(B).status = SideStatus::kReceiving;
  ExpectViolation(c, "ST-6", "side B: status observed receiving");
}

TEST(StCheckStep, ST6ReceiverDidNotAssertOnTimeout) {
  StepCase c = FailedSend();
  c.observed.at(B).last_exit = ExitKind::kKilled;
  ExpectViolation(c, "ST-6", "last_exit observed killed, model predicts transfer_timeout");
}

// ---- ST-4 clean failure ----------------------------------------------------------------

TEST(StCheckStep, ST4SenderLeavesItsTempFileBehind) {
  StepCase c = FailedSend();
  c.observed.at(A).temp_files = 1;
  ExpectViolation(c, "ST-4", "side A: temp_files observed 1, model predicts 0");
}

TEST(StCheckStep, ST4SenderDoesNotNameTheCause) {
  StepCase c = FailedSend();
  c.observed.at(A).logged_send_errors.clear();
  ExpectViolation(c, "ST-4", "logged_send_errors observed [], model predicts [28]");
  StepCase d = FailedSend();
  d.observed.at(B).last_transfer_errno = 13;
  ExpectViolation(d, "ST-4", "last_transfer_errno observed 13, model predicts 28");
  StepCase e = FailedSend();
  e.observed.at(B).transfer_attempts = 1;  // the mds did not count the attempt
  ExpectViolation(e, "ST-4", "transfer_attempts observed 1, model predicts 2");
}

TEST(StCheckStep, ST4SenderLeavesServiceAfterAFailedSend) {
  StepCase c = FailedSend();
  c.observed.at(A).status = SideStatus::kDown;
  c.observed.at(A).memory.clear();
  ExpectViolation(c, "ST-4", "side A: status observed down, model predicts in_service");
}

// ---- ST-7 atomic transfer --------------------------------------------------------------

TEST(StCheckStep, ST7ReceiverKilledMidApplyHoldsAMixedDatabase) {
  State s = Pair();
  RunOn(s, {Set("k1", "a"), Kill(B), Set("k2", "b")});
  StepCase c = MakeStep(s, Up(B, CrashPoint::kReceiverMidApply));
  c.observed.at(B).db.last_update_key = 2;  // new key over the old rows
  ExpectViolation(c, "ST-7", "side B: db (down) observed");
}

TEST(StCheckStep, ST7WrongTransferRecord) {
  StepCase c = GoodTransfer();
  c.observed.at(B).last_transfer->mode = TransferMode::kFull;
  ExpectViolation(c, "ST-7", "last_transfer observed full");
}

// ---- ST-5 recovery ---------------------------------------------------------------------

TEST(StCheckStep, ST5ReceiverDoesNotEnterServiceAfterAGoodTransfer) {
  StepCase c = GoodTransfer();
  c.observed.at(B).status = SideStatus::kStale;
  ExpectViolation(c, "ST-5", "side B: status observed stale, model predicts in_service");
}

TEST(StCheckStep, ST5RetryAfterTheFaultIsRemovedFails) {
  StepCase f = FailedSend();
  State s = f.after;
  RunOn(s, {Remove(A, Dir::kTemp)});
  StepCase c = MakeStep(s, Up(B));
  c.observed.at(B).status = SideStatus::kDown;
  c.observed.at(B).memory.clear();
  ExpectViolation(c, "ST-5", "side B: status observed down");
}

// A sender that keeps failing after the fault is gone: the receiver times out again and the
// sender logs another failure. Recovery is what broke, so ST-5 outranks ST-4 and ST-6.
TEST(StCheckStep, ST5OutranksTheSymptomsOfAFailedRecovery) {
  StepCase f = FailedSend();
  State s = f.after;
  RunOn(s, {Remove(A, Dir::kTemp)});
  StepCase c = MakeStep(s, Up(B));
  c.observed.at(B).status = SideStatus::kDown;
  c.observed.at(B).memory.clear();
  c.observed.at(B).last_exit = ExitKind::kTransferTimeout;
  c.observed.at(A).logged_send_errors.push_back(28);
  ExpectViolation(c, "ST-5", "side B: status observed down, model predicts in_service");
}

// ---- ST-2 no lost acknowledgement ------------------------------------------------------

TEST(StCheckStep, ST2WrongOutcomeOrHighWater) {
  StepCase c = MakeStep(Pair(), Set("k", "v"));
  c.observed.last_outcome = InputOutcome{InputResult::kUnavailableAfterAccept, 1};
  ExpectViolation(c, "ST-2",
                  "last_outcome observed unavailable-after-accept 1, model predicts ok 1");
  StepCase d = MakeStep(Pair(), Set("k", "v"));
  d.observed.high_water_key = 0;
  ExpectViolation(d, "ST-2", "high_water_key observed 0, model predicts 1");
}

TEST(StCheckStep, ST2InServiceReceiverMissesAnInput) {
  StepCase c = GoodTransfer();
  c.observed.at(B).db.rows.erase("k2");  // incremental transfer skipped an entry
  ExpectViolation(c, "ST-2", "side B: db (in service) observed");
}

TEST(StCheckStep, ST2OtherExitDifference) {
  State s = Pair();
  RunOn(s, {Inject(B, Dir::kData, FaultKind::kDiskFull)});
  StepCase c = MakeStep(s, Set("k", "v"));
  c.observed.at(B).last_exit = ExitKind::kKilled;
  ExpectViolation(c, "ST-2", "last_exit observed killed, model predicts data_error");
}

// ---- ST-1 agreement --------------------------------------------------------------------

TEST(StCheckStep, ST1MemoryNotTransferred) {
  StepCase c = GoodTransfer();
  c.observed.at(B).memory.clear();
  ExpectViolation(c, "ST-1", "side B: memory observed {}, model predicts {k1:1,k2:1}");
}

TEST(StCheckStep, ST1ChecksumsDiffer) {
  StepCase c = GoodTransfer();
  c.observed.at(B).checksum = "0000000000000001";
  ExpectViolation(c, "ST-1", "different checksums");
}

TEST(StCheckStep, ST1RemainingStatusDifference) {
  State s = Pair();
  RunOn(s, {Kill(B), Set("k1", "a"), Kill(A)});
  StepCase c = MakeStep(s, Up(B));  // B is stale
  c.observed.at(B).status = SideStatus::kDown;
  c.observed.at(B).checksum.clear();
  ExpectViolation(c, "ST-1", "side B: status observed down, model predicts stale");
}

// ---- Precedence ------------------------------------------------------------------------

TEST(StCheckStep, EarlierPropertyWinsWhenSeveralBreak) {
  StepCase c = FailedSend();
  c.observed.at(A).temp_files = 1;         // ST-4
  c.observed.last_outcome = std::nullopt;  // ST-2
  c.observed.at(A).memory.clear();         // ST-1
  const auto a_key = c.observed.at(A).db.last_update_key;
  c.observed.at(B).status = SideStatus::kReceiving;  // ST-6
  c.observed.at(A).db.last_update_key = 0;           // ST-3: A serves behind high-water
  ExpectViolation(c, "ST-4", "temp_files");          // ST-4 comes first
  c.observed.at(A).temp_files = 0;
  ExpectViolation(c, "ST-3", "side A: in service with last_update_key 0");
  c.observed.at(A).db.last_update_key = a_key;
  ExpectViolation(c, "ST-6", "receiving");
}

TEST(StCheckStep, MessageNamesTheCommand) {
  StepCase c = FailedSend();
  c.observed.at(A).temp_files = 1;
  const auto v = c.Check();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->message.rfind("after Start(B): ", 0), 0u) << v->message;
}

}  // namespace
}  // namespace lockstep::model::st
