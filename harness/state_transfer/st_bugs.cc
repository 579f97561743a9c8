// The state-transfer protocol's seeded bugs: deliberately broken variants of its implementation,
// each enabled in its processes by LOCKSTEP_BUG=<name>, and the property that must catch it.
#include "harness/state_transfer/st_protocol.h"

namespace lockstep::harness {

const std::vector<SeededBug>& StateTransferProtocol::Bugs() {
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
      // Needs two inputs queued during one transfer: Start(B, inputs=[...]) holds the sender.
      // The receiver ends in service on the older of the two keys, behind the high-water key.
      {"queued-inputs-out-of-order", "state-transfer", "ST-3",
       "the mds forwards the inputs queued during a transfer newest first, so the receiver "
       "applies them out of order"},
      {"sticky-transfer-failure", "state-transfer", "ST-5",
       "after one temp-file failure the sender fails every later transfer without trying",
       {"disk-full", "access-denied"}},
      {"receiver-waits-forever", "state-transfer", "ST-6",
       "the receiver never asserts when its transfer does not come"},
      // Seen only by the receiver's own clock in its trace (ST-6 measured, st_event_model.h):
      // the quiet-point check allows twice the timeout plus 5 s.
      {"receiver-asserts-late", "state-transfer", "ST-6",
       "the receiver asserts at twice its transfer timeout"},
      // Seen only by the receiver's own clock in its trace (ST-5 measured): in service at
      // the quiet point, well inside its slack.
      {"receiver-enters-service-late", "state-transfer", "ST-5",
       "the receiver enters service only at twice its transfer timeout"},
      {"non-atomic-apply", "state-transfer", "ST-7",
       "the receiver writes the new rows and the new update key in two durable steps"},
      // Transient: whole again at the quiet point. Trace validation sees it (a receiver's
      // service_entered before its state_applied); so does a crash at the traced action
      // service_entered. With both off it passes (tests/properties/st_transient_bug_test.cc).
      {"in-service-before-apply", "state-transfer", "ST-7",
       "the receiver reports itself in service when the state arrives and applies it after: "
       "for a moment it serves its old database"},
      {"startup-rewrites-database-in-place", "state-transfer", "ST-7",
       "at start a logger rewrites its database in place (reset to empty, then refilled): a "
       "crash at its traced action database_loaded leaves it empty"},
      // Only a power cut drops what a SIGKILL keeps; the first observation after it is the
      // cut side's database, down, which ST-7 owns (model/state_transfer/properties.h).
      {"ack-without-fsync", "state-transfer", "ST-7",
       "a logger acknowledges an input whose new database it renamed into place without "
       "fsyncing it first: after a power cut db.json is empty",
       {"power-loss"}},
      {"rename-without-dir-fsync", "state-transfer", "ST-7",
       "a logger renames its new database (input or received state) into place without "
       "fsyncing the directory: a power cut undoes the rename",
       {"power-loss"}},
  };
  return kBugs;
}

}  // namespace lockstep::harness
