// The catalogue of seeded bugs: deliberately broken variants of the implementation, each
// enabled in the child processes by LOCKSTEP_BUG=<name>, and the property that the property
// tests must catch it breaking. tests/properties/seeded_bugs_test.cc holds the harness to it.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/property/run_settings.h"

namespace lockstep::harness {

struct SeededBug {
  std::string name;         // LOCKSTEP_BUG value, e.g. "temp-file-left-behind"
  std::string protocol;     // "state-transfer" | "resync"
  std::string property;     // the property that must fail, e.g. "ST-4"
  std::string description;  // what is broken
  // The fault kinds it is hunted under (`lockstep run --bug` uses them unless --faults is
  // given). A bug is hunted without the faults that would mask its symptom: a sender that no
  // longer tries to send also never reaches its crash point, which ST-4 would report first.
  std::set<std::string> faults = kAllFaultKinds;
};

const std::vector<SeededBug>& SeededBugs();

// nullptr when there is no bug of that name.
const SeededBug* FindSeededBug(std::string_view name);

}  // namespace lockstep::harness
