// The catalogue of seeded bugs over every registered protocol (harness/protocols.h), in
// registry order. tests/properties/seeded_bugs_test.cc holds the harness to it.
#pragma once

#include <string_view>
#include <vector>

#include "harness/property/seeded_bug.h"

namespace lockstep::harness {

const std::vector<SeededBug>& SeededBugs();

// nullptr when there is no bug of that name.
const SeededBug* FindSeededBug(std::string_view name);

}  // namespace lockstep::harness
