#include "harness/bugs/seeded_bugs.h"

namespace lockstep::harness {

const std::vector<SeededBug>& SeededBugs() {
  static const std::vector<SeededBug> kBugs{
      {"memory-not-transferred", "state-transfer", "ST-1",
       "the sender sends an empty memory state, so the receiver's differs from its peer's"},
      {"ack-before-durable", "state-transfer", "ST-2",
       "a logger acknowledges an input before making it durable"},
      {"no-high-water-check", "state-transfer", "ST-3",
       "the mds lets a side behind the high-water key enter service alone"},
      {"temp-file-left-behind", "state-transfer", "ST-4",
       "on a temp-file write failure the sender leaves the partial file behind"},
      {"receiver-enters-after-failed-transfer", "state-transfer", "ST-4",
       "when the sender cannot set up the transfer, the receiver enters service with its old "
       "state"},
      {"sticky-transfer-failure", "state-transfer", "ST-5",
       "after one temp-file failure the sender fails every later transfer without trying",
       {"disk-full", "access-denied"}},
      {"receiver-waits-forever", "state-transfer", "ST-6",
       "the receiver never asserts when its transfer does not come"},
      {"non-atomic-apply", "state-transfer", "ST-7",
       "the receiver writes the new rows and the new update key in two durable steps"},
      {"resync-ignores-stamp", "resync", "RS-2",
       "a stamp mismatch is not seen: resync completes the in-doubt transactions by presumed "
       "abort, without a prompt",
       {"crash", "reformat"}},
      {"defer-lets-reads-through", "resync", "RS-3",
       "after DEFER a remote read at the deferred partner goes through the fence",
       {"crash", "reformat"}},
      {"ignore-lists-partial", "resync", "RS-4",
       "the prompt omits the COMMITs awaiting the partner's acknowledgement, so IGNORE leaves "
       "them to be completed silently",
       {"crash", "reformat"}},
      {"resync-presumes-abort", "resync", "RS-1",
       "resynchronization resolves every in-doubt branch by presumed abort, even when the "
       "coordinator committed",
       {"crash"}},
      {"recovery-skips-redo", "resync", "RS-6",
       "recovery does not redo committed writes that were forced but not yet applied",
       {"crash"}},
      {"startup-time-not-compared", "resync", "RS-5",
       "a recycled partner is not resynchronized before the next access, its new startup time "
       "is not saved",
       {"crash"}},
      {"vote-before-durable", "resync", "RS-8",
       "a participant votes yes before forcing PREPARED, so a full or denied journal does not "
       "stop the commit",
       {"disk-full", "access-denied"}},
      {"stamp-reassigned-at-start", "resync", "RS-7",
       "a new journal stamp at every start", {"crash"}},
  };
  return kBugs;
}

const SeededBug* FindSeededBug(std::string_view name) {
  for (const auto& bug : SeededBugs()) {
    if (bug.name == name) return &bug;
  }
  return nullptr;
}

}  // namespace lockstep::harness
