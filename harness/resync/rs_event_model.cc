#include "harness/resync/rs_event_model.h"

#include <algorithm>

#include "model/resync/properties.h"

namespace lockstep::harness::rs {

using nlohmann::json;
using trace::TraceLine;

namespace {

const std::set<std::string> kServedOps{"prepare", "commit", "abort", "ack", "remote_read"};
const std::set<std::string> kFencedSends{"prepare", "commit", "abort", "remote_read"};

std::string Str(const json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
std::string Str(const TraceLine& line, const char* name) { return Str(line.json, name); }

// The `why` of waits (impl/resync: a locked key, a fenced partner) and the clocks' slack when
// a refusal is measured against its wait time.
constexpr const char* kLockTimeout = "lock timeout";
constexpr const char* kFenced = "fenced";
constexpr std::int64_t kClockSlackUs = 1000;

std::optional<model::Violation> Broken(const std::string& id, const std::string& message) {
  const char* name = id == "TRACE-1" ? "causality" : model::rs::PropertyName(id);
  return model::Violation{id, name, message, {}};
}

std::string Join(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& p : parts) text += (text.empty() ? "" : ",") + p;
  return "[" + text + "]";
}

std::vector<std::string> Strings(const json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& s : list) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

bool HasBranch(const JournalWorld& w, const std::string& dtrid, bool coordinator) {
  const auto it = w.current().branches.find(dtrid);
  return it != w.current().branches.end() && it->second.coordinator == coordinator;
}

// An answer that a receiver's check of the sender gave (CheckPeer): nothing was served.
bool Refused(const json& answer) {
  const std::string result = Str(answer, "result");
  if (result == "fenced" || result == "resync_needed") return true;
  return answer.is_object() && answer.size() == 1 && answer.contains("error");
}

ForcedRecord RecordOf(const TraceLine& line) {
  return ForcedRecord{Str(line, "type"),    Str(line, "dtrid"), Str(line, "outcome"),
                      Str(line, "partner"), Str(line, "stamp"), Str(line, "startup"),
                      {}};
}

// What a life killed right after `last` may have forced without its line.
std::vector<ForcedRecord> MaybeAfter(const TraceLine& last) {
  const std::string e = last.event, d = Str(last, "dtrid");
  if (e == "prepare_accepted") return {{"prepared", d}};
  if (e == "commit_decided") return {{"commit", d}};
  if (e == "outcome_learned") return {{"outcome", d, Str(last, "outcome")}};
  if (e == "end_decided") return {{"end", d}};
  if (e == "completed_by_hand") return {{"manual", d, Str(last, "action")}};
  if (e == "stamp_assigned") return {{.type = "stamp", .stamp = Str(last, "stamp")}};
  return {};
}

}  // namespace

std::optional<model::Violation> RsEventModel::Apply(const TraceLine& line) {
  if (line.from_harness()) return ApplyHarness(line);
  if (!line.process.starts_with("SYSTEM")) return std::nullopt;  // another protocol's role
  SystemTrace& sys = systems_[line.process];
  if (line.event == "started") {
    BeginLife(sys, line);
    return std::nullopt;
  }
  if (!sys.life) return std::nullopt;  // the reader guarantees `started` first
  Verdict verdict = ApplySystem(sys, line.process, line);
  sys.life->last = line;
  return verdict;
}

RsEventModel::Verdict RsEventModel::ApplyHarness(const TraceLine& line) {
  const std::string role = Str(line, "role");
  if (!role.starts_with("SYSTEM")) return std::nullopt;
  const json& set = line.field("set");
  if (!set.is_number_integer() || set.get<int>() < 1 || set.get<int>() > 2) return std::nullopt;
  if (line.event == "journal_formatted") systems_[role].journal.Format(set.get<int>());
  if (line.event == "journal_corrupted") systems_[role].journal.Corrupt(set.get<int>());
  return std::nullopt;
}

void RsEventModel::BeginLife(SystemTrace& sys, const TraceLine& line) {
  FillCrash(sys);
  sys.journal.StartLife();
  sys.life = Life{.pid = line.pid};
}

void RsEventModel::FillCrash(SystemTrace& sys) {
  if (!sys.life || sys.life->exited || !sys.life->last) return;
  const Life& life = *sys.life;
  std::vector<ForcedRecord> maybe = MaybeAfter(*life.last);
  if (life.last->event == "reply_taken" && Str(*life.last, "action") == "ignore") {
    const std::string p = Str(*life.last, "partner");
    if (const auto f = life.fences.find(p); f != life.fences.end()) {
      maybe.push_back({.type = "ignore", .partner = p, .stamp = f->second.new_stamp,
                       .startup = f->second.new_startup, .dtrids = f->second.dtrids});
    }
  }
  for (const std::string& p : life.resyncing) {
    const Exchange& x = life.exchanges.at(p);
    maybe.push_back({.type = "partner", .partner = p, .stamp = x.stamp, .startup = x.startup});
  }
  sys.journal.AddMaybe(maybe);
}

RsEventModel::Verdict RsEventModel::ApplySystem(SystemTrace& sys, const std::string& name,
                                                const TraceLine& line) {
  Life& life = *sys.life;
  const std::string& e = line.event;
  if (e == "exiting") life.exited = true;
  if (e == "stamp_assigned" || e == "stamp_read") return OnStamp(sys, line);
  if (e == "record_forced") return OnRecordForced(sys, name, line);
  if (e == "recovered") return OnRecovered(sys, line);
  if (e == "request_sent") return OnRequestSent(sys, name, line);
  if (e == "request_received") return OnRequestReceived(sys, name, line);
  if (e == "answer_sent") return OnAnswerSent(sys, name, line);
  if (e == "answer_received") return OnAnswerReceived(name, line);
  if (e == "txn_answered") return OnTxnAnswered(sys, name, line);
  if (e == "outcome_learned") return OnOutcomeLearned(sys, line);
  if (e == "prompt_shown") return OnPromptShown(sys, line);
  if (e == "reply_taken") return OnReplyTaken(sys, line);
  if (e.starts_with("wait_")) return OnWait(sys, line);
  if (e == "prompt_withdrawn") life.fences.erase(Str(line, "partner"));
  if (e == "resync_finished") life.resyncing.erase(Str(line, "partner"));
  if (e == "resync_exchange") {
    const std::string p = Str(line, "partner");
    life.exchanges[p] = {Str(line, "stamp"), Str(line, "startup")};
    life.resyncing.insert(p);
  }
  if (e == "vote" && Str(line, "vote") == "yes") {
    const std::string d = Str(line, "dtrid");
    if (!sys.journal.Keep([&](const JournalWorld& w) { return HasBranch(w, d, false); })) {
      return Broken("RS-8", name + " voted yes on " + d + " without a forced PREPARED record");
    }
  }
  return std::nullopt;
}

RsEventModel::Verdict RsEventModel::OnStamp(SystemTrace& sys, const TraceLine& line) {
  Life& life = *sys.life;
  const std::string stamp = Str(line, "stamp");
  const bool assigned = line.event == "stamp_assigned";
  if (assigned && stamps_seen_.contains(stamp)) {
    return Broken("RS-7", line.process + " assigned stamp " + stamp + ", which was used before");
  }
  stamps_seen_.insert(stamp);
  const std::string held = assigned ? "" : stamp;  // what the set must hold
  const auto opens = [&](const JournalWorld& w) {
    return !w.current().damaged && w.current().stamp == held;
  };
  if (assigned) life.assigned = stamp;
  else life.stamp = stamp;
  if (sys.journal.Keep(opens)) return std::nullopt;
  if (sys.journal.Any([&](const JournalWorld& w) { return w.current().stamp == held; })) {
    return Broken("RS-6", line.process + " opened a journal set the harness corrupted");
  }
  return Broken("RS-7", line.process + (assigned ? " assigned a new stamp to a set that has one"
                                                 : " read stamp " + stamp +
                                                       ", which neither journal set holds"));
}

RsEventModel::Verdict RsEventModel::OnRecordForced(SystemTrace& sys, const std::string& name,
                                                   const TraceLine& line) {
  Life& life = *sys.life;
  ForcedRecord r = RecordOf(line);
  if (r.type == "stamp") {
    if (r.stamp != life.assigned) {
      return Broken("RS-7", name + " forced stamp " + r.stamp + " but assigned '" +
                                life.assigned + "'");
    }
    life.stamp = r.stamp;
  }
  if (r.type == "ignore") {
    const auto f = life.fences.find(r.partner);
    if (f == life.fences.end() || r.stamp != f->second.new_stamp) {
      return Broken("RS-4", name + " forced an ignore record for " + r.partner +
                                " that does not save the prompt's NEW stamp");
    }
    r.dtrids = f->second.dtrids;
    life.fences.erase(f);
  }
  if (Verdict v = CheckForced(sys, name, r)) return v;
  if (!sys.journal.Force(r)) {
    return Broken("RS-6", name + " forced a " + r.type + " record for " + r.dtrid +
                              " that its journal cannot hold");
  }
  if (r.type == "commit" || (r.type == "outcome" && r.outcome == "commit")) {
    return Committed(r.dtrid, name);
  }
  if (r.type == "outcome") return Aborted(r.dtrid, name);
  return std::nullopt;
}

// The rules a forced record must meet in the current set before it is applied.
RsEventModel::Verdict RsEventModel::CheckForced(SystemTrace& sys, const std::string& name,
                                                const ForcedRecord& r) {
  const auto state_is = [&](TracedState s, bool coordinator) {
    return [&, s, coordinator](const JournalWorld& w) {
      const auto it = w.current().branches.find(r.dtrid);
      return it != w.current().branches.end() && it->second.coordinator == coordinator &&
             it->second.state == s;
    };
  };
  if (r.type == "outcome" && !sys.journal.Keep(state_is(TracedState::kInDoubt, false))) {
    return Broken("RS-8", name + " forced an outcome for " + r.dtrid +
                              ", which has no InDoubt PREPARED branch there");
  }
  if (r.type == "end" &&
      !sys.journal.Keep([&](const JournalWorld& w) { return HasBranch(w, r.dtrid, true); })) {
    return Broken("RS-8", name + " forced END for " + r.dtrid + " without its COMMIT record");
  }
  if (r.type == "manual" &&
      !sys.journal.Keep(state_is(TracedState::kManualPending, false)) &&
      !sys.journal.Keep(state_is(TracedState::kManualPending, true))) {
    return Broken("RS-4", name + " completed " + r.dtrid + " by hand, which is not ManualPending");
  }
  return std::nullopt;
}

RsEventModel::Verdict RsEventModel::OnRecovered(SystemTrace& sys, const TraceLine& line) {
  Life& life = *sys.life;
  life.startup = Str(line, "startup");
  const std::string stamp = Str(line, "stamp");
  if (stamp != life.stamp) {
    return Broken("RS-7", line.process + " recovered with stamp " + stamp + ", its stamp is '" +
                              life.stamp + "'");
  }
  const auto branches = line.field("branches").get<std::size_t>();
  const auto in_doubt = line.field("in_doubt").get<std::size_t>();
  if (sys.journal.Keep([&](const JournalWorld& w) {
        return w.current().branches.size() == branches && w.current().InDoubtCount() == in_doubt;
      })) {
    return std::nullopt;
  }
  return Broken("RS-6", line.process + " recovered " + std::to_string(branches) + " branches (" +
                            std::to_string(in_doubt) +
                            " InDoubt), which no record forced on its journal set explains");
}

RsEventModel::Verdict RsEventModel::OnRequestSent(SystemTrace& sys, const std::string& name,
                                                  const TraceLine& line) {
  const std::string to = Str(line, "to");
  const json& request = line.field("request");
  const std::string op = Str(request, "op"), d = Str(request, "dtrid");
  ++requests_in_flight_[name + "|" + to + "|" + request.dump()];
  ++calls_[name + "|" + to + "|" + op];
  if (kFencedSends.contains(op) && sys.life->fences.contains(to)) {
    return Broken("RS-3", name + " sent " + op + " to " + to + ", which it fences");
  }
  if (Verdict v = CheckRecycled(sys, name, to, op)) return v;
  if (op == "commit" &&
      !sys.journal.Keep([&](const JournalWorld& w) { return HasBranch(w, d, true); })) {
    return Broken("RS-8", name + " sent commit of " + d + " without its COMMIT record");
  }
  if (op == "abort" && committed_.contains(d)) {
    return Broken("RS-1", name + " sent abort of " + d + ", committed at " +
                              *committed_.at(d).begin());
  }
  if (op == "ack" && !sys.journal.Keep([&](const JournalWorld& w) {
        const auto it = w.current().branches.find(d);
        return it != w.current().branches.end() && it->second.state == TracedState::kCommitted;
      })) {
    return Broken("RS-8", name + " acknowledged " + d + " without a forced commit outcome");
  }
  return std::nullopt;
}

// RS-5: a request that needs the pair resynchronized goes to `to` only while the stamp and
// startup saved for it are those of its current process (a new process of `to` resyncs first).
RsEventModel::Verdict RsEventModel::CheckRecycled(SystemTrace& sys, const std::string& name,
                                                  const std::string& to, const std::string& op) {
  if (!kFencedSends.contains(op)) return std::nullopt;
  const auto partner = systems_.find(to);
  if (partner == systems_.end() || !partner->second.life) return std::nullopt;
  const Life& current = *partner->second.life;
  if (current.startup.empty()) return std::nullopt;  // not recovered yet: nothing to compare
  const SavedPartner now{current.stamp, current.startup};
  if (sys.journal.Keep([&](const JournalWorld& w) {
        const auto it = w.current().partners.find(to);
        return it != w.current().partners.end() && it->second == now;
      })) {
    return std::nullopt;
  }
  return Broken("RS-5", name + " sent " + op + " to " + to + " (stamp " + now.stamp +
                            ", startup " + now.startup +
                            ") without having saved its current stamp and startup");
}

RsEventModel::Verdict RsEventModel::OnRequestReceived(SystemTrace& sys, const std::string& name,
                                                      const TraceLine& line) {
  const std::string from = Str(line, "from");
  const json& request = line.field("request");
  const auto sent = requests_in_flight_.find(from + "|" + name + "|" + request.dump());
  if (sent == requests_in_flight_.end()) {
    return Broken("TRACE-1", name + " received a request " + from + " never sent: " +
                                 request.dump());
  }
  if (--sent->second == 0) requests_in_flight_.erase(sent);
  Life& life = *sys.life;
  const std::string op = Str(request, "op");
  Received r{request};
  if (const auto f = life.fences.find(from); f != life.fences.end()) {
    r.fenced = kServedOps.contains(op) ||
               (op == "resync" && (!f->second.deferred || Str(request, "mode") != "vary_rm"));
  }
  const SavedPartner sender{Str(request, "stamp"), Str(request, "startup")};
  r.saved_matches = sys.journal.Any([&](const JournalWorld& w) {
    const auto it = w.current().partners.find(from);
    return it != w.current().partners.end() && it->second == sender;
  });
  life.received[{from, op}].push_back(std::move(r));
  return std::nullopt;
}

RsEventModel::Verdict RsEventModel::OnAnswerSent(SystemTrace& sys, const std::string& name,
                                                 const TraceLine& line) {
  const std::string to = Str(line, "to"), op = Str(line, "op");
  const json& answer = line.field("answer");
  ++answers_in_flight_[name + "|" + to + "|" + op + "|" + answer.dump()];
  auto& queue = sys.life->received[{to, op}];
  if (queue.empty()) return std::nullopt;
  const Received r = std::move(queue.front());
  queue.pop_front();
  if (r.fenced && Str(answer, "result") != "fenced") {
    return Broken("RS-3", name + " answered " + to + "'s " + op + " while fencing it: " +
                              answer.dump());
  }
  if (kServedOps.contains(op) && !Refused(answer) && !r.saved_matches) {
    return Broken("RS-5", name + " served " + to + "'s " + op + " from stamp " +
                              Str(r.request, "stamp") + " startup " + Str(r.request, "startup") +
                              ", not the ones it saved for " + to);
  }
  const std::string d = Str(r.request, "dtrid");
  if ((op == "commit" || op == "abort") && Str(answer, "result") == "ack" &&
      !sys.journal.Keep([&](const JournalWorld& w) {
        const auto it = w.current().branches.find(d);
        return it == w.current().branches.end() || it->second.coordinator ||
               it->second.state != TracedState::kInDoubt;
      })) {
    return Broken("RS-8", name + " acknowledged " + op + " of " + d +
                              " while its branch is InDoubt (no outcome forced)");
  }
  return std::nullopt;
}

RsEventModel::Verdict RsEventModel::OnAnswerReceived(const std::string& name,
                                                     const TraceLine& line) {
  const std::string from = Str(line, "from"), op = Str(line, "op");
  const auto call = calls_.find(name + "|" + from + "|" + op);
  if (call == calls_.end()) {
    return Broken("TRACE-1", name + " received an answer to " + op + " from " + from +
                                 " without having asked");
  }
  if (--call->second == 0) calls_.erase(call);
  const json& answer = line.field("answer");
  if (answer.is_null()) return std::nullopt;
  const auto sent = answers_in_flight_.find(from + "|" + name + "|" + op + "|" + answer.dump());
  if (sent == answers_in_flight_.end()) {
    return Broken("TRACE-1", name + " received an answer " + from + " never sent: " +
                                 answer.dump());
  }
  if (--sent->second == 0) answers_in_flight_.erase(sent);
  return std::nullopt;
}

RsEventModel::Verdict RsEventModel::OnTxnAnswered(SystemTrace& sys, const std::string& name,
                                                  const TraceLine& line) {
  const std::string result = Str(line, "result"), d = Str(line, "dtrid");
  if (result == "unknown") {
    sys.journal.AddMaybe(std::vector<ForcedRecord>{ForcedRecord{"commit", d}});  // the failed COMMIT write was not cut off
    return std::nullopt;
  }
  if (result == "aborted") return Aborted(d, "the client of " + name);
  if (!sys.journal.Keep([&](const JournalWorld& w) { return HasBranch(w, d, true); })) {
    return Broken("RS-8", name + " answered committed for " + d + " without its COMMIT record");
  }
  return std::nullopt;
}

RsEventModel::Verdict RsEventModel::OnOutcomeLearned(SystemTrace& sys, const TraceLine& line) {
  if (Str(line, "via") != "resync") return std::nullopt;
  const std::string d = Str(line, "dtrid");
  const std::string partner = d.substr(0, d.find("::"));
  const auto x = sys.life->exchanges.find(partner);
  const std::string stamp = x == sys.life->exchanges.end() ? "" : x->second.stamp;
  if (sys.journal.Keep([&](const JournalWorld& w) {
        const auto it = w.current().partners.find(partner);
        return it != w.current().partners.end() && it->second.stamp == stamp;
      })) {
    return std::nullopt;
  }
  return Broken("RS-2", line.process + " completed " + d + " by resync with " + partner +
                            " whose stamp '" + stamp + "' is not the one saved for it");
}

RsEventModel::Verdict RsEventModel::OnPromptShown(SystemTrace& sys, const TraceLine& line) {
  Life& life = *sys.life;
  const std::string p = Str(line, "partner");
  const std::string old_stamp = Str(line, "old_stamp"), new_stamp = Str(line, "new_stamp");
  const std::vector<std::string> dtrids = Strings(line.field("dtrids"));
  const auto x = life.exchanges.find(p);
  if (x == life.exchanges.end() || x->second.stamp != new_stamp || new_stamp == old_stamp) {
    return Broken("RS-2", line.process + " prompted for " + p + " with NEW " + new_stamp +
                              " and OLD " + old_stamp + ", not the exchanged stamp " +
                              (x == life.exchanges.end() ? "(none)" : x->second.stamp));
  }
  const auto fits = [&](const JournalWorld& w) {
    const auto saved = w.current().partners.find(p);
    const std::string want = saved == w.current().partners.end() ? "(none)" : saved->second.stamp;
    const auto in_doubt = w.current().InDoubtWith(p);
    const auto listed = [&](const std::string& d) {
      return std::find(dtrids.begin(), dtrids.end(), d) != dtrids.end();
    };
    const auto known = [&](const std::string& d) { return w.current().branches.contains(d); };
    return want == old_stamp && std::all_of(in_doubt.begin(), in_doubt.end(), listed) &&
           std::all_of(dtrids.begin(), dtrids.end(), known);
  };
  if (!sys.journal.Keep(fits)) {
    return Broken("RS-2", line.process + " prompted for " + p + " with OLD " + old_stamp +
                              " and transactions " + Join(dtrids) +
                              ", not the saved stamp and its InDoubt branches");
  }
  life.fences[p] = Fence{false, new_stamp, x->second.startup, dtrids};
  return std::nullopt;
}

RsEventModel::Verdict RsEventModel::OnReplyTaken(SystemTrace& sys, const TraceLine& line) {
  Life& life = *sys.life;
  const std::string p = Str(line, "partner");
  const auto f = life.fences.find(p);
  const std::vector<std::string> dtrids = Strings(line.field("dtrids"));
  if (f == life.fences.end() || f->second.deferred || f->second.dtrids != dtrids) {
    return Broken("RS-4", line.process + " took a reply for " + p + " listing " + Join(dtrids) +
                              " with no such prompt pending");
  }
  if (Str(line, "action") == "defer") f->second.deferred = true;
  // The contract names no partner in a fenced wait's `why`: every fenced wait counts.
  for (auto& [id, wait] : life.waits) {
    if (Str(line, "action") == "ignore" && wait.why.starts_with(kFenced)) wait.ignored = true;
  }
  return std::nullopt;
}

std::map<std::string, std::uint64_t> RsEventModel::TolerancesMs() const {
  if (!waits_seen_) return {};
  return {{"RS-3 wait refused before its wait time", kClockSlackUs / 1000}};
}

// The waits of a life: counted, and a refusal measured against the wait's own wait time.
RsEventModel::Verdict RsEventModel::OnWait(SystemTrace& sys, const TraceLine& line) {
  Life& life = *sys.life;
  const json& wait_id = line.field("wait");
  const std::uint64_t id = wait_id.is_number_integer() ? wait_id.get<std::uint64_t>() : 0;
  const std::string why = Str(line, "why");
  if (line.event == "wait_started") {
    waits_seen_ = true;
    if (why.starts_with(kLockTimeout)) ++overlaps_["lock_waits"];
    if (why.starts_with(kFenced)) ++overlaps_["fenced_waits"];
    const json& wait_ms = line.field("wait_ms");
    life.waits[id] = Wait{why, line.micros().value_or(0),
                          wait_ms.is_number_integer() ? wait_ms.get<std::int64_t>() : 0};
    return std::nullopt;
  }
  const auto it = life.waits.find(id);
  if (it == life.waits.end()) return std::nullopt;
  const Wait wait = it->second;
  life.waits.erase(it);
  if (line.event == "wait_granted") {
    if (wait.ignored) ++overlaps_["waits_released_by_reply"];
    if (wait.why.starts_with(kLockTimeout)) ++overlaps_["lock_waits_granted"];
    return std::nullopt;
  }
  if (why.starts_with(kLockTimeout)) ++overlaps_["lock_timeouts"];
  const std::int64_t waited_us = line.micros().value_or(0) - wait.started_us;
  if (wait.started_us != 0 && waited_us < wait.wait_ms * 1000 - kClockSlackUs) {
    return Broken("RS-3", line.process + " refused wait " + std::to_string(id) + " (" + why +
                              ") after " + std::to_string(waited_us / 1000) +
                              " ms, before its wait time of " + std::to_string(wait.wait_ms) + " ms");
  }
  return std::nullopt;
}

RsEventModel::Verdict RsEventModel::Committed(const std::string& dtrid, const std::string& where) {
  if (const auto a = aborted_.find(dtrid); a != aborted_.end()) {
    return Broken("RS-1", dtrid + " committed at " + where + " but aborted at " + *a->second.begin());
  }
  committed_[dtrid].insert(where);
  return std::nullopt;
}

RsEventModel::Verdict RsEventModel::Aborted(const std::string& dtrid, const std::string& where) {
  if (const auto c = committed_.find(dtrid); c != committed_.end()) {
    return Broken("RS-1", dtrid + " aborted at " + where + " but committed at " + *c->second.begin());
  }
  aborted_[dtrid].insert(where);
  return std::nullopt;
}

std::string RsEventModel::Describe() const {
  std::string text;
  for (const auto& [name, sys] : systems_) {
    text += "  " + name;
    if (sys.life) {
      const Life& l = *sys.life;
      text += " pid " + std::to_string(l.pid) + (l.exited ? " (exited)" : "") + " stamp " +
              (l.stamp.empty() ? "(none)" : l.stamp) + " startup " + l.startup;
      for (const auto& [p, f] : l.fences) {
        text += ", fences " + p + (f.deferred ? " (deferred)" : " (prompt)");
      }
    } else {
      text += " never started";
    }
    text += "\n" + sys.journal.Describe();
  }
  return text;
}

}  // namespace lockstep::harness::rs
