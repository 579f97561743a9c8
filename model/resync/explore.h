// The resync model as an object of exhaustive search (model/explore/explorer.h): bounds, the
// command alphabet, symmetry reduction and the coverage abstraction.
//
// Bounds. A search state is a model State plus the budget it has used; the budgets bound
// Transactions, Reads, crashes (Crash commands and Starts with a crash point armed), Starts
// (every process start), journal changes (Format commands and Starts on the journal set other
// than the one the system last ran on: each gives the system a new stamp at its next start),
// operator answers (Reply and Complete) and journal faults (InjectFault, Corrupt). VaryRm and
// RemoveFault cost nothing: they only resynchronize or toggle, and no counter of the state
// grows through them, so they cannot make the space infinite. Keys are "k0".."k<keys-1>",
// values "v0".."v<values-1>"; a transaction writes one key on each system it names. Two
// states that differ only in budget used are distinct search states.
//
// Domain. The search keeps to the commands the harness runs on the real systems: the model's
// Precondition (which ResyncProtocol::Precondition in harness/resync/rs_protocol.cc is), and,
// as its generator does, no journal fault on a system that was never started (its journal
// directory does not exist yet). So every path it reports replays with `lockstep replay` as
// it is. (Mirrored here because model/ does not include harness/.)
//
// Alphabet (in the order BFS tries them, which decides which of several shortest paths is
// reported): Transaction (coordinator ascending, then its participants as a bit set, then the
// writes), Read, Start without a crash point (set 1, set 2), Crash, Start with each crash
// point, Format, Reply (ignore, defer), VaryRm, Complete (commit, backout) of each transaction
// number within the bound, InjectFault, RemoveFault, Corrupt (record 1, length: the model's
// outcome is the same for every record and damage) of set 1 and set 2; systems ascending
// within each.
//
// Symmetry. Keys are interchangeable and so are values: the model only copies, compares and
// locks them, and the alphabet holds every key with every value, so renaming keys (values)
// consistently in rows, transaction writes and the last read's answer maps reachable states to
// reachable states and keeps every verdict. Systems are interchangeable only when there are
// two: the model orders systems (PREPARE and sessions in ascending participant order, the
// first no vote stops the round; a starting system resynchronizes with its partners in
// ascending order), which matters only with two partners or participants; stamps, startups
// and transaction numbers are issued in event order, not by system, and every invariant is
// symmetric. With systems=2 the canonical encoding is the least compact encoding over
// {identity, swap} x key permutations x value permutations; with systems=3 over key and value
// permutations only.
//
// Coverage abstraction (AbstractEncode): per system that was ever started: up, last exit,
// journal fault, armed crash point, whether its set is stamped and whether damaged, which set it runs on, and a
// summary of its current journal's branches (how many in each role x state x by-hand class, 0,
// 1 or 2+; any redo pending; any coordinator branch not ended); per ordered pair of such
// systems: whether x's saved entry of y is missing, stale in stamp, stale in startup, or
// current, and whether x prompts about, has deferred, or counts y as resynchronized, and how
// many transactions are outstanding at x with y (0, 1, 2+); the kind of the last answer. The
// systems are listed in canonical order (their descriptions sorted), so the abstraction is
// the same for every renaming of systems, and systems never started are left out: a property
// run's three-system states with SYSTEM75 never started fall into the two-system set.
// Keys, values, identities and transaction numbers are projected away, so states of property
// runs (longer, over more keys and values) fall into the same finite set.
//
// RsExploreModel is immutable after construction; safe to share across threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "model/explore/explorer.h"
#include "model/explore/search_model.h"
#include "model/resync/commands.h"
#include "model/resync/config.h"
#include "model/resync/state.h"

namespace lockstep::model::rs {

// The defaults: about 758,000 distinct states, 13 levels deep (1.5 million without symmetry
// reduction, which only swaps the two systems here: one key, one value), searched in about
// 10 s on one core (bench/explorer_bench.cc measures keys=2 as well).
struct Bounds {
  int systems = 2;       // Config::systems (2 or 3)
  int transactions = 2;  // Transaction commands
  int reads = 1;         // Read commands
  int crashes = 1;       // Crash commands + Starts with a crash point
  int starts = 3;        // Start commands
  int formats = 1;       // Format commands + Starts on the other journal set
  int replies = 1;       // Reply and Complete commands, and reads carrying one
  int faults = 1;        // InjectFault commands
  int keys = 1;          // key alphabet size (1..3)
  int values = 1;        // value alphabet size (1..3)
  bool operator==(const Bounds&) const = default;
};

// As text (model/explore/bounds_text.h says how it prints, parses and fails):
// "systems=2,transactions=2,reads=1,crashes=1,starts=3,formats=1,replies=1,faults=1,keys=2,values=1".
// ParseBounds overrides the fields of `base` that `text` names.
std::string ToString(const Bounds& b);
Result<Bounds> ParseBounds(std::string_view text, Bounds base = {});
// The smaller bounds at which coverage totals (N) are counted for property runs.
Bounds CoverageBounds();

// What a search state has used of the bounds (model/explore/budget.h).
struct Budget {
  std::uint8_t transactions = 0, reads = 0, crashes = 0, starts = 0, formats = 0, replies = 0,
               faults = 0;
  bool operator==(const Budget&) const = default;
};

using SearchState = explore::SearchStateOf<State, Budget>;

// The compact binary encoding of `s` (Encode() in state.h is this): injective, every field
// in a fixed order, varint numbers.
std::string EncodeCompact(const State& s);
// The least EncodeCompact() of `s` over the symmetry group (file comment), the keys being
// "k0".."k<keys-1>" and the values "v0".."v<values-1>": equal for two states iff one is the
// other with keys and values renamed (and, with two systems, the systems swapped).
std::string CanonicalEncode(const State& s, int keys, int values);
// The coverage abstraction (file comment), the same for every renaming of systems.
std::string AbstractEncode(const State& s);
// A small number for the kind of `c`, its systems, keys and values left out (coverage
// transitions).
std::uint32_t CommandKind(const Command& c);

struct RsSearch;  // the resync hooks of the search (explore.cc)

// The search object; its members are SearchModel's (model/explore/search_model.h), Check's
// invariants RS-1..RS-8.
class RsExploreModel
    : public explore::SearchModel<RsSearch, State, Budget, Command, Bounds, Config> {
 public:
  // REQUIRES: bounds as ParseBounds accepts them.
  explicit RsExploreModel(const Bounds& bounds, Variant variant = Variant::kCorrect);
};

}  // namespace lockstep::model::rs
