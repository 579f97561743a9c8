// End-to-end tests of the state-transfer system under test: a real mds and two real logger
// processes in a fresh directory (StCluster), driven over their control sockets.
#include <signal.h>

#include <gtest/gtest.h>

#include "harness/control/control_client.h"
#include "harness/os/deadline.h"
#include "tests/impl/st_cluster.h"

namespace lockstep::testing {
namespace {

using harness::PollUntil;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

class StateTransfer : public ::testing::Test {
 protected:
  // mds, then A alone (simplex), then B by transfer; returns at a quiet point.
  void StartPair(const LoggerOptions& options = {}) {
    c_.StartMds();
    ASSERT_TRUE(c_.StartLogger('A', options));
    ASSERT_TRUE(c_.WaitSideState('A', "in_service"));
    ASSERT_TRUE(c_.StartLogger('B', options));
    ASSERT_TRUE(c_.WaitSideState('B', "in_service"));
    c_.WaitQuiet();
  }
  // Both sides report the same database and memory state.
  void ExpectAgreement() {
    const auto a = c_.LoggerStatus('A'), b = c_.LoggerStatus('B');
    ASSERT_TRUE(a && b);
    for (const char* field : {"checksum", "rows", "last_update_key", "log", "memory"}) {
      EXPECT_EQ((*a)[field], (*b)[field]) << field;
    }
  }
  static json Ok(std::uint64_t key) { return json{{"result", "ok"}, {"update_key", key}}; }

  StCluster c_;
};

TEST_F(StateTransfer, SimplexStartAcceptsInput) {
  c_.StartMds();
  EXPECT_EQ(c_.Submit("k", "v"), json({{"result", "unavailable"}}));
  ASSERT_TRUE(c_.StartLogger('A'));
  const json status = c_.WaitQuiet();
  EXPECT_EQ(status["sides"]["A"]["state"], "in_service");
  EXPECT_EQ(status["sides"]["B"]["state"], "down");
  EXPECT_EQ(c_.Submit("k", "v"), Ok(1));
  EXPECT_EQ(c_.Delete("k"), Ok(2));
  EXPECT_EQ(c_.Submit("k", "w"), Ok(3));
  const auto a = c_.LoggerStatus('A');
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)["rows"], json({{"k", "w"}}));
  EXPECT_EQ((*a)["memory"], json({{"k", 3}}));
  EXPECT_EQ((*a)["last_update_key"], 3);
  EXPECT_EQ(c_.MdsStatus()["high_water_key"], 3);
  EXPECT_EQ(c_.CountLogLines('A', "Checksum config complete: Rows = 0"), 1);
}

TEST_F(StateTransfer, InputReachesBothSides) {
  StartPair();
  EXPECT_EQ(c_.Submit("a", "1"), Ok(1));
  EXPECT_EQ(c_.Submit("b", "2"), Ok(2));
  c_.WaitQuiet();
  ExpectAgreement();
  EXPECT_EQ(c_.LoggerStatus('B').value()["rows"], json({{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(c_.Dump('A')["last_update_key"], 2);
}

TEST_F(StateTransfer, ControlSocketRejectsBadRequests) {
  c_.StartMds();
  const auto ask = [&](const json& request) {
    return harness::Request(c_.MdsSocket(), request, seconds(5)).value();
  };
  EXPECT_TRUE(ask({{"op", "nope"}}).contains("error"));
  EXPECT_TRUE(ask({{"op", "submit"}, {"kind", "set"}, {"key", "k"}}).contains("error"));
  EXPECT_TRUE(ask({{"op", 7}}).contains("error"));
  EXPECT_EQ(c_.MdsStatus()["last_update_key"], 0);  // nothing changed
}

// The mds and the loggers name what is wrong with a request alike (impl/common/control_answers.h).
TEST_F(StateTransfer, EveryControlSocketNamesAMissingOrUnknownOp) {
  StartPair();
  for (const std::string& socket : {c_.MdsSocket(), c_.SideSocket('A'), c_.SideSocket('B')}) {
    const auto ask = [&](const json& request) {
      return harness::Request(socket, request, seconds(5)).value();
    };
    EXPECT_EQ(ask({{"op", "nope"}}), json({{"error", "unknown op 'nope'"}})) << socket;
    EXPECT_EQ(ask({{"kind", "set"}}), json({{"error", "request has no string \"op\""}}))
        << socket;
  }
}

TEST_F(StateTransfer, ReturningSideGetsIncrementalTransfer) {
  StartPair();
  EXPECT_EQ(c_.Submit("a", "1"), Ok(1));
  c_.Crash('B');
  EXPECT_EQ(c_.Submit("b", "2"), Ok(2));  // acknowledged on A's strength alone
  EXPECT_EQ(c_.Submit("a", "3"), Ok(3));
  ASSERT_TRUE(c_.StartLogger('B'));
  ASSERT_TRUE(c_.WaitSideState('B', "in_service"));
  const json status = c_.WaitQuiet();
  EXPECT_EQ(status["sides"]["B"]["last_transfer"],
            json({{"mode", "incremental"}, {"entries_sent", 2}, {"upto", 3}}));
  EXPECT_EQ(status["sides"]["B"]["transfer_attempts"], 2);
  EXPECT_EQ(c_.CountLogLines('A', "completed Database Synchronization, 2 Config Message Log "
                                  "Entries Sent"), 1);
  EXPECT_EQ(c_.CountLogLines('A', "LastUpdateKey for B is 1"), 1);
  ExpectAgreement();
  EXPECT_TRUE(c_.TempFiles('A').empty());
}

TEST_F(StateTransfer, ReturningSideGetsFullCopyWhenTheLogIsShort) {
  LoggerOptions options;
  options.log_capacity = 2;
  StartPair(options);
  EXPECT_EQ(c_.Submit("a", "1"), Ok(1));
  c_.Crash('B');
  for (int i = 2; i <= 4; ++i) EXPECT_EQ(c_.Submit("k" + std::to_string(i), "v"), Ok(i));
  ASSERT_TRUE(c_.StartLogger('B', options));
  ASSERT_TRUE(c_.WaitSideState('B', "in_service"));
  const json status = c_.WaitQuiet();
  EXPECT_EQ(status["sides"]["B"]["last_transfer"],
            json({{"mode", "full"}, {"entries_sent", 0}, {"upto", 4}}));
  ExpectAgreement();
  EXPECT_EQ(c_.Dump('B'), c_.Dump('A'));
  EXPECT_EQ(c_.LoggerStatus('B').value()["log"].size(), 2u);
  EXPECT_EQ(c_.Submit("after", "x"), Ok(5));  // and both sides go on together
  c_.WaitQuiet();
  ExpectAgreement();
}

TEST_F(StateTransfer, InputDuringTransferIsQueuedForTheReceiver) {
  StartPair();
  EXPECT_EQ(c_.Submit("a", "1"), Ok(1));
  c_.Crash('B');
  c_.Signal('A', SIGSTOP);  // hold the sender before it answers send_state
  ASSERT_TRUE(c_.StartLogger('B'));
  ASSERT_TRUE(c_.WaitSideState('B', "receiving"));
  EXPECT_EQ(c_.MdsStatus()["busy"], true);
  const int pending = SendRequest(c_.MdsSocket(),
                                  {{"op", "submit"}, {"kind", "set"}, {"key", "b"}, {"value", "2"}},
                                  /*half_close=*/true);
  ASSERT_TRUE(PollUntil([&] { return c_.MdsStatus()["last_update_key"] == 2; }, seconds(5)));
  c_.Signal('A', SIGCONT);
  EXPECT_EQ(ReadAnswer(pending, seconds(5)), Ok(2));
  ASSERT_TRUE(c_.WaitSideState('B', "in_service"));
  const json status = c_.WaitQuiet();
  EXPECT_EQ(status["sides"]["B"]["last_transfer"],
            json({{"mode", "incremental"}, {"entries_sent", 0}, {"upto", 1}}));
  ExpectAgreement();
  EXPECT_EQ(c_.LoggerStatus('B').value()["rows"], json({{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(c_.LoggerStatus('B').value()["memory"], json({{"a", 1}, {"b", 1}}));
}

TEST_F(StateTransfer, SideBehindHighWaterIsStaleUntilPeerReturns) {
  StartPair();
  EXPECT_EQ(c_.Submit("a", "1"), Ok(1));
  c_.Crash('A');
  EXPECT_EQ(c_.Submit("b", "2"), Ok(2));  // high-water 2, A holds 1
  c_.Crash('B');
  ASSERT_TRUE(c_.StartLogger('A'));
  ASSERT_TRUE(c_.WaitSideState('A', "stale"));
  c_.WaitQuiet();
  EXPECT_EQ(c_.LoggerStatus('A').value()["state"], "stale");
  EXPECT_EQ(c_.Submit("c", "3"), json({{"result", "unavailable"}}));
  // A stale side has no timeout: it is still there after several transfer timeouts.
  EXPECT_FALSE(c_.WaitExit('A', milliseconds(1000)).has_value());
  ASSERT_TRUE(c_.StartLogger('B'));  // at the high-water key: simplex, then transfer to A
  ASSERT_TRUE(c_.WaitSideState('A', "in_service"));
  c_.WaitQuiet();
  ExpectAgreement();
  EXPECT_EQ(c_.LoggerStatus('A').value()["rows"], json({{"a", "1"}, {"b", "2"}}));
}

TEST_F(StateTransfer, OfflineSynchronizeMakesAStaleSideCurrent) {
  StartPair();
  EXPECT_EQ(c_.Submit("a", "1"), Ok(1));
  c_.Crash('A');
  EXPECT_EQ(c_.Submit("b", "2"), Ok(2));
  c_.Crash('B');
  const auto sync = c_.RunLoggerTool(
      {"--offline-synchronize", "--from", c_.DataDir('B'), "--to", c_.DataDir('A')});
  ASSERT_TRUE(sync) << sync.error().message;
  ASSERT_EQ(sync->exit.Describe(), "exit 0") << sync->output;
  ASSERT_TRUE(c_.StartLogger('A'));
  ASSERT_TRUE(c_.WaitSideState('A', "in_service"));
  EXPECT_EQ(c_.WaitQuiet()["sides"]["A"]["state"], "in_service");
}

TEST_F(StateTransfer, TempDirAccessDeniedFailsTheTransferCleanly) {
  StartPair();
  EXPECT_EQ(c_.Submit("a", "1"), Ok(1));
  c_.Crash('B');
  c_.DenyAccess(c_.TempDir('A'));
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(c_.StartLogger('B'));
  ASSERT_TRUE(PollUntil([&] { return !c_.MdsStatus()["sides"]["B"]["last_transfer_error"].is_null(); },
                        seconds(5)));
  const json status = c_.WaitQuiet();
  EXPECT_EQ(status["sides"]["B"]["last_transfer_error"],
            json({{"errno", 13}, {"cause", "Permission denied"}}));
  EXPECT_EQ(status["sides"]["B"]["state"], "receiving");
  EXPECT_EQ(status["sides"]["A"]["state"], "in_service");  // the sender stays in service
  EXPECT_EQ(c_.CountLogLines('A', "Unable to create temporary state transfer file: "
                                  "Permission denied [13]"), 1);
  EXPECT_EQ(c_.CountLogLines('A', "Unable to setup to use file in sending state"), 1);
  EXPECT_EQ(c_.CountLogLines('A', "CleanupPreparedState"), 1);
  EXPECT_EQ(c_.Submit("b", "2"), Ok(2));  // input goes on, on A's strength
  const auto exit = c_.WaitExit('B', seconds(3));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->Describe(), "exit 4");
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(3));
  EXPECT_GE(c_.CountLogLines('B', "Logger Waiting for MDS Messages"), 1);
  c_.RestoreAccess(c_.TempDir('A'));
  EXPECT_TRUE(c_.TempFiles('A').empty());
  ASSERT_TRUE(c_.WaitSideState('B', "down"));
  ASSERT_TRUE(c_.StartLogger('B'));  // the cause is gone: the next attempt succeeds
  ASSERT_TRUE(c_.WaitSideState('B', "in_service"));
  EXPECT_EQ(c_.WaitQuiet()["sides"]["B"]["transfer_attempts"], 3);
  ExpectAgreement();
}

TEST_F(StateTransfer, TempDirFullFailsTheTransferAndLeavesNoFile) {
  StartPair();
  c_.Crash('B');
  if (!c_.FillTempDir('A')) GTEST_SKIP() << "cannot mount tmpfs here";
  ASSERT_TRUE(c_.StartLogger('B'));
  ASSERT_TRUE(PollUntil([&] { return !c_.MdsStatus()["sides"]["B"]["last_transfer_error"].is_null(); },
                        seconds(5)));
  const json status = c_.WaitQuiet();
  EXPECT_EQ(status["sides"]["B"]["last_transfer_error"]["errno"], 28);
  EXPECT_EQ(c_.CountLogLines('A', "Unable to create temporary state transfer file: "
                                  "No space left on device [28]"), 1);
  EXPECT_TRUE(c_.TempFiles('A').empty());
  EXPECT_EQ(c_.WaitExit('B', seconds(3)).value().code, 4);
}

TEST_F(StateTransfer, DataDirDeniedMakesTheSideLeaveWithoutAck) {
  StartPair();
  c_.DenyAccess(c_.DataDir('B'));
  EXPECT_EQ(c_.Submit("a", "1"), Ok(1));  // B could not make it durable; A acknowledged
  const auto exit = c_.WaitExit('B', seconds(3));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->Describe(), "exit 3");
  EXPECT_EQ(c_.CountLogLines('B', "Permission denied [13]"), 1);
  c_.DenyAccess(c_.DataDir('A'));
  EXPECT_EQ(c_.Submit("b", "2"), json({{"result", "unavailable-after-accept"}, {"update_key", 2}}));
  EXPECT_EQ(c_.WaitExit('A', seconds(3)).value().code, 3);
  EXPECT_EQ(c_.WaitQuiet()["high_water_key"], 1);
  ASSERT_TRUE(c_.StartLogger('A'));  // a denied data dir cannot even be opened
  EXPECT_EQ(c_.WaitExit('A', seconds(3)).value().code, 3);
}

TEST_F(StateTransfer, CrashPointMidApplyLeavesTheOldDatabase) {
  StartPair();
  EXPECT_EQ(c_.Submit("a", "1"), Ok(1));
  c_.Crash('B');
  EXPECT_EQ(c_.Submit("b", "2"), Ok(2));
  const json before = c_.Dump('B');
  LoggerOptions crash;
  crash.env["LOCKSTEP_CRASH_POINT"] = "receiver.mid_apply";
  ASSERT_TRUE(c_.StartLogger('B', crash));
  const auto exit = c_.WaitExit('B', seconds(5));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->signal, SIGKILL);
  EXPECT_EQ(c_.Dump('B'), before);
  ASSERT_TRUE(c_.WaitSideState('B', "down"));
  ASSERT_TRUE(c_.StartLogger('B'));
  ASSERT_TRUE(c_.WaitSideState('B', "in_service"));
  c_.WaitQuiet();
  ExpectAgreement();
}

TEST_F(StateTransfer, CrashPointInSenderLeavesTempFileRemovedAtRestart) {
  c_.StartMds();
  LoggerOptions crash;
  crash.env["LOCKSTEP_CRASH_POINT"] = "sender.after_temp_create";
  ASSERT_TRUE(c_.StartLogger('A', crash));
  ASSERT_TRUE(c_.WaitSideState('A', "in_service"));
  EXPECT_EQ(c_.Submit("a", "1"), Ok(1));
  ASSERT_TRUE(c_.StartLogger('B'));
  EXPECT_EQ(c_.WaitExit('A', seconds(5)).value().signal, SIGKILL);
  EXPECT_EQ(c_.TempFiles('A').size(), 1u);
  const json status = c_.WaitQuiet();  // transfer abandoned; B waits, then asserts
  EXPECT_EQ(status["sides"]["B"]["state"], "receiving");
  EXPECT_EQ(c_.WaitExit('B', seconds(3)).value().code, 4);
  ASSERT_TRUE(c_.StartLogger('A'));
  ASSERT_TRUE(c_.WaitSideState('A', "in_service"));
  EXPECT_TRUE(c_.TempFiles('A').empty());
  EXPECT_EQ(c_.CountLogLines('A', "Removed leftover state transfer file"), 1);
}

TEST_F(StateTransfer, CrashPointAfterDurableKeepsTheInputWithoutAck) {
  c_.StartMds();
  LoggerOptions crash;
  crash.env["LOCKSTEP_CRASH_POINT"] = "logger.input.after_durable:2";
  ASSERT_TRUE(c_.StartLogger('A', crash));
  ASSERT_TRUE(c_.WaitSideState('A', "in_service"));
  EXPECT_EQ(c_.Submit("a", "1"), Ok(1));
  EXPECT_EQ(c_.Submit("b", "2"), json({{"result", "unavailable-after-accept"}, {"update_key", 2}}));
  EXPECT_EQ(c_.WaitExit('A', seconds(5)).value().signal, SIGKILL);
  EXPECT_EQ(c_.Dump('A')["last_update_key"], 2);  // durable, never acknowledged
  ASSERT_TRUE(c_.StartLogger('A'));               // ahead of the high-water key: may start
  ASSERT_TRUE(c_.WaitSideState('A', "in_service"));
  EXPECT_EQ(c_.WaitQuiet()["high_water_key"], 1);
}

}  // namespace
}  // namespace lockstep::testing
