// Helpers shared by the state-transfer model tests: command builders and a driver that
// applies a script of commands, failing the test if a precondition does not hold.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "model/state_transfer/commands.h"
#include "model/state_transfer/config.h"
#include "model/state_transfer/model.h"
#include "model/state_transfer/observation.h"
#include "model/state_transfer/state.h"

namespace lockstep::model::st::test_util {

inline constexpr Side A = Side::kA;
inline constexpr Side B = Side::kB;

inline Command Set(const std::string& key, const std::string& value) {
  return Submit{OpKind::kSet, key, value};
}
inline Command Del(const std::string& key) { return Submit{OpKind::kDel, key, ""}; }
inline Command Up(Side side, std::optional<CrashPoint> point = std::nullopt) {
  return Start{side, point};
}
// Start `side` with inputs submitted during its transfer (Start::inputs).
inline Command UpWithInputs(Side side, std::vector<Submit> inputs,
                            std::optional<CrashPoint> point = std::nullopt) {
  return Start{side, point, std::move(inputs)};
}
inline Command Kill(Side side) { return Crash{side}; }
inline Command Cut(Side side) { return PowerLoss{side}; }
inline Command Inject(Side side, Dir dir, FaultKind kind) { return InjectFault{side, dir, kind}; }
inline Command Remove(Side side, Dir dir) { return RemoveFault{side, dir}; }
inline Command Sync(Side from, Side to) { return OfflineSync{from, to}; }

// Applies each command in turn to `s`; every precondition must hold.
inline void RunOn(State& s, std::initializer_list<Command> script, const Config& config = {}) {
  for (const Command& c : script) {
    ASSERT_TRUE(Precondition(s, c)) << Describe(c) << " not allowed in\n" << DebugString(s);
    Apply(s, c, config);
  }
}

inline State Script(std::initializer_list<Command> script, const Config& config = {}) {
  State s;
  RunOn(s, script, config);
  return s;
}

// Both sides in service, in sync, with nothing submitted yet.
inline State Pair(const Config& config = {}) { return Script({Up(A), Up(B)}, config); }

}  // namespace lockstep::model::st::test_util
