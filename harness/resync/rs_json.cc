#include "harness/resync/rs_json.h"

#include <algorithm>

namespace lockstep::harness::rs {

namespace m = lockstep::model::rs;
using nlohmann::json;

int IdentityMap::Bind(const std::string& text, int predicted) {
  if (text.empty()) return 0;
  if (auto it = ids_.find(text); it != ids_.end()) return it->second;
  const int id = predicted > 0 && !texts_.contains(predicted) ? predicted : next_negative_--;
  ids_[text] = id;
  texts_[id] = text;
  return id;
}

bool IdentityMap::BindExact(const std::string& text, int id) {
  if (ids_.contains(text) || texts_.contains(id)) return false;
  ids_[text] = id;
  texts_[id] = text;
  return true;
}

std::optional<int> IdentityMap::Find(const std::string& text) const {
  if (auto it = ids_.find(text); it != ids_.end()) return it->second;
  return std::nullopt;
}

std::optional<std::string> IdentityMap::Text(int id) const {
  if (auto it = texts_.find(id); it != texts_.end()) return it->second;
  return std::nullopt;
}

namespace {

// A string field; null or missing reads as "" when `optional`.
Result<std::string> Str(const json& j, const char* name, const char* where, bool optional = false) {
  if (j.is_object() && j.contains(name) && j.at(name).is_string()) return j.at(name).get<std::string>();
  if (optional && (!j.is_object() || !j.contains(name) || j.at(name).is_null())) return std::string();
  return Fail(std::string(where) + ": missing or non-string field '" + name + "' in " +
              j.dump().substr(0, 200));
}

// A field of a status that must be there with its JSON type: a missing list is not an empty
// one (an implementation that leaves `branches` out would otherwise be judged as having none).
Result<const json*> Required(const json& status, const char* name, json::value_t type,
                             const char* type_name) {
  const auto it = status.find(name);
  if (it == status.end()) {
    return Fail(std::string("status: missing field '") + name + "' (" + type_name + ")");
  }
  if (it->type() != type) {
    return Fail(std::string("status: field '") + name + "' is not " + type_name + ": " +
                it->dump().substr(0, 200));
  }
  return &*it;
}

Result<m::BranchObservation> ParseBranch(const json& b) {
  auto role = Str(b, "role", "branch");
  auto state = Str(b, "state", "branch");
  if (!role) return std::unexpected(role.error());
  if (!state) return std::unexpected(state.error());
  m::BranchObservation o;
  if (*role != "coordinator" && *role != "participant") return Fail("branch: unknown role " + *role);
  o.role = *role == "coordinator" ? m::Role::kCoordinator : m::Role::kParticipant;
  static const std::map<std::string, m::BranchState> kStates{
      {"Active", m::BranchState::kActive}, {"InDoubt", m::BranchState::kInDoubt},
      {"Committed", m::BranchState::kCommitted}, {"Aborted", m::BranchState::kAborted},
      {"ManualPending", m::BranchState::kManualPending}};
  const auto it = kStates.find(*state);
  if (it == kStates.end()) return Fail("branch: unknown state '" + *state + "'");
  o.state = it->second;
  o.by_hand = b.value("completed_by_hand", false);
  return o;
}

Status ParsePartners(const json& partners, int count, RawSystem& out) {
  if (!partners.is_object()) return Fail("status: 'partners' is not an object");
  for (const auto& [name, p] : partners.items()) {
    auto index = SystemIndex(name, count);
    if (!index) return std::unexpected(index.error());
    auto stamp = Str(p, "saved_stamp", "partner", true);
    auto startup = Str(p, "saved_startup", "partner", true);
    if (!stamp) return std::unexpected(stamp.error());
    if (!startup) return std::unexpected(startup.error());
    if (stamp->empty() && startup->empty()) continue;  // nothing saved: no entry
    out.partners[*index] = RawPartner{*stamp, *startup, p.value("open_rm", false)};
  }
  return {};
}

Status ParsePrompts(const json& prompts, int count, RawSystem& out) {
  if (!prompts.is_array()) return Fail("status: 'prompts' is not an array");
  for (const auto& p : prompts) {
    auto partner = Str(p, "partner", "prompt");
    if (!partner) return std::unexpected(partner.error());
    auto index = SystemIndex(*partner, count);
    if (!index) return std::unexpected(index.error());
    auto old_stamp = Str(p, "old_stamp", "prompt", true);
    auto new_stamp = Str(p, "new_stamp", "prompt", true);
    if (!old_stamp) return std::unexpected(old_stamp.error());
    if (!new_stamp) return std::unexpected(new_stamp.error());
    // The implementation shows "(none)" as OLD when nothing was saved: identity 0.
    RawPrompt prompt{*old_stamp == "(none)" ? "" : *old_stamp, *new_stamp, {}};
    for (const auto& d : p.value("transactions", json::array())) {
      if (!d.is_string()) return Fail("prompt: a transaction is not a string");
      prompt.dtrids.push_back(d.get<std::string>());
    }
    out.prompts[*index] = std::move(prompt);
  }
  return {};
}

}  // namespace

Result<int> SystemIndex(const std::string& name, int count) {
  for (int i = 0; i < count; ++i) {
    if (m::SystemName(i) == name) return i;
  }
  return Fail("unknown system name '" + name + "'");
}

Result<RawSystem> ParseStatus(const json& status, int count) {
  RawSystem out;
  out.up = true;
  auto stamp = Str(status, "journal_stamp", "status");
  auto startup = Str(status, "startup_time", "status");
  if (!stamp) return std::unexpected(stamp.error());
  if (!startup) return std::unexpected(startup.error());
  out.stamp = *stamp;
  out.startup = *startup;
  auto partners = Required(status, "partners", json::value_t::object, "an object");
  auto branches = Required(status, "branches", json::value_t::array, "an array");
  auto rows = Required(status, "rows", json::value_t::object, "an object");
  auto prompts = Required(status, "prompts", json::value_t::array, "an array");
  auto fenced = Required(status, "fenced", json::value_t::array, "an array");
  for (const auto* field : {&partners, &branches, &rows, &prompts, &fenced}) {
    if (!*field) return std::unexpected(field->error());
  }
  if (auto s = ParsePartners(**partners, count, out); !s) return std::unexpected(s.error());
  for (const auto& b : **branches) {
    auto dtrid = Str(b, "dtrid", "branch");
    auto branch = ParseBranch(b);
    if (!dtrid) return std::unexpected(dtrid.error());
    if (!branch) return std::unexpected(branch.error());
    out.branches[*dtrid] = *branch;
  }
  try {
    out.rows = (*rows)->get<m::Rows>();
  } catch (const json::exception& e) {
    return Fail(std::string("status: 'rows' is not a map of strings: ") + e.what());
  }
  if (auto s = ParsePrompts(**prompts, count, out); !s) return std::unexpected(s.error());
  for (const auto& f : **fenced) {
    auto index = f.is_string() ? SystemIndex(f.get<std::string>(), count) : Fail("fenced: not a string");
    if (!index) return std::unexpected(index.error());
    out.fenced.push_back(*index);
  }
  std::sort(out.fenced.begin(), out.fenced.end());
  return out;
}

Result<m::OpOutcome> ParseTxnAnswer(const json& answer, std::string* dtrid) {
  auto result = Str(answer, "result", "txn answer");
  if (!result) return std::unexpected(result.error());
  *dtrid = answer.value("dtrid", std::string());
  if (*result == "committed") return m::OpOutcome{m::OpResult::kCommitted, ""};
  if (*result == "aborted") return m::OpOutcome{m::OpResult::kAborted, ""};
  if (*result == "unknown") return m::OpOutcome{m::OpResult::kUnknown, ""};
  return Fail("txn answer: unknown result '" + *result + "'");
}

Result<m::OpOutcome> ParseReadAnswer(const json& answer) {
  auto result = Str(answer, "result", "read answer");
  if (!result) return std::unexpected(result.error());
  if (*result == "found") {
    auto value = Str(answer, "value", "read answer");
    if (!value) return std::unexpected(value.error());
    return m::OpOutcome{m::OpResult::kValue, *value};
  }
  if (*result == "not_found") return m::OpOutcome{m::OpResult::kNotFound, ""};
  if (*result == "lock_timeout") return m::OpOutcome{m::OpResult::kLockTimeout, ""};
  if (*result == "fenced") return m::OpOutcome{m::OpResult::kFenced, ""};
  if (*result == "error") return m::OpOutcome{m::OpResult::kUnavailable, ""};
  return Fail("read answer: unknown result '" + *result + "'");
}

json TxnRequest(const m::Transaction& t) {
  json writes = json::object();
  for (const auto& [system, w] : t.writes) writes[m::SystemName(system)] = w;
  return json{{"op", "txn"}, {"writes", writes}};
}

namespace {

int Predicted(const std::map<int, m::PartnerObservation>& p, int y, bool stamp) {
  const auto it = p.find(y);
  if (it == p.end()) return 0;
  return stamp ? it->second.stamp : it->second.startup;
}

m::SystemObservation MapSystem(const RawSystem& raw, const m::SystemObservation& pred,
                               Identities& ids) {
  m::SystemObservation o;
  o.up = raw.up;
  o.last_exit = raw.last_exit;
  if (!raw.up) return o;
  o.stamp = ids.stamps.Bind(raw.stamp, pred.stamp);
  o.startup = ids.startups.Bind(raw.startup, pred.startup);
  for (const auto& [y, p] : raw.partners) {
    o.partners[y] = {ids.stamps.Bind(p.stamp, Predicted(pred.partners, y, true)),
                     ids.startups.Bind(p.startup, Predicted(pred.partners, y, false)), p.open_rm};
  }
  for (const auto& [dtrid, b] : raw.branches) o.branches[ids.dtrids.Bind(dtrid, ids.last_txn)] = b;
  o.rows = raw.rows;
  for (const auto& [y, p] : raw.prompts) {
    const auto it = pred.prompts.find(y);
    const m::PromptObservation none;
    const m::PromptObservation& want = it == pred.prompts.end() ? none : it->second;
    m::PromptObservation prompt{ids.stamps.Bind(p.old_stamp, want.old_stamp),
                                ids.stamps.Bind(p.new_stamp, want.new_stamp), {}};
    for (const auto& d : p.dtrids) prompt.txns.push_back(ids.dtrids.Bind(d, ids.last_txn));
    std::sort(prompt.txns.begin(), prompt.txns.end());
    o.prompts[y] = std::move(prompt);
  }
  o.fenced = raw.fenced;
  return o;
}

}  // namespace

m::Observation ToModel(const RawObservation& raw, const m::Observation& predicted,
                       Identities& ids) {
  m::Observation o;
  o.last_outcome = raw.last_outcome;
  const m::SystemObservation none;
  auto pred = [&](std::size_t x) -> const m::SystemObservation& {
    return x < predicted.systems.size() ? predicted.systems[x] : none;
  };
  // Every running system's own stamp and startup first: a system is where a new string is
  // born, so a partner table or prompt elsewhere that already shows it (a resync in the same
  // step) maps to the identity the model predicts for the system, not to a fresh one.
  for (std::size_t x = 0; x < raw.systems.size(); ++x) {
    if (!raw.systems[x].up) continue;
    ids.stamps.Bind(raw.systems[x].stamp, pred(x).stamp);
    ids.startups.Bind(raw.systems[x].startup, pred(x).startup);
  }
  for (std::size_t x = 0; x < raw.systems.size(); ++x) {
    o.systems.push_back(MapSystem(raw.systems[x], pred(x), ids));
  }
  return o;
}

}  // namespace lockstep::harness::rs
