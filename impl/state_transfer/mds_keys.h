// MdsKeys: the mds's durable counters, in DIR/mds.json as
// {"high_water_key":N,"last_assigned_key":M}.
//
//  * high_water_key: the highest update key acknowledged ("ok") to a client. A side behind it
//    must not enter service alone (ST-3).
//  * last_assigned_key: the highest key handed out; stored before the input is delivered so
//    that a restarted mds never reuses a key a side may already hold.
// Writes are atomic and durable (staging file + fsync + rename + fsync of DIR).
// Invariant: high_water_key <= last_assigned_key.
// Thread safety: plain value and stateless functions.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"

namespace lockstep::impl {

struct MdsKeys {
  std::uint64_t high_water_key = 0;
  std::uint64_t last_assigned_key = 0;
};

// Loads DIR/mds.json; a missing file is {0, 0}. Fails when DIR cannot be opened or the file
// cannot be read or parsed.
[[nodiscard]] Result<MdsKeys> LoadMdsKeys(const std::string& dir);
[[nodiscard]] Status StoreMdsKeys(const std::string& dir, const MdsKeys& keys);

}  // namespace lockstep::impl
