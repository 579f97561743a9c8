// The state-transfer model as an object of exhaustive search (model/explore/explorer.h):
// bounds, the command alphabet, symmetry reduction and the coverage abstraction.
//
// Bounds. A search state is a model State plus the budget it has used; the budgets bound
// Submit commands (inputs), crashes (Crash and PowerLoss commands and Starts with a crash
// point armed),
// directory faults (InjectFault) and Starts (every process start; without this bound a side
// could be restarted against a failing sender forever, each attempt growing
// transfer_attempts). RemoveFault and OfflineSync cost nothing: they only toggle or copy, so
// they cannot make the space infinite. Keys are "k0".."k<keys-1>", values "v0".."v<values-1>".
// Two states that differ only in budget used are distinct search states.
//
// Alphabet (in the order BFS tries them, which decides which of several shortest paths is
// reported): Submit set of every key/value and del of every key; Start of each side without
// a crash point; Start of each side with inputs during its transfer, [set k=v] and
// [set k=v, del k] for every key and value (they cost one input each); Crash of each side; PowerLoss of each side; Start of each side with each of
// the crash points;
// InjectFault of each side x directory x kind; RemoveFault of each side x directory;
// OfflineSync both ways.
//
// Symmetry. The model treats the two sides alike (Apply, Precondition and every invariant
// are symmetric under swapping A and B) and keys alike (renaming keys consistently in rows,
// logs, memory and history maps reachable states to reachable states, as the alphabet holds
// every key with every value). The canonical encoding is the least Encode() over the group
// {identity, swap} x (permutations of the key alphabet): 2 * keys! encodings per state.
//
// Coverage abstraction (AbstractEncode): per side its status, last exit, faults, armed crash
// point, where its last_update_key stands against the high-water key (behind, level, ahead),
// temp files (0, 1, 2+), the kind of its last send error, last transfer mode and last
// transfer errno; for the pair whether the databases and memories are equal, whether any
// input was acknowledged, and the last input outcome; the least over the side swap. Keys,
// values and history lengths are projected away, so states of property runs (longer, over
// more keys) fall into the same finite set.
//
// StExploreModel is immutable after construction; safe to share across threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "model/explore/explorer.h"
#include "model/explore/search_model.h"
#include "model/state_transfer/commands.h"
#include "model/state_transfer/config.h"
#include "model/state_transfer/state.h"

namespace lockstep::model::st {

// The defaults: about 633,000 distinct states (399,289 before Starts with inputs during a
// transfer joined the alphabet), searched in about 10 s on one core, sharing the machine
// with a build (bench/explorer_bench.cc).
struct Bounds {
  int inputs = 2;   // Submit commands and inputs submitted during a transfer
  int crashes = 2;  // Crash commands + Starts with a crash point
  int faults = 1;   // InjectFault commands
  int starts = 3;   // Start commands
  int keys = 2;     // key alphabet size (1..4)
  int values = 2;   // value alphabet size (1..4)
  int log_capacity = 1;  // Config::log_capacity: 1, so the log trims and both transfer modes occur
  bool operator==(const Bounds&) const = default;
};

// As text (model/explore/bounds_text.h says how it prints, parses and fails):
// "inputs=2,crashes=2,faults=1,starts=3,keys=2,values=2,log-capacity=1". ParseBounds overrides
// the fields of `base` that `text` names.
std::string ToString(const Bounds& b);
Result<Bounds> ParseBounds(std::string_view text, Bounds base = {});
// The smaller bounds at which coverage totals (N) are counted for property runs.
Bounds CoverageBounds();

// What a search state has used of the bounds (model/explore/budget.h).
struct Budget {
  std::uint8_t inputs = 0, crashes = 0, faults = 0, starts = 0;
  bool operator==(const Budget&) const = default;
};

using SearchState = explore::SearchStateOf<State, Budget>;

// The compact binary encoding of `s` (Encode() in state.h is this): injective, every field
// in a fixed order, varint numbers.
std::string EncodeCompact(const State& s);
// The least EncodeCompact() of `s` over the symmetry group, the keys being
// "k0".."k<keys-1>": equal for two states iff one is the other with sides swapped and/or
// keys renamed.
std::string CanonicalEncode(const State& s, int keys);
// The coverage abstraction (file comment), canonical over the side swap.
std::string AbstractEncode(const State& s);
// A small number for the kind of `c`, its sides left out (coverage transitions).
std::uint32_t CommandKind(const Command& c);

struct StSearch;  // the state-transfer hooks of the search (explore.cc)

// The search object; its members are SearchModel's (model/explore/search_model.h).
class StExploreModel
    : public explore::SearchModel<StSearch, State, Budget, Command, Bounds, Config> {
 public:
  explicit StExploreModel(const Bounds& bounds, Variant variant = Variant::kCorrect);
};

}  // namespace lockstep::model::st
