// JournalWorlds: what the two journal sets of one resync system (impl/resync/README.md,
// "Journal format") may durably hold, as the resync event model (rs_event_model.h)
// reconstructs it from that system's trace alone.
//
// A trace does not say everything: `started` does not name the journal set a life runs on,
// and a life killed between a forced write and its `record_forced` line (docs/trace.md,
// rule 1) may have left a record without its line. So the durable state is a set of
// *worlds*: each world is one possible content of both sets (stamp, branches, partner table,
// damage) plus the set the current (or last) life runs on. A line that only some worlds
// explain keeps those (Keep); a line none explains is a violation, and the worlds are left as
// they were. Worlds that are equal are kept once, so the set stays small: it doubles at each
// start (set 1 or 2) and at each "maybe happened" record, and the next `stamp_read` /
// `stamp_assigned` / `recovered` collapses it again.
//
// What a world holds mirrors impl/resync/journal_state.h (JournalState::Apply), restricted to
// what a trace can check: a branch's role and state (not its writes), END, the partner table
// (stamp and startup of the last `partner` or `ignore` record per partner).
//
// Plain values; not thread-safe.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lockstep::harness::rs {

enum class TracedState { kInDoubt, kCommitted, kAborted, kManualPending };

struct TracedBranch {
  bool coordinator = false;  // a COMMIT record (else a PREPARED record)
  TracedState state = TracedState::kInDoubt;
  bool ended = false;  // coordinator: END forced
  auto operator<=>(const TracedBranch&) const = default;
};

struct SavedPartner {
  std::string stamp;
  std::string startup;
  auto operator<=>(const SavedPartner&) const = default;
};

// One journal set as its records say.
struct TracedJournal {
  std::string stamp;     // "" until a stamp record (freshly formatted)
  bool damaged = false;  // the harness corrupted a record with records after it (Corrupt)
  std::map<std::string, TracedBranch> branches;       // by DTRID
  std::map<std::string, SavedPartner> partners;        // by system name
  auto operator<=>(const TracedJournal&) const = default;

  std::size_t InDoubtCount() const;
  // Participant branches InDoubt whose coordinator (the DTRID's prefix) is `partner`.
  std::vector<std::string> InDoubtWith(const std::string& partner) const;
};

// A record forced into a journal, as `record_forced` shows it (plus, for `ignore`, the
// DTRIDs of the prompt answered: the line does not carry them).
struct ForcedRecord {
  std::string type;  // stamp, partner, prepared, commit, end, outcome, ignore, manual
  std::string dtrid, outcome, partner, stamp, startup;
  std::vector<std::string> dtrids;
};

// Applies `r` to `j` as JournalState::Apply does. Returns false, leaving `j` unspecified,
// when `j` cannot hold it (end/outcome/manual for a branch it lacks, ignore naming one).
bool ApplyRecord(TracedJournal& j, const ForcedRecord& r);

struct JournalWorld {
  int set = 1;  // the journal set the current or last life runs on (1 or 2)
  std::array<TracedJournal, 2> sets;
  auto operator<=>(const JournalWorld&) const = default;

  TracedJournal& current() { return sets[set - 1]; }
  const TracedJournal& current() const { return sets[set - 1]; }
};

class JournalWorlds {
 public:
  using Pred = std::function<bool(const JournalWorld&)>;

  // One world: both sets freshly formatted (the harness formats both at the start of a case).
  JournalWorlds();

  // A life starts: on set 1 or on set 2, in every world.
  void StartLife();
  // The harness formatted / corrupted set `set` (1 or 2): in every world.
  void Format(int set);
  void Corrupt(int set);
  // A record that may or may not be durable: each world is kept, plus a copy with `r`
  // applied to its current set where it applies. Several candidates are alternatives (at
  // most one of them happened): each is applied to the worlds as they were before.
  void AddMaybe(const std::vector<ForcedRecord>& candidates);
  // A record certainly forced on the current set: keeps the worlds that can hold it, with it
  // applied. Returns false (worlds unchanged) when none can.
  bool Force(const ForcedRecord& r);

  // Keeps the worlds where `pred` holds. Returns false (worlds unchanged) when none does.
  bool Keep(const Pred& pred);
  bool Any(const Pred& pred) const;

  const std::vector<JournalWorld>& worlds() const { return worlds_; }
  // A few lines: each world's sets, the current one marked.
  std::string Describe() const;

 private:
  void Dedup();
  std::vector<JournalWorld> worlds_;
};

}  // namespace lockstep::harness::rs
