// The true figures of a run: what each protocol's search ran, counted once.
//
// A protocol is checked by one RapidCheck search, and every one of its properties is checked on
// every step of it: each property sees the same cases, steps and faults, and they are counted
// once per protocol, never once per property. The protocol's time is shared: each property's
// duration is its equal share (ShareDuration), so the tests' durations add up to the time the
// protocols took.
//
// Derivation from the tests of a report (the report layer only has the tests): a protocol's
// cases, steps and faults of each kind are the most any of its tests shows (all equal in a
// report lockstep writes, and a merge keeps them equal, as it sums each property over the same
// shards); its duration is the sum of its tests' durations. The run's faults are the sum over
// its protocols.
//
// Thread safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "reports/property_result.h"

namespace lockstep::reports {

struct ProtocolTotals {
  std::uint64_t cases = 0, steps = 0;
  double duration_ms = 0;
  std::map<std::string, std::uint64_t> faults_by_kind;
  bool operator==(const ProtocolTotals&) const = default;
};

// Sets the duration of each of `one_protocol`'s properties to its equal share of `ms`, the
// time that protocol took.
void ShareDuration(std::vector<PropertyResult>& one_protocol, double ms);

// Protocol name -> its figures, for every protocol that has a property in `properties`.
std::map<std::string, ProtocolTotals> TotalsByProtocol(const std::vector<PropertyResult>& properties);

// Fault kind -> faults injected in the whole run: the sum over TotalsByProtocol.
std::map<std::string, std::uint64_t> RunFaults(const std::vector<PropertyResult>& properties);

}  // namespace lockstep::reports
