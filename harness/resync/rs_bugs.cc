// The resync protocol's seeded bugs: deliberately broken variants of its implementation,
// each enabled in its processes by LOCKSTEP_BUG=<name>, and the property that must catch it.
#include "harness/resync/rs_protocol.h"

namespace lockstep::harness {

const std::vector<SeededBug>& ResyncProtocol::Bugs() {
  static const std::vector<SeededBug> kBugs{
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
      {"recovery-accepts-damaged-record", "resync", "RS-6",
       "recovery takes any damaged record for a torn last write and cuts it off with every "
       "record after it, so a corrupted journal starts with durable records lost",
       {"crash", "corrupt"}},
      {"lock-waits-miss-release", "resync", "RS-4",
       "a task waiting on a lock never sees it released: a read waiting on a ManualPending "
       "branch's lock while the operator completes the branch by hand fails with a lock "
       "timeout at its wait time instead of reading",
       {"crash", "reformat"}},
      {"reply-leaves-fenced-waits", "resync", "RS-3",
       "a task waiting on a fence is looked at again only when its wait time is up, so an "
       "operator's IGNORE does not release a read waiting on that partner: it fails at its "
       "wait time",
       {"crash", "reformat"}},
      {"lock-wait-cut-short", "resync", "RS-3",
       "a waiting task gives up at a third of its wait time (--lock-wait-ms): a locked or "
       "fenced access fails early, seen in the traces as a wait refused before its wait_ms",
       {"crash", "reformat"}},
  };
  return kBugs;
}

}  // namespace lockstep::harness
