// TxSystem, resynchronization (impl/resync/README.md, "Resynchronization").
//
// The initiator sends `resync` with its journal stamp, startup time, the stamp it saved for
// the partner, and its outstanding transactions with the partner (in_doubt: branches it holds
// InDoubt for the partner's transactions; committing: its COMMIT records not yet acknowledged
// by the partner). Each side has a stamp mismatch when it has outstanding transactions with the
// other and the other's current stamp differs from the one it saved. Either mismatch fails the
// resync for both: nothing is completed, nothing saved; the side with the mismatch prompts the
// operator (DC329021..DC329024) and fences the partner. Otherwise each side completes its
// InDoubt branches (commit iff the other's commit_records list holds them, i.e. it has a COMMIT
// record in any state, ManualPending and ended included: presumed abort), counts the other's
// resolution as the acknowledgement of its own COMMITs, and saves the other's stamp and
// startup time (partner record). Crash point resync.after_exchange: on both sides, once the
// other side's values are known and before anything is acted on; then a journal fault on either
// side fails the resync with nothing saved and no prompt. The responder refuses a resync while
// it fences the initiator (a deferred partner: unless it is a `vary rm`), and skips a
// start-time resync when neither side has outstanding transactions (decisions 11, 12, 19).
#include <algorithm>
#include <optional>

#include "impl/common/crash_point.h"
#include "impl/common/seeded_bug.h"
#include "impl/resync/txsys.h"

namespace lockstep::impl::resync {

using nlohmann::json;

namespace {
bool Lists(const json& list, const std::string& dtrid) {
  return list.is_array() && std::find(list.begin(), list.end(), json(dtrid)) != list.end();
}
bool NonEmpty(const json& request, const char* field) {
  const auto it = request.find(field);
  return it != request.end() && it->is_array() && !it->empty();
}

// What is wrong with a `resync` request, or nullopt when it has the shape of the table in
// impl/resync/README.md ("Control protocol"). Checked before anything is acted on, so a
// malformed request changes nothing: no partner record, no `resynced` flag, no prompt.
std::optional<std::string> MalformedResync(const json& request) {
  const auto string_field = [&](const char* name) {
    const auto it = request.find(name);
    return it != request.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
  };
  const std::string mode = StringField(request, "mode");
  if (mode != "access" && mode != "start" && mode != "vary_rm") {
    return "\"mode\" must be \"access\", \"start\" or \"vary_rm\"";
  }
  for (const char* name : {"stamp", "startup"}) {
    if (!string_field(name)) return "\"" + std::string(name) + "\" must be a non-empty string";
  }
  if (const auto it = request.find("journal_fault"); it == request.end() || !it->is_boolean()) {
    return "\"journal_fault\" must be true or false";
  }
  if (const auto it = request.find("saved_stamp");
      it != request.end() && !it->is_null() && !it->is_string()) {
    return "\"saved_stamp\" must be a string or null";
  }
  for (const char* name : {"in_doubt", "committing", "commit_records"}) {
    const auto it = request.find(name);
    if (it == request.end()) continue;
    if (!it->is_array() ||
        !std::all_of(it->begin(), it->end(), [](const json& d) { return d.is_string(); })) {
      return "\"" + std::string(name) + "\" must be a list of DTRID strings";
    }
  }
  return std::nullopt;
}
}  // namespace

std::string TxSystem::FenceError(const std::string& partner) const {
  return "fenced: resynchronization with " + partner + " pending";
}

bool TxSystem::HasOutstanding(const std::string& partner) const {
  return !state_.InDoubtWith(partner).empty() || !state_.CommittingWith(partner).empty();
}

bool TxSystem::MineMismatch(const std::string& partner, const std::string& stamp) const {
  if (!HasOutstanding(partner) || BugEnabled("resync-ignores-stamp")) return false;
  const auto it = state_.partners.find(partner);
  return it == state_.partners.end() || it->second.stamp != stamp;
}

bool TxSystem::NeedsResync(const std::string& from, const std::string& stamp,
                           const std::string& startup) const {
  const auto it = state_.partners.find(from);
  if (it == state_.partners.end()) return true;
  if (BugEnabled("startup-time-not-compared")) return it->second.stamp != stamp;
  return !links_.at(from).resynced || it->second.stamp != stamp || it->second.startup != startup;
}

// Decision 11: at start, with every running partner, in ascending order; the responder skips
// it when neither side has outstanding transactions or when it fences this system.
void TxSystem::ResyncAtStart(std::size_t index) {
  if (index >= links_.size()) return;
  const std::string partner = std::next(links_.begin(), static_cast<long>(index))->first;
  Resync(partner, [this, index](const Status&) { ResyncAtStart(index + 1); },
         ResyncMode::kStart);
}

void TxSystem::Resync(const std::string& partner, ResyncDone done, ResyncMode mode) {
  Link& link = links_.at(partner);
  link.resync_waiters.push_back(std::move(done));
  if (link.resync_running) return;
  link.resync_running = true;
  const auto saved = state_.partners.find(partner);
  link.journal_at_start = journal_->CheckWritable();
  static const char* const kModes[] = {"access", "start", "vary_rm"};
  json request{{"op", "resync"}, {"mode", kModes[static_cast<int>(mode)]},
               {"journal_fault", !link.journal_at_start},
               {"saved_stamp", saved == state_.partners.end() ? json(nullptr)
                                                              : json(saved->second.stamp)},
               {"in_doubt", state_.InDoubtWith(partner)},
               {"committing", state_.CommittingWith(partner)},
               {"commit_records", state_.CommitRecordsWith(partner)}};
  trace_.Record("resync_started", json{{"partner", partner}, {"mode", request["mode"]},
                                       {"journal_fault", request["journal_fault"]},
                                       {"saved_stamp", request["saved_stamp"]}});
  log_.Line("Resynchronization with " + partner + " started");
  CallPartner(partner, std::move(request),
              [this, partner](std::optional<json> answer) { OnResyncAnswer(partner, answer); });
}

void TxSystem::OnResyncAnswer(const std::string& partner, const std::optional<json>& answer) {
  if (!answer) return FinishResync(partner, Fail(partner + " is unreachable"), false);
  const std::string result = StringField(*answer, "result");
  if (result == "skipped") return FinishResync(partner, {}, false);
  if (result == "fenced") {
    return FinishResync(partner, Fail(FenceError(partner) + " (at " + partner + ")"), false);
  }
  if (result != "ok" && result != "mismatch") {
    return FinishResync(partner, Fail(partner + " refused: " + answer->dump()), false);
  }
  trace_.Record("resync_exchange", json{{"partner", partner}, {"role", "initiator"},
                                        {"result", result},
                                        {"stamp", answer->value("stamp", json(nullptr))},
                                        {"startup", answer->value("startup", json(nullptr))}});
  CrashPoint("resync.after_exchange");
  if (const Status& journal = links_.at(partner).journal_at_start; !journal) {  // decision 12
    const Error& fault = journal.error();
    return FinishResync(partner, Fail("journal fault: " + fault.message, fault.errnum), false);
  }
  const std::string stamp = StringField(*answer, "stamp");
  const std::string startup = StringField(*answer, "startup");
  if (stamp.empty() || startup.empty()) {  // nothing saved from an answer without them
    return FinishResync(partner, Fail(partner + " sent a malformed answer: " + answer->dump()),
                        false);
  }
  const bool mine = MineMismatch(partner, stamp);
  if (mine || (result == "mismatch" && !BugEnabled("resync-ignores-stamp"))) {
    if (mine) RaisePrompt(partner, stamp, startup);
    return FinishResync(partner,
                        Fail(FenceError(partner) + (mine ? "" : " (at " + partner + ")")), false);
  }
  Status outcome = Resolve(partner, *answer, /*initiator=*/true);
  if (outcome) outcome = SavePartner(partner, stamp, startup);
  if (outcome) ClearPrompt(partner);
  FinishResync(partner, outcome, outcome.has_value());
}

void TxSystem::FinishResync(const std::string& partner, const Status& outcome, bool synced) {
  Link& link = links_.at(partner);
  link.resync_running = false;
  link.resynced = synced;
  link.last_resync = outcome;
  json finished{{"partner", partner}, {"role", "initiator"},
                {"outcome", synced ? "complete" : outcome ? "not_needed" : "failed"}};
  if (!outcome) finished["error"] = outcome.error().message;
  trace_.Record("resync_finished", std::move(finished));
  const std::string what = "Resynchronization with " + partner;
  log_.Line(synced    ? what + " complete"
            : outcome ? what + " not needed"
                      : what + " failed: " + outcome.error().message);
  for (auto waiters = std::move(link.resync_waiters); auto& w : waiters) w(outcome);
}

void TxSystem::OnResyncRequest(ClientId id, const json& request) {
  const std::string from = StringField(request, "from");
  if (!links_.contains(from)) return Reply(id, json{{"error", "unknown partner '" + from + "'"}});
  if (const auto wrong = MalformedResync(request)) {
    trace_.Record("resync_refused", json{{"partner", from}, {"reason", "malformed: " + *wrong}});
    log_.Line("Resynchronization requested by " + from + " refused: malformed request: " + *wrong);
    return Reply(id, json{{"result", "error"}, {"error", "malformed resync request: " + *wrong}});
  }
  // A start-time request comes from a new process: whatever was resynchronized with the old
  // one no longer counts, even if this request is skipped or refused (recycle detection, RS-5;
  // the seeded bug that stops comparing startup times stops this too).
  if (StringField(request, "mode") == "start" && !BugEnabled("startup-time-not-compared")) {
    links_.at(from).resynced = false;
  }
  if (auto refusal = RefuseResync(from, request)) return Reply(id, *refusal);
  const std::string stamp = StringField(request, "stamp");
  const std::string startup = StringField(request, "startup");
  trace_.Record("resync_exchange", json{{"partner", from}, {"role", "responder"},
                                        {"mode", StringField(request, "mode")},
                                        {"stamp", stamp}, {"startup", startup}});
  CrashPoint("resync.after_exchange");
  const Status writable = journal_->CheckWritable();
  if (!writable || request.at("journal_fault").get<bool>()) {  // decision 12: nothing saved
    links_.at(from).resynced = false;  // a failed resync leaves the pair to resync again
    const std::string fault = writable ? "at " + from : writable.error().message;
    trace_.Record("resync_finished", json{{"partner", from}, {"role", "responder"},
                                          {"outcome", "failed"},
                                          {"error", "journal fault " + fault}});
    log_.Line("Resynchronization requested by " + from + " failed: journal fault " + fault);
    return Reply(id, json{{"result", "error"}, {"error", "journal fault " + fault}});
  }
  const bool mine = MineMismatch(from, stamp);
  const bool theirs = (NonEmpty(request, "in_doubt") || NonEmpty(request, "committing")) &&
                      request.value("saved_stamp", json(nullptr)) != json(state_.stamp);
  json answer{{"stamp", state_.stamp}, {"startup", startup_},
              {"in_doubt", state_.InDoubtWith(from)},
              {"committing", state_.CommittingWith(from)},
              {"commit_records", state_.CommitRecordsWith(from)}};
  Link& link = links_.at(from);
  if (mine || theirs) {
    if (mine) RaisePrompt(from, stamp, startup);
    link.resynced = false;
    trace_.Record("resync_finished",
                  json{{"partner", from}, {"role", "responder"}, {"outcome", "failed"},
                       {"error", std::string("journal stamp mismatch") + (mine ? "" : " at " + from)}});
    log_.Line("Resynchronization requested by " + from + " failed: journal stamp mismatch" +
              (mine ? "" : " at " + from));
    answer["result"] = "mismatch";
    return Reply(id, answer);
  }
  Status outcome = Resolve(from, request, /*initiator=*/false);
  if (outcome) outcome = SavePartner(from, stamp, startup);
  link.resynced = outcome.has_value();
  link.last_resync = outcome;
  json finished{{"partner", from}, {"role", "responder"},
                {"outcome", outcome ? "complete" : "failed"}};
  if (!outcome) finished["error"] = outcome.error().message;
  trace_.Record("resync_finished", std::move(finished));
  if (!outcome) return Reply(id, json{{"result", "error"}, {"error", outcome.error().message}});
  ClearPrompt(from);
  log_.Line("Resynchronization requested by " + from + " complete");
  answer["result"] = "ok";
  Reply(id, answer);
}

// Why a resync request from `from` is not run: it is fenced here (a prompt awaits its reply, or
// was deferred and this is not a `vary rm`), or it is a start-time resync and neither side has
// outstanding transactions. nullopt: run it.
std::optional<json> TxSystem::RefuseResync(const std::string& from, const json& request) {
  const std::string mode = StringField(request, "mode");
  if (PromptPending(from) || (Fenced(from) && mode != "vary_rm")) {
    trace_.Record("access_fenced", json{{"partner", from}, {"op", "resync"}});
    log_.Line("Resynchronization requested by " + from + " refused: " + FenceError(from));
    return json{{"result", "fenced"}, {"error", FenceError(from)}};
  }
  const bool theirs = NonEmpty(request, "in_doubt") || NonEmpty(request, "committing");
  if (mode == "start" && !theirs && !HasOutstanding(from)) {
    trace_.Record("resync_refused", json{{"partner", from}, {"reason", "skipped"}});
    return json{{"result", "skipped"}};
  }
  return std::nullopt;
}

// Completes this system's outstanding transactions with `partner` from the partner's half of
// the exchange (its `commit_records` and `in_doubt` lists). A forced write that fails stops it
// with that write's error, leaving the rest outstanding.
Status TxSystem::Resolve(const std::string& partner, const json& theirs, bool initiator) {
  const json their_commit_records = theirs.value("commit_records", json::array());
  const json their_in_doubt = theirs.value("in_doubt", json::array());
  for (const std::string& dtrid : state_.InDoubtWith(partner)) {
    const bool commit =
        Lists(their_commit_records, dtrid) && !BugEnabled("resync-presumes-abort");
    if (auto s = ForceOutcome(dtrid, commit, "resync"); !s) return s;
    log_.Line("Resolved " + dtrid + " by resynchronization with " + partner + ": " +
              (commit ? "commit" : "abort"));
    if (initiator && commit) {
      CallPeer(partner, json{{"op", "ack"}, {"dtrid", dtrid}}, [](std::optional<json>) {});
    }
  }
  for (const std::string& dtrid : state_.CommittingWith(partner)) {
    // The partner has resolved it durably: before answering (initiator), or earlier (it no
    // longer holds it InDoubt). Otherwise its `ack` follows once it has.
    if (!initiator && Lists(their_in_doubt, dtrid)) continue;
    state_.branches.at(dtrid).pending.erase(partner);
    MaybeEnd(dtrid);
  }
  return {};
}

// Forces a partner record with the partner's stamp and startup time unless the table holds
// them already.
Status TxSystem::SavePartner(const std::string& partner, const std::string& stamp,
                             const std::string& startup) {
  const auto it = state_.partners.find(partner);
  if (it != state_.partners.end() && it->second.stamp == stamp && it->second.startup == startup &&
      it->second.open_rm) {
    return {};
  }
  return Force(json{{"type", "partner"}, {"partner", partner}, {"stamp", stamp},
                    {"startup", startup}});
}

void TxSystem::RaisePrompt(const std::string& partner, const std::string& stamp,
                           const std::string& startup) {
  const auto saved = state_.partners.find(partner);
  Prompt p{.old_stamp = saved == state_.partners.end() ? "(none)" : saved->second.stamp,
           .new_stamp = stamp, .new_startup = startup};
  p.dtrids = state_.InDoubtWith(partner);
  if (!BugEnabled("ignore-lists-partial")) {
    for (const std::string& d : state_.CommittingWith(partner)) p.dtrids.push_back(d);
  }
  std::sort(p.dtrids.begin(), p.dtrids.end());
  const auto existing = prompts_.find(partner);
  if (existing != prompts_.end() && !existing->second.deferred &&
      existing->second.new_stamp == stamp && existing->second.dtrids == p.dtrids) {
    return;  // this prompt is already waiting for its reply
  }
  trace_.Record("prompt_shown", json{{"partner", partner}, {"old_stamp", p.old_stamp},
                                     {"new_stamp", p.new_stamp}, {"dtrids", p.dtrids}});
  auto line = [&](const char* id, const std::string& text) {
    p.lines.push_back(json{{"id", id}, {"text", text}});
    log_.Line(*id ? std::string(id) + " " + text : text);
  };
  line("DC329021", "Journal stamp mismatch for " + partner + " *OLD " + p.old_stamp);
  line("DC329022", "Journal stamp mismatch for " + partner + " *NEW " + p.new_stamp);
  line("", "RM Name  Dtrid  Branch  State");
  for (const std::string& d : p.dtrids) {
    const Branch& b = state_.branches.at(d);
    line("DC329023", partner + " " + d + " " + b.branch + " " + BranchStateName(b.state));
  }
  line("DC329024", "Reply with resynchronization action for " + partner + " (Ignore,Defer):");
  prompts_[partner] = std::move(p);
}

void TxSystem::ClearPrompt(const std::string& partner) {
  if (prompts_.contains(partner)) {
    trace_.Record("prompt_withdrawn", json{{"partner", partner}});
    prompts_.erase(partner);
    log_.Line("Resynchronization with " + partner + " succeeded: prompt withdrawn, " + partner +
              " no longer fenced");
  }
}

}  // namespace lockstep::impl::resync
