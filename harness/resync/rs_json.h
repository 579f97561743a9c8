// Reading the resync control protocol's JSON answers (impl/resync/README.md) into a raw
// observation that still holds the implementation's strings (journal stamps, startup times,
// DTRIDs), and mapping a raw observation onto the model's integer identities
// (docs/design.md, resync decisions 3 and 22).
//
// Identities: each distinct observed stamp (startup, DTRID) string maps to one int for the
// whole case. A string seen for the first time is bound to the identity the model predicts at
// that place if that identity is not bound yet, else to a fresh negative number the model
// never predicts. So two observations are equal iff their strings are, and a re-stamped
// journal shows as a changed stamp (RS-7). DTRIDs are bound by the driver to the transaction
// number of the command that returned them; a DTRID first seen in a status (the coordinator
// died before answering) is bound to the latest transaction, if still unbound.
//
// Parsing functions fail with a message naming the field that is missing or malformed.
// Thread safety: none; Identities is owned by one RsSystem (which binds as it observes) and
// used on its thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "model/resync/commands.h"
#include "model/resync/observation.h"

namespace lockstep::harness::rs {

struct RawPartner {
  std::string stamp, startup;  // as saved in the partner table
  bool open_rm = false;
};
struct RawPrompt {
  std::string old_stamp, new_stamp;  // "" when none was saved
  std::vector<std::string> dtrids;
};
struct RawSystem {
  bool up = false;
  model::rs::ExitKind last_exit = model::rs::ExitKind::kNone;
  std::string stamp, startup;
  std::map<int, RawPartner> partners;  // saved entries only, by partner index
  std::map<std::string, model::rs::BranchObservation> branches;  // by DTRID
  model::rs::Rows rows;
  std::map<int, RawPrompt> prompts;  // by partner index
  std::vector<int> fenced;           // ascending partner indices
};

// One string namespace (stamps, startups or DTRIDs) mapped to the model's ints.
class IdentityMap {
 public:
  // The identity of `text` ("" is 0), binding it as described above.
  int Bind(const std::string& text, int predicted);
  // Binds `text` to `id` (DTRIDs answered by the coordinator). False if either is bound.
  bool BindExact(const std::string& text, int id);
  std::optional<int> Find(const std::string& text) const;
  std::optional<std::string> Text(int id) const;  // the string bound to id

 private:
  std::map<std::string, int> ids_;
  std::map<int, std::string> texts_;
  int next_negative_ = -1;
};

struct Identities {
  IdentityMap stamps, startups, dtrids;
  int last_txn = 0;  // transaction number of the latest Transaction command
};

struct RawObservation {
  std::vector<RawSystem> systems;
  std::optional<model::rs::OpOutcome> last_outcome;
};

// Index of "SYSTEM74" among `count` systems, or an error.
Result<int> SystemIndex(const std::string& name, int count);
// A running system's status answer (impl/resync/README.md "status"). `journal_stamp` and
// `startup_time` (strings), `partners` and `rows` (objects), `branches`, `prompts` and `fenced`
// (arrays) must be present with those types: an error names the first that is not.
Result<RawSystem> ParseStatus(const nlohmann::json& status, int count);
// The answer to {"op":"txn"}: committed / aborted / unknown, and the DTRID if any.
Result<model::rs::OpOutcome> ParseTxnAnswer(const nlohmann::json& answer, std::string* dtrid);
// The answer to {"op":"read"}: found / not_found / lock_timeout / fenced / error.
Result<model::rs::OpOutcome> ParseReadAnswer(const nlohmann::json& answer);
nlohmann::json TxnRequest(const model::rs::Transaction& t);

// Maps `raw` onto the model's identities, binding new strings in `ids` (the case's) at the
// places of `predicted`.
model::rs::Observation ToModel(const RawObservation& raw,
                               const model::rs::Observation& predicted, Identities& ids);

}  // namespace lockstep::harness::rs
