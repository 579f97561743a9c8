#include "harness/bugs/seeded_bugs.h"

#include "harness/protocols.h"

namespace lockstep::harness {

const std::vector<SeededBug>& SeededBugs() {
  static const std::vector<SeededBug> kBugs = [] {
    std::vector<SeededBug> all;
    for (const ProtocolPlugin* protocol : Protocols()) {
      all.insert(all.end(), protocol->bugs().begin(), protocol->bugs().end());
    }
    return all;
  }();
  return kBugs;
}

const SeededBug* FindSeededBug(std::string_view name) {
  for (const auto& bug : SeededBugs()) {
    if (bug.name == name) return &bug;
  }
  return nullptr;
}

}  // namespace lockstep::harness
