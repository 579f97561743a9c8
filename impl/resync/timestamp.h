// Journal stamps and startup times: wall-clock values in the product's format
// `YYYY-MM-DD-HH.MM.SS.ffffff` (UTC), e.g. `2003-01-30-08.07.42.278334`.
//
// Uniqueness (docs/design.md, resync decision 3): two values assigned on one machine are never
// equal. NewTimestamp() holds an exclusive flock on a machine-wide lock file
// ($TMPDIR/lockstep-timestamp.lock, else /tmp/...) while it reads the clock, and keeps holding
// it until the clock has moved on by at least one microsecond, so the next caller in any process
// reads a later value. If the lock file cannot be used it still guarantees uniqueness within
// the process (and says nothing: the stamp is still valid).
//
// Thread safety: call from one thread per process.
#pragma once

#include <string>

namespace lockstep::impl::resync {

// A fresh timestamp, strictly later than every earlier one of this machine (same clock), as
// microseconds since the epoch; FormatTimestamp turns it into the stamp format.
long long NewTimestampMicros();
std::string FormatTimestamp(long long micros);
// FormatTimestamp(NewTimestampMicros()).
std::string NewTimestamp();

// True when `text` has the stamp format.
bool IsTimestamp(const std::string& text);

}  // namespace lockstep::impl::resync
