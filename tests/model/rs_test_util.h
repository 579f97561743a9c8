// Helpers shared by the resync model tests: command builders and a driver that applies a
// script of commands, failing the test if a precondition does not hold.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <string>

#include "model/resync/commands.h"
#include "model/resync/config.h"
#include "model/resync/model.h"
#include "model/resync/observation.h"
#include "model/resync/state.h"

namespace lockstep::model::rs::test_util {

inline constexpr int S73 = 0;
inline constexpr int S74 = 1;
inline constexpr int S75 = 2;

inline Command Txn(int coordinator, std::map<int, Writes> writes) {
  return Transaction{coordinator, std::move(writes)};
}
inline Command Rd(int system, const std::string& key, int via) { return Read{system, key, via}; }
inline Command Up(int system, int set = 1, std::optional<CrashPoint> point = std::nullopt) {
  return Start{system, set, point};
}
inline Command Kill(int system) { return Crash{system}; }
inline Command Fmt(int system, int set) { return Format{system, set}; }
inline Command Ignore(int system, int partner) {
  return Reply{system, partner, ReplyAction::kIgnore};
}
inline Command Defer(int system, int partner) {
  return Reply{system, partner, ReplyAction::kDefer};
}
inline Command Vary(int system, int partner) { return VaryRm{system, partner}; }
inline Command Done(int system, int txn, CompleteAction a) { return Complete{system, txn, a}; }
inline Command Inject(int system, JournalFault kind) { return InjectFault{system, kind}; }
inline Command Remove(int system) { return RemoveFault{system}; }
inline Command CorruptSet(int system, int set, Damage what = Damage::kLength) {
  return Corrupt{system, set, 1, what};
}

// Applies each command in turn to `s`; every precondition must hold.
inline void RunOn(State& s, std::initializer_list<Command> script) {
  for (const Command& c : script) {
    ASSERT_TRUE(Precondition(s, c)) << Describe(c) << " not allowed in\n" << DebugString(s);
    Apply(s, c);
  }
}

// Every system up on journal-1.
inline State AllUp(int systems = 2) {
  State s = InitialState(Config{systems});
  for (int x = 0; x < systems; ++x) RunOn(s, {Up(x)});
  return s;
}

// SYSTEM73 coordinates txn 1 (k1=v1 on SYSTEM74, c1=v1 on itself) and dies just before its
// COMMIT record: SYSTEM74 is left in doubt, SYSTEM73 is down.
inline State InDoubtAtParticipant() {
  State s = InitialState();
  RunOn(s, {Up(S73, 1, CrashPoint::kCoordBeforeCommitRecord), Up(S74),
            Txn(S73, {{S73, {{"c1", "v1"}}}, {S74, {{"k1", "v1"}}}})});
  return s;
}

inline const Branch* BranchOf(const State& s, int system, int txn) {
  const auto& b = s.at(system).journal().branches;
  const auto it = b.find(txn);
  return it == b.end() ? nullptr : &it->second;
}

inline BranchState StateOf(const State& s, int system, int txn) {
  const Branch* b = BranchOf(s, system, txn);
  EXPECT_NE(b, nullptr) << SystemName(system) << " has no branch of txn " << txn;
  return b ? b->state : BranchState::kActive;
}

inline OpResult Last(const State& s) {
  EXPECT_TRUE(s.last_outcome.has_value());
  return s.last_outcome ? s.last_outcome->result : OpResult::kUnavailable;
}

}  // namespace lockstep::model::rs::test_util
