// TxSystem, participant side and reads: PREPARE, COMMIT/ABORT, acknowledgements after a
// resynchronization, local and remote reads.
//
// PREPARE (crash points in brackets): wait until this system's keys for the transaction are
// free (else vote no: lock timeout); [part.before_prepared_record] force PREPARED (else vote
// no, naming the path and errno) [part.after_prepared_record]; vote yes. COMMIT/ABORT of an
// InDoubt branch: [part.before_outcome_record] force the outcome (else answer an error: the
// branch stays InDoubt) [part.after_outcome_record]; apply or drop the writes; acknowledge.
#include "impl/common/crash_point.h"
#include "impl/common/seeded_bug.h"
#include "impl/resync/txsys.h"

namespace lockstep::impl::resync {

using nlohmann::json;

// Why a partner request must not run now, as the answer to give; nullopt when it may.
std::optional<json> TxSystem::CheckPeer(const json& request) const {
  const std::string from = StringField(request, "from");
  if (!links_.contains(from)) return json{{"error", "unknown partner '" + from + "'"}};
  if (Fenced(from)) return json{{"result", "fenced"}, {"error", FenceError(from)}};
  if (request.contains("deferred_bug") && BugEnabled("defer-lets-reads-through")) {
    return std::nullopt;
  }
  if (NeedsResync(from, StringField(request, "stamp"), StringField(request, "startup"))) {
    return json{{"result", "resync_needed"}};
  }
  return std::nullopt;
}

void TxSystem::RefusePeer(ClientId id, const json& request, const json& refusal) {
  const std::string from = StringField(request, "from");
  const std::string op = StringField(request, "op");
  if (StringField(refusal, "result") == "fenced") {
    trace_.Record("access_fenced", json{{"partner", from}, {"op", op}});
  } else {
    trace_.Record("peer_refused", json{{"partner", from}, {"op", op}, {"answer", refusal}});
  }
  Reply(id, refusal);
}

std::optional<std::string> TxSystem::LockHolder(const std::string& key) const {
  if (const auto it = txn_locks_.find(key); it != txn_locks_.end()) return it->second;
  const auto locked = state_.LockedKeys();
  if (const auto it = locked.find(key); it != locked.end()) return it->second;
  return std::nullopt;
}

void TxSystem::OnPrepare(ClientId id, const json& request) {
  if (auto refusal = CheckPeer(request)) return RefusePeer(id, request, *refusal);
  const std::string dtrid = StringField(request, "dtrid");
  const auto w = request.find("writes");
  if (dtrid.empty() || w == request.end() || !w->is_object()) {
    return Reply(id, json{{"error", "prepare needs \"dtrid\" and a \"writes\" object"}});
  }
  if (state_.branches.contains(dtrid)) {
    return Reply(id, json{{"vote", "no"}, {"reason", "transaction " + dtrid + " already known"}});
  }
  Writes writes;
  for (const auto& [key, value] : w->items()) {
    if (!value.is_string()) return Reply(id, json{{"error", "value of " + key + " not a string"}});
    writes[key] = value.get<std::string>();
  }
  const std::string from = StringField(request, "from");
  Wait("prepare",
       [this, id, dtrid, from, writes]() -> std::optional<std::string> {
         if (Fenced(from)) return FenceError(from);
         for (const auto& [key, value] : writes) {
           if (LockHolder(key)) return "lock timeout on " + key;
         }
         Prepare(id, dtrid, from, writes);
         return std::nullopt;
       },
       [this, id, dtrid, from](const std::string& why) {
         trace_.Record("vote", json{{"dtrid", dtrid}, {"coordinator", from}, {"vote", "no"},
                                    {"reason", why}});
         Reply(id, json{{"vote", "no"}, {"reason", why}});
       });
}

void TxSystem::Prepare(ClientId id, const std::string& dtrid, const std::string& from,
                       const Writes& writes) {
  trace_.Record("prepare_accepted", json{{"dtrid", dtrid}, {"coordinator", from}});
  CrashPoint("part.before_prepared_record");
  const auto vote = [&](const char* v, const std::string& reason) {
    json fields{{"dtrid", dtrid}, {"coordinator", from}, {"vote", v}};
    if (!reason.empty()) fields["reason"] = reason;
    trace_.Record("vote", std::move(fields));
  };
  const bool early = BugEnabled("vote-before-durable");
  if (early) {
    vote("yes", "");
    Reply(id, json{{"vote", "yes"}});
  }
  const json record{{"type", "prepared"}, {"dtrid", dtrid}, {"coordinator", from},
                    {"branch", config_.name}, {"writes", writes}};
  if (auto s = Force(record); !s) {
    log_.Line("Voting no on " + dtrid + ": the PREPARED record could not be forced");
    const std::string reason = "cannot force-write the PREPARED record: " + s.error().message;
    vote("no", reason);
    Reply(id, json{{"vote", "no"}, {"reason", reason}});
    return;
  }
  CrashPoint("part.after_prepared_record");
  log_.Line("Prepared " + dtrid + " for " + from + ": InDoubt");
  vote("yes", "");
  Reply(id, json{{"vote", "yes"}});
}

Status TxSystem::ForceOutcome(const std::string& dtrid, bool commit, const char* via) {
  trace_.Record("outcome_learned",
                json{{"dtrid", dtrid}, {"outcome", commit ? "commit" : "abort"}, {"via", via}});
  CrashPoint("part.before_outcome_record");
  const json record{{"type", "outcome"}, {"dtrid", dtrid}, {"outcome", commit ? "commit" : "abort"}};
  if (auto s = Force(record, "part.after_outcome_record"); !s) return s;
  log_.Line("Branch " + dtrid + (commit ? " committed" : " aborted"));
  return {};
}

void TxSystem::OnOutcome(ClientId id, const json& request, bool commit) {
  if (auto refusal = CheckPeer(request)) return RefusePeer(id, request, *refusal);
  const std::string dtrid = StringField(request, "dtrid");
  const auto it = state_.branches.find(dtrid);
  if (it == state_.branches.end() || it->second.coordinator) {
    if (commit) log_.Line("COMMIT for unknown transaction " + dtrid + ": acknowledged");
    return Reply(id, json{{"result", "ack"}});  // presumed abort: nothing to undo here
  }
  if (it->second.state == BranchState::kInDoubt) {
    if (auto s = ForceOutcome(dtrid, commit, "coordinator"); !s) {
      return Reply(id, json{{"result", "error"}, {"error", s.error().message}});
    }
  }
  Reply(id, json{{"result", "ack"}});
}

void TxSystem::OnAck(ClientId id, const json& request) {
  if (auto refusal = CheckPeer(request)) return RefusePeer(id, request, *refusal);
  const std::string dtrid = StringField(request, "dtrid");
  const auto it = state_.branches.find(dtrid);
  if (it != state_.branches.end() && it->second.coordinator) {
    it->second.pending.erase(StringField(request, "from"));
    MaybeEnd(dtrid);
  }
  Reply(id, json{{"result", "ok"}});
}

void TxSystem::OnRead(ClientId id, const json& request) {
  const std::string key = StringField(request, "key");
  const std::string at = StringField(request, "at");
  if (key.empty()) return Reply(id, json{{"error", "read needs a string \"key\""}});
  // A remote read names its system; an "at" of another type is refused, not read locally.
  if (request.contains("at") && at.empty()) {
    return Reply(id, json{{"error", "read's \"at\" must be a system name"}});
  }
  if (at.empty() || at == config_.name) return LocalRead(id, key);
  if (!links_.contains(at)) return Reply(id, json{{"error", "unknown system '" + at + "'"}});
  RemoteRead(id, key, at);
}

namespace {
json ReadFailure(const std::string& why) {
  const char* result = why.starts_with("fenced")         ? "fenced"
                       : why.starts_with("lock timeout") ? "lock_timeout"
                                                         : "error";
  return json{{"result", result}, {"error", why}};
}
}  // namespace

void TxSystem::LocalRead(ClientId id, const std::string& key) {
  Wait("read",
       [this, id, key]() -> std::optional<std::string> {
         // A local read is never fenced (decision 19), but waits on a locked key.
         if (LockHolder(key)) return "lock timeout on " + key;
         const auto row = db_.rows.find(key);
         const json answer = row == db_.rows.end()
                                 ? json{{"result", "not_found"}}
                                 : json{{"result", "found"}, {"value", row->second}};
         trace_.Record("read_answered", json{{"key", key}, {"answer", answer}});
         Reply(id, answer);
         return std::nullopt;
       },
       [this, id](const std::string& why) { Reply(id, ReadFailure(why)); });
}

void TxSystem::RemoteRead(ClientId id, const std::string& key, const std::string& at) {
  auto resync = std::make_shared<Status>();  // the outcome of the resync it waited for
  Wait("remote read",
       [this, id, key, at, resync]() -> std::optional<std::string> {
         if (BugEnabled("defer-lets-reads-through") && Fenced(at) && prompts_.at(at).deferred) {
           CallPartner(at, json{{"op", "remote_read"}, {"key", key}, {"deferred_bug", true}},
                       [this, id](auto answer) { Reply(id, answer.value_or(json::object())); });
           return std::nullopt;  // seeded bug: through the fence, without a resync
         }
         if (Fenced(at)) return FenceError(at);
         if (!*resync) {
           Reply(id, ReadFailure(resync->error().message));
           return std::nullopt;
         }
         if (links_.at(at).resync_running) return "waiting for resynchronization with " + at;
         if (!links_.at(at).resynced) {
           Resync(at, [resync](const Status& outcome) { *resync = outcome; });
           return "waiting for resynchronization with " + at;
         }
         CallPeer(at, json{{"op", "remote_read"}, {"key", key}}, [this, id, key, at](auto answer) {
           if (!answer) return Reply(id, ReadFailure(at + " did not answer"));
           if (!answer->contains("error")) return Reply(id, *answer);
           // A resync that just fenced the partner: wait like any access involving it.
           if (Fenced(at)) return RemoteRead(id, key, at);
           Reply(id, ReadFailure(StringField(*answer, "error")));
         });
         return std::nullopt;
       },
       [this, id](const std::string& why) { Reply(id, ReadFailure(why)); });
}

}  // namespace lockstep::impl::resync
