// TxSystem: request dispatch, status and the operator commands (reply, vary_rm, complete).
#include <unistd.h>

#include "impl/common/action_hold.h"
#include "impl/common/control_answers.h"
#include "impl/common/seeded_bug.h"
#include "impl/resync/exit_status.h"
#include "impl/resync/txsys.h"

namespace lockstep::impl::resync {

using nlohmann::json;

TxSystem::Exit TxSystem::Dispatch(ClientId id, const json& request) {
  const std::string op = StringField(request, "op");
  if (op == "status") {
    Reply(id, StatusJson());
  } else if (op == "txn") {
    OnTxn(id, request);
  } else if (op == "read") {
    OnRead(id, request);
  } else if (op == "hold") {
    Reply(id, ArmHold(request, trace_.enabled()));
  } else if (op == "disarm_hold") {
    Reply(id, DisarmHold());
  } else if (op == "reply") {
    OnReply(id, request);
  } else if (op == "vary_rm") {
    OnVaryRm(id, request);
  } else if (op == "complete") {
    OnComplete(id, request);
  } else if (op == "shutdown") {
    clients_.at(id).answered = true;
    AnswerShutdown(*clients_.at(id).conn, log_);
    return kExitShutdown;
  } else if (op == "resync") {
    OnResyncRequest(id, request);
  } else if (op == "prepare") {
    OnPrepare(id, request);
  } else if (op == "commit" || op == "abort") {
    OnOutcome(id, request, op == "commit");
  } else if (op == "ack") {
    OnAck(id, request);
  } else if (op == "remote_read") {
    if (auto refusal = CheckPeer(request)) {
      RefusePeer(id, request, *refusal);
    } else {
      LocalRead(id, StringField(request, "key"));
    }
  } else {
    Reply(id, UnknownOpAnswer(op));
  }
  return std::nullopt;
}

json TxSystem::BranchJson(const Branch& b) const {
  json out{{"dtrid", b.dtrid},
           {"branch", b.branch},
           {"role", b.coordinator ? "coordinator" : "participant"},
           {"state", BranchStateName(b.state)},
           {"completed_by_hand", !b.manual.empty()},
           {"writes", b.writes}};
  if (!b.manual.empty()) out["manual_outcome"] = b.manual;
  if (b.coordinator) {
    out["participants"] = b.participants;
    out["pending"] = b.pending;
    out["ended"] = b.ended;
  } else {
    out["coordinator"] = b.coordinator_name;
  }
  return out;
}

json TxSystem::StatusJson() const {
  json partners = json::object();
  for (const auto& [name, link] : links_) {
    const auto saved = state_.partners.find(name);
    const bool known = saved != state_.partners.end();
    partners[name] = json{{"saved_stamp", known ? json(saved->second.stamp) : json(nullptr)},
                          {"saved_startup", known ? json(saved->second.startup) : json(nullptr)},
                          {"open_rm", known && saved->second.open_rm},
                          {"resynced", link.resynced},
                          {"resync_running", link.resync_running},
                          {"fenced", Fenced(name)},
                          {"last_resync_error",
                           link.last_resync ? std::string() : link.last_resync.error().message}};
  }
  json branches = json::array();
  for (const auto& [dtrid, b] : state_.branches) branches.push_back(BranchJson(b));
  json prompts = json::array(), fenced = json::array(), deferred = json::array();
  for (const auto& [partner, p] : prompts_) {
    fenced.push_back(partner);
    if (p.deferred) {
      deferred.push_back(partner);
      continue;
    }
    prompts.push_back(json{{"partner", partner}, {"old_stamp", p.old_stamp},
                           {"new_stamp", p.new_stamp}, {"transactions", p.dtrids},
                           {"messages", p.lines}});
  }
  json waits = json::array();
  const auto now = Clock::now();
  for (const Waiter& w : waiters_) {
    waits.push_back(json{{"kind", w.kind}, {"waiting_for", w.why},
                         {"waited_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                           now - w.since).count()}});
  }
  json locks = json::object();
  for (const auto& [key, dtrid] : state_.LockedKeys()) locks[key] = dtrid;
  for (const auto& [key, dtrid] : txn_locks_) locks[key] = dtrid;
  return json{{"system", config_.name}, {"up", true}, {"pid", getpid()},
              {"startup_time", startup_}, {"journal_stamp", state_.stamp},
              {"journal", config_.journal_dir}, {"busy", Busy()},
              {"partners", std::move(partners)}, {"branches", std::move(branches)},
              {"prompts", std::move(prompts)}, {"fenced", std::move(fenced)},
              {"deferred", std::move(deferred)},
              {"lock_waits", std::move(waits)}, {"locks", std::move(locks)},
              {"rows", db_.rows}};
}

void TxSystem::OnReply(ClientId id, const json& request) {
  const std::string partner = StringField(request, "partner");
  const std::string action = StringField(request, "action");
  // The request's own fields first: a malformed reply is refused as such, prompt or not.
  if (partner.empty()) return Reply(id, json{{"error", "reply needs a string \"partner\""}});
  if (action != "ignore" && action != "defer") {
    return Reply(id, json{{"error", "action must be \"ignore\" or \"defer\""}});
  }
  const auto it = prompts_.find(partner);
  if (it == prompts_.end() || it->second.deferred) {
    return Reply(id, json{{"error", "no resynchronization reply is pending for '" + partner +
                                        "'"}});
  }
  Prompt& prompt = it->second;
  trace_.Record("reply_taken",
                json{{"partner", partner}, {"action", action}, {"dtrids", prompt.dtrids}});
  if (action == "defer") {
    prompt.deferred = true;
    log_.Line("Operator replied DEFER for " + partner + ": resynchronization postponed, " +
              partner + " stays fenced");
    return Reply(id, json{{"result", "ok"}});
  }
  const std::vector<std::string> dtrids = prompt.dtrids;
  const json record{{"type", "ignore"}, {"partner", partner}, {"stamp", prompt.new_stamp},
                    {"startup", prompt.new_startup}, {"dtrids", dtrids}};
  if (auto s = Force(record); !s) return Reply(id, json{{"error", s.error().message}});
  prompts_.erase(it);
  // Decision 17: the pair counts as resynchronized only after the next resync.
  links_.at(partner).resynced = false;
  log_.Line("Operator replied IGNORE for " + partner + ": " + std::to_string(dtrids.size()) +
            " transactions are ManualPending and need manual completion");
  Reply(id, json{{"result", "ok"}, {"manual_pending", dtrids}});
}

void TxSystem::OnVaryRm(ClientId id, const json& request) {
  const std::string partner = StringField(request, "partner");
  if (partner.empty()) return Reply(id, json{{"error", "vary_rm needs a string \"partner\""}});
  if (!links_.contains(partner)) {
    return Reply(id, json{{"error", "unknown partner '" + partner + "'"}});
  }
  trace_.Record("vary_rm", json{{"partner", partner}});
  log_.Line("Operator: vary rm " + partner);
  if (PromptPending(partner)) {  // decision 19: nothing happens while a reply is awaited
    return Reply(id, json{{"result", "failed"},
                          {"error", "a reply for " + partner + " is pending: reply first"}});
  }
  links_.at(partner).resynced = false;
  Resync(partner, [this, id](const Status& outcome) {
    Reply(id, outcome ? json{{"result", "ok"}}
                      : json{{"result", "failed"}, {"error", outcome.error().message}});
  }, ResyncMode::kVaryRm);
}

void TxSystem::OnComplete(ClientId id, const json& request) {
  const std::string dtrid = StringField(request, "dtrid");
  const std::string action = StringField(request, "action");
  if (dtrid.empty()) return Reply(id, json{{"error", "complete needs a string \"dtrid\""}});
  if (action != "commit" && action != "backout") {
    return Reply(id, json{{"error", "action must be \"commit\" or \"backout\""}});
  }
  const auto it = state_.branches.find(dtrid);
  if (it == state_.branches.end() || it->second.state != BranchState::kManualPending) {
    return Reply(id, json{{"error", "no ManualPending branch '" + dtrid + "'"}});
  }
  if (it->second.coordinator && action == "backout") {
    return Reply(id, json{{"error", "branch " + dtrid + " is the coordinator's: its writes "
                                    "were committed with the COMMIT record; only commit"}});
  }
  trace_.Record("completed_by_hand", json{{"dtrid", dtrid}, {"action", action}});
  if (auto s = Force(json{{"type", "manual"}, {"dtrid", dtrid}, {"outcome", action}}); !s) {
    return Reply(id, json{{"error", s.error().message}});
  }
  log_.Line("Operator completed " + dtrid + " by hand: " + action);
  if (state_.branches.at(dtrid).coordinator) MaybeEnd(dtrid, EndCause::kCompletedByHand);
  Reply(id, json{{"result", "ok"}});
}

}  // namespace lockstep::impl::resync
