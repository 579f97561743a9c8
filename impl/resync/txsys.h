// TxSystem: one transaction system (e.g. SYSTEM73) of protocol 2, run as its own process:
// database, journal, two-phase commit with presumed abort, and journal-stamp
// resynchronization with its partners (../shared/spec/resync.md, docs/design.md "Resync").
// impl/resync/README.md is the wire and operator contract.
//
// Single-threaded around poll(2). One listening socket takes every request, one per
// connection: operator/harness requests (status, txn, read, reply, vary_rm, complete,
// shutdown) and partner requests (resync, prepare, commit, abort, ack, remote_read). This
// system talks to a partner by connecting to the partner's socket and sending one request
// (a Call); answers arrive through the same loop, so two systems calling each other never
// deadlock.
//
// Tasks that must wait (a read of a locked key, a prepare whose keys are locked, a transaction
// or read involving a fenced partner or one being resynchronized) are Waiters: retried after
// every event, failed when --lock-wait-ms has passed.
//
// Invariants:
//  * state_ equals the journal's records applied in order (every change is forced first:
//    Force() appends, then applies); db_ holds the writes of every commit record up to
//    db_.applied_seq;
//  * a partner with a prompt (pending or deferred) is fenced: no transaction, remote read or
//    partner request involving it runs (local reads are never fenced, only locked);
//  * links_[p].resynced is true only after a resynchronization with p succeeded in this
//    process's life and p has not asked for one since.
//
// With --trace it records the actions of docs/trace.md ("txsys") before acting on them; every
// request to a partner and every answer to one carries the trace's clock.
//
// Seeded bugs honoured here: every resync bug of impl/resync/README.md.
// Thread safety: driven by Run() on one thread.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "impl/common/json_lines.h"
#include "impl/common/log.h"
#include "impl/common/trace.h"
#include "impl/common/unix_listener.h"
#include "impl/resync/database.h"
#include "impl/resync/journal.h"
#include "impl/resync/journal_state.h"

namespace lockstep::impl::resync {

struct TxConfig {
  std::string name;  // SYSTEM73
  std::string socket;
  std::string data_dir;
  std::string journal_dir;
  std::string log_path;
  std::string trace_path;  // empty: no trace
  std::map<std::string, std::string> partners;  // name -> socket path
  std::uint64_t lock_wait_ms = 5000;
};

class TxSystem {
 public:
  explicit TxSystem(TxConfig config);

  // Serves until shutdown or a fatal error; returns the exit status (exit_status.h).
  int Run();

 private:
  using Clock = std::chrono::steady_clock;
  using Exit = std::optional<int>;
  using json = nlohmann::json;
  using ClientId = std::uint64_t;
  using Answer = std::function<void(std::optional<json>)>;
  // A resynchronization's outcome: success (also when the partner found it not needed), or
  // why it failed (the message answered to operators and partners).
  using ResyncDone = std::function<void(const Status& outcome)>;
  // nullopt: the task ran; a string: why it still waits (the error if it expires).
  using Attempt = std::function<std::optional<std::string>()>;
  using Expire = std::function<void(const std::string& why)>;

  struct Client {
    std::unique_ptr<LineConnection> conn;
    bool request_taken = false;
    bool answered = false;
    std::string peer;  // a partner request: who sent it ("" for operators and the harness)
    std::string op;    // a partner request: its op
  };
  struct Call {
    std::unique_ptr<LineConnection> conn;
    std::string partner;
    std::string op;
    Answer done;
    Clock::time_point deadline;
  };
  struct Waiter {
    std::uint64_t id = 0;  // names the wait in the trace
    std::string kind;  // "read", "prepare", "txn", "remote read"
    Attempt attempt;
    Expire expire;
    std::string why;
    Clock::time_point since, deadline;
  };
  struct Link {  // this process's view of one partner
    std::string socket;
    bool resynced = false;
    bool resync_running = false;
    std::vector<ResyncDone> resync_waiters;
    Status last_resync;       // the outcome of the last resync that ran to its end here
    Status journal_at_start;  // whether this side's journal was writable when it began
  };
  struct Prompt {
    std::string old_stamp, new_stamp, new_startup;
    std::vector<std::string> dtrids;
    json lines = json::array();  // [{"id":"DC329021","text":...},...]
    bool deferred = false;
  };
  struct Txn {  // a transaction this system coordinates, until its client is answered
    ClientId client = 0;
    std::map<std::string, Writes> writes;  // by system
    std::vector<std::string> participants;
    std::set<std::string> yes;
    std::string no_reason;
    Status resync;  // a failed resync with a participant: the transaction aborts with it
    int calls = 0;
    std::size_t next_prepare = 0;  // PREPARE goes to participants one at a time, in order
    bool started = false;
  };

  // txsys.cc: process, loop, connections, calls, waiters, durable changes.
  Exit Start();
  Exit Recover();
  Exit Loop();
  int PollTimeoutMs() const;
  void AcceptClients();
  Exit OnClientReadable(ClientId id);
  void OnCallReadable(std::uint64_t id);
  void ExpireCalls();
  void RunWaiters();
  void Sweep();
  void Reply(ClientId id, const json& answer);
  void CallPartner(const std::string& partner, json request, Answer done);
  void CallPeer(const std::string& partner, const json& request, Answer done);
  void Wait(std::string kind, Attempt attempt, Expire expire);
  // crash_after: a crash point hit once the record is durable, before it is acted on (state,
  // database): "forced, not applied" (README crash points).
  [[nodiscard]] Status Force(const json& record, const char* crash_after = nullptr);
  bool Busy() const;

  // control.cc: request dispatch, status, operator commands.
  Exit Dispatch(ClientId id, const json& request);
  json StatusJson() const;
  json BranchJson(const Branch& b) const;
  void OnReply(ClientId id, const json& request);
  void OnVaryRm(ClientId id, const json& request);
  void OnComplete(ClientId id, const json& request);

  // coordinator.cc: transactions this system begins.
  void OnTxn(ClientId id, const json& request);
  std::optional<std::string> TryStartTxn(const std::string& dtrid);
  void PrepareNext(const std::string& dtrid);
  void OnVote(const std::string& dtrid, const std::string& partner, const std::optional<json>& a);
  void CommitTxn(const std::string& dtrid);
  void AbortTxn(const std::string& dtrid, const std::string& reason);
  void FinishTxn(const std::string& dtrid, const std::string& result, const std::string& reason);
  enum class EndCause { kAcknowledged, kCompletedByHand };
  void MaybeEnd(const std::string& dtrid, EndCause cause = EndCause::kAcknowledged);
  // Whether `partner`'s socket accepts a connection now (it is up); closed again at once.
  bool Reachable(const std::string& partner) const;
  std::string NewDtrid();

  // participant.cc: partner requests and reads.
  std::optional<json> CheckPeer(const json& request) const;
  // Answers a partner request CheckPeer refused (traced as access_fenced or peer_refused).
  void RefusePeer(ClientId id, const json& request, const json& refusal);
  void OnPrepare(ClientId id, const json& request);
  void Prepare(ClientId id, const std::string& dtrid, const std::string& from, const Writes& w);
  void OnOutcome(ClientId id, const json& request, bool commit);
  void OnAck(ClientId id, const json& request);
  void OnRead(ClientId id, const json& request);
  void LocalRead(ClientId id, const std::string& key);
  void RemoteRead(ClientId id, const std::string& key, const std::string& at);
  std::optional<std::string> LockHolder(const std::string& key) const;
  // `via`: how the outcome was learned, "coordinator" or "resync" (the trace says so).
  [[nodiscard]] Status ForceOutcome(const std::string& dtrid, bool commit, const char* via);

  // resync.cc: resynchronization, prompts, fencing.
  enum class ResyncMode { kAccess, kStart, kVaryRm };
  void Resync(const std::string& partner, ResyncDone done, ResyncMode mode = ResyncMode::kAccess);
  void ResyncAtStart(std::size_t index);
  std::optional<nlohmann::json> RefuseResync(const std::string& from, const nlohmann::json& r);
  void OnResyncAnswer(const std::string& partner, const std::optional<json>& answer);
  // synced: the pair is resynchronized now. A successful `outcome` that is not synced: the
  // partner skipped the resync (not needed).
  void FinishResync(const std::string& partner, const Status& outcome, bool synced);
  void OnResyncRequest(ClientId id, const json& request);
  // Fails with the error of a forced write (the journal's, naming its path and errno).
  [[nodiscard]] Status Resolve(const std::string& partner, const json& theirs, bool initiator);
  [[nodiscard]] Status SavePartner(const std::string& partner, const std::string& stamp,
                                   const std::string& startup);
  bool HasOutstanding(const std::string& partner) const;
  bool MineMismatch(const std::string& partner, const std::string& stamp) const;
  void RaisePrompt(const std::string& partner, const std::string& stamp,
                   const std::string& startup);
  void ClearPrompt(const std::string& partner);
  // A prompt about the partner awaits its reply, or the operator deferred it.
  bool Fenced(const std::string& partner) const { return prompts_.contains(partner); }
  bool PromptPending(const std::string& partner) const {
    return prompts_.contains(partner) && !prompts_.at(partner).deferred;
  }
  std::string FenceError(const std::string& partner) const;
  bool NeedsResync(const std::string& from, const std::string& stamp,
                   const std::string& startup) const;

  TxConfig config_;
  LogFile log_;
  Trace trace_;
  UnixListener listener_;
  std::optional<Journal> journal_;
  JournalState state_;
  Database db_;
  long long startup_micros_ = 0;
  std::string startup_;
  std::map<std::string, Link> links_;
  std::map<std::string, Prompt> prompts_;
  std::map<std::string, Txn> txns_;
  std::map<std::string, std::string> txn_locks_;  // keys of in-flight coordinated txns
  std::map<ClientId, Client> clients_;
  std::map<std::uint64_t, Call> calls_;
  std::list<Waiter> waiters_;
  std::vector<std::function<void()>> soon_;  // callbacks to run at the next loop turn
  std::uint64_t next_id_ = 1;
  std::uint64_t next_dtrid_ = 1;
  std::optional<int> fatal_;
};

}  // namespace lockstep::impl::resync
