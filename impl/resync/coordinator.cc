// TxSystem, coordinator side: a `txn` request runs presumed-abort two-phase commit.
//
// Steps (crash points in brackets): a locked own key aborts at once; wait until every
// participant, in ascending order, is reachable (else aborted at once), resynchronized and not
// fenced (or --lock-wait-ms passes: aborted); lock the own keys; PREPARE to each participant
// in ascending order, the first no or missing vote stopping it; all yes ->
// [coord.before_commit_record] force COMMIT (participants + own writes)
// [coord.after_commit_record], apply the own writes, COMMIT to every participant; when every
// participant acknowledged -> [coord.before_end_record] END. A no vote, a missing answer or a
// failed COMMIT write -> ABORT to those that voted yes (not journaled).
#include <cstdio>

#include "impl/common/crash_point.h"
#include "impl/resync/txsys.h"

namespace lockstep::impl::resync {

using nlohmann::json;

std::string TxSystem::NewDtrid() {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016llX-%016llX", static_cast<unsigned long long>(startup_micros_),
                static_cast<unsigned long long>(next_dtrid_++));
  return config_.name + "::" + buf;
}

void TxSystem::OnTxn(ClientId id, const json& request) {
  const auto writes = request.find("writes");
  if (writes == request.end() || !writes->is_object() || writes->empty()) {
    return Reply(id, json{{"error", "txn needs a non-empty \"writes\" object"}});
  }
  Txn txn{.client = id};
  for (const auto& [system, kv] : writes->items()) {
    if (system != config_.name && !links_.contains(system)) {
      return Reply(id, json{{"error", "unknown system '" + system + "' in writes"}});
    }
    if (!kv.is_object() || kv.empty()) {
      return Reply(id, json{{"error", "writes for " + system + " must be a non-empty object"}});
    }
    for (const auto& [key, value] : kv.items()) {
      if (!value.is_string()) {
        return Reply(id, json{{"error", "value of " + key + " at " + system + " is not a string"}});
      }
      txn.writes[system][key] = value.get<std::string>();
    }
    if (system != config_.name) txn.participants.push_back(system);
  }
  const std::string dtrid = NewDtrid();
  trace_.Record("txn_begun", json{{"dtrid", dtrid}, {"participants", txn.participants},
                                  {"writes", *writes}});
  txns_[dtrid] = std::move(txn);
  log_.Line("Transaction " + dtrid + " begins");
  Wait("txn", [this, dtrid] { return TryStartTxn(dtrid); },
       [this, dtrid](const std::string& why) { FinishTxn(dtrid, "aborted", why); });
}

std::optional<std::string> TxSystem::TryStartTxn(const std::string& dtrid) {
  Txn& t = txns_.at(dtrid);
  // Decision 14: a locked own key aborts at once, before any session with a participant.
  for (const auto& [key, value] : t.writes[config_.name]) {
    if (LockHolder(key)) {
      FinishTxn(dtrid, "aborted", "lock timeout on " + key);
      return std::nullopt;
    }
  }
  for (const std::string& p : t.participants) {
    // A participant that is down aborts the transaction before anything is sent to it or to
    // the participants after it, even when this process still counts it as resynchronized.
    if (!Reachable(p)) {
      FinishTxn(dtrid, "aborted", p + " is unreachable");
      return std::nullopt;
    }
    if (Fenced(p)) return FenceError(p);
    if (!t.resync) {
      FinishTxn(dtrid, "aborted", t.resync.error().message);
      return std::nullopt;
    }
    if (links_.at(p).resync_running) return "waiting for resynchronization with " + p;
    if (!links_.at(p).resynced) {
      Resync(p, [this, dtrid](const Status& outcome) {
        const auto it = txns_.find(dtrid);
        if (it != txns_.end() && !outcome) it->second.resync = outcome;
      });
      return "waiting for resynchronization with " + p;
    }
  }
  for (const auto& [key, value] : t.writes[config_.name]) txn_locks_[key] = dtrid;
  t.started = true;
  if (t.participants.empty()) {
    CommitTxn(dtrid);
    return std::nullopt;
  }
  PrepareNext(dtrid);
  return std::nullopt;
}

// PREPARE to the participants one at a time, in ascending order; the first no stops it.
void TxSystem::PrepareNext(const std::string& dtrid) {
  Txn& t = txns_.at(dtrid);
  if (t.next_prepare == t.participants.size()) return CommitTxn(dtrid);
  const std::string p = t.participants[t.next_prepare++];
  ++t.calls;
  CallPeer(p, json{{"op", "prepare"}, {"dtrid", dtrid}, {"writes", t.writes[p]}},
           [this, dtrid, p](std::optional<json> a) { OnVote(dtrid, p, a); });
}

void TxSystem::OnVote(const std::string& dtrid, const std::string& partner,
                      const std::optional<json>& answer) {
  Txn& t = txns_.at(dtrid);
  --t.calls;
  if (answer && StringField(*answer, "vote") == "yes") {
    t.yes.insert(partner);
  } else if (t.no_reason.empty()) {
    std::string why = !answer ? "no answer" : StringField(*answer, "reason");
    if (why.empty() && answer) why = StringField(*answer, "error");
    t.no_reason = partner + " voted no: " + why;
  }
  if (t.no_reason.empty()) {
    PrepareNext(dtrid);
  } else {
    AbortTxn(dtrid, t.no_reason);
  }
}

void TxSystem::CommitTxn(const std::string& dtrid) {
  Txn& t = txns_.at(dtrid);
  trace_.Record("commit_decided", json{{"dtrid", dtrid}});
  CrashPoint("coord.before_commit_record");
  const json record{{"type", "commit"}, {"dtrid", dtrid}, {"branch", config_.name},
                    {"participants", t.participants}, {"writes", t.writes[config_.name]}};
  if (auto s = Force(record, "coord.after_commit_record"); !s) {
    if (journal_->maybe_written()) {
      return FinishTxn(dtrid, "unknown", "the COMMIT record may or may not be durable: " +
                                             s.error().message);
    }
    return AbortTxn(dtrid, "cannot force-write the COMMIT record: " + s.error().message);
  }
  std::erase_if(txn_locks_, [&](const auto& kv) { return kv.second == dtrid; });
  log_.Line("Transaction " + dtrid + " committed at the coordinator");
  if (t.participants.empty()) {
    MaybeEnd(dtrid);
    return FinishTxn(dtrid, "committed", "");
  }
  for (const std::string& p : t.participants) {
    ++t.calls;
    CallPeer(p, json{{"op", "commit"}, {"dtrid", dtrid}},
             [this, dtrid, p](std::optional<json> a) {
               Txn& txn = txns_.at(dtrid);
               if (a && StringField(*a, "result") == "ack") {
                 state_.branches.at(dtrid).pending.erase(p);
               } else {
                 log_.Line("COMMIT of " + dtrid + " not acknowledged by " + p +
                           (a ? ": " + a->dump() : ": no answer") + " (left to resync)");
               }
               if (--txn.calls > 0) return;
               MaybeEnd(dtrid);
               FinishTxn(dtrid, "committed", "");
             });
  }
}

void TxSystem::AbortTxn(const std::string& dtrid, const std::string& reason) {
  Txn& t = txns_.at(dtrid);
  std::erase_if(txn_locks_, [&](const auto& kv) { return kv.second == dtrid; });
  trace_.Record("abort_decided", json{{"dtrid", dtrid}, {"reason", reason}});
  log_.Line("Transaction " + dtrid + " aborted: " + reason);
  if (t.yes.empty()) return FinishTxn(dtrid, "aborted", reason);
  for (const std::string& p : t.yes) {
    ++t.calls;
    CallPeer(p, json{{"op", "abort"}, {"dtrid", dtrid}},
             [this, dtrid, reason](std::optional<json>) {
               if (--txns_.at(dtrid).calls == 0) FinishTxn(dtrid, "aborted", reason);
             });
  }
}

void TxSystem::FinishTxn(const std::string& dtrid, const std::string& result,
                         const std::string& reason) {
  const auto it = txns_.find(dtrid);
  if (it == txns_.end()) return;
  json answer{{"result", result}, {"dtrid", dtrid}};
  if (!reason.empty()) answer["reason"] = reason;
  trace_.Record("txn_answered", answer);
  Reply(it->second.client, answer);
  std::erase_if(txn_locks_, [&](const auto& kv) { return kv.second == dtrid; });
  txns_.erase(it);
  log_.Line("Transaction " + dtrid + " result: " + result);
}

// Writes END once every participant has acknowledged a committed transaction (crash point
// coord.before_end_record), or at once after a manual completion (no crash point: it is not a
// 2PC step, decision 18).
void TxSystem::MaybeEnd(const std::string& dtrid, EndCause cause) {
  const auto it = state_.branches.find(dtrid);
  if (it == state_.branches.end()) return;
  const Branch& b = it->second;
  if (!b.coordinator || b.ended || !b.pending.empty() || b.state != BranchState::kCommitted) {
    return;
  }
  trace_.Record("end_decided", json{{"dtrid", dtrid},
                                    {"by_hand", cause == EndCause::kCompletedByHand}});
  if (cause == EndCause::kAcknowledged) CrashPoint("coord.before_end_record");
  if (auto s = Force(json{{"type", "end"}, {"dtrid", dtrid}}); !s) {
    log_.Line("END of " + dtrid + " not written; the transaction stays outstanding");
  }
}

}  // namespace lockstep::impl::resync
