// SeededBug: one deliberately broken variant of a protocol's implementation, enabled in the
// child processes by LOCKSTEP_BUG=<name>, and the property the property tests must catch it
// breaking. Each protocol lists its own (P::Bugs()); harness/bugs/seeded_bugs.h is the
// catalogue over every registered protocol.
#pragma once

#include <set>
#include <string>

#include "harness/property/run_settings.h"

namespace lockstep::harness {

struct SeededBug {
  std::string name;         // LOCKSTEP_BUG value, e.g. "temp-file-left-behind"
  std::string protocol;     // the protocol's name, e.g. "state-transfer"
  std::string property;     // the property that must fail, e.g. "ST-4"
  std::string description;  // what is broken
  // The fault kinds it is hunted under (`lockstep run --bug` uses them unless --faults is
  // given). A bug is hunted without the faults that would mask its symptom: a sender that no
  // longer tries to send also never reaches its crash point, which ST-4 would report first.
  std::set<std::string> faults = kAllFaultKinds;
};

}  // namespace lockstep::harness
