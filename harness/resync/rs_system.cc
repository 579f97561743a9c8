#include "harness/resync/rs_system.h"

#include <csignal>

#include "faults/corrupt.h"
#include "faults/crash.h"
#include "faults/reformat.h"
#include "harness/control/control_client.h"
#include "harness/os/deadline.h"
#include "harness/property/drive_step.h"
#include "harness/resync/rs_event_model.h"
#include "model/resync/model.h"

namespace lockstep::harness::rs {

namespace m = lockstep::model::rs;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string CommandName(const m::Command& c) {
  static const char* const kNames[] = {"Transaction", "Read",  "Start",    "Crash",
                                       "Format",      "Reply", "VaryRm",   "Complete",
                                       "InjectFault", "RemoveFault", "Corrupt"};
  return kNames[c.index()];
}

// SIGKILL is a crash (harness or crash point); exit status 3 is the documented journal error.
// Any other end is observed as a death (kKilled): the process record says what it was, and the
// model, which never predicts it, reports the difference.
m::ExitKind ToExitKind(const std::optional<ExitStatus>& e) {
  if (!e) return m::ExitKind::kNone;
  if (!e->signaled && e->code == 3) return m::ExitKind::kJournalError;
  return m::ExitKind::kKilled;
}

}  // namespace

// One request may chain several lock waits; six of them is a generous bound, not a measured
// one (a system that never settles is observed anyway and judged).
RsSystem::RsSystem(Sandbox& sandbox, const RsSettings& settings, CaseRecord* record)
    : SystemDriver(sandbox, settings, record, settings.protocol.lock_wait * 6) {}

Result<std::unique_ptr<RsSystem>> RsSystem::Create(Sandbox& sandbox, const std::string& case_dir,
                                                   const RsSettings& settings,
                                                   CaseRecord* record) {
  const int systems = settings.protocol.systems;
  std::unique_ptr<RsSystem> sys(new RsSystem(sandbox, settings, record));
  if (auto s = sys->MakeLayout(case_dir, systems); !s) return std::unexpected(s.error());
  for (int x = 0; x < systems; ++x) {
    for (int set : {1, 2}) {
      if (auto s = sys->FormatSet(x, set, false); !s) return std::unexpected(s.error());
    }
  }
  return sys;
}

Status RsSystem::MakeLayout(const std::string& case_dir, int systems) {
  auto dir = sandbox_.MakeDir(case_dir);
  if (!dir) return std::unexpected(dir.error());
  dir_ = *dir;
  if (auto s = MakeTraceDir(case_dir, std::make_unique<RsEventModel>()); !s) return s;
  systems_.resize(systems);
  for (int x = 0; x < systems; ++x) {
    auto& rt = systems_[x];
    rt.name = m::SystemName(x);
    const fs::path rel = fs::path(case_dir) / rt.name;
    auto data = sandbox_.MakeDir(rel / "data");
    auto journal = sandbox_.MakeDir(rel / "journal", FaultDirTmpfsBytes(settings_));
    if (!data) return std::unexpected(data.error());
    if (!journal) return std::unexpected(journal.error());
    rt.dir = dir_ / rt.name;
    rt.data = *data;
    rt.journal = *journal;
    for (int set : {1, 2}) {
      auto d = sandbox_.MakeDir(rel / "journal" / ("journal-" + std::to_string(set)));
      if (!d) return std::unexpected(d.error());
      rt.sets[set - 1] = *d;
    }
    rt.socket = dir_ / (rt.name + ".sock");
    rt.log = rt.dir / "txsys.log";
    rt.txsys = RoleProcess(rt.name, rt.log, TraceFile(rt.name));
  }
  return {};
}

// Each system's process killed and described (a role left unnamed was never made: the layout
// failed before it, and there is nothing to record). Then faults_, destroyed first of the
// members, removes every fault still active.
RsSystem::~RsSystem() {
  for (auto& rt : systems_) {
    if (rt.txsys.name().empty()) continue;
    record_->processes.push_back(rt.txsys.TearDown(settings_.log_excerpt_lines));
  }
}

// A system that never settles is observed anyway; the properties judge what is seen.
Status RsSystem::Drive(const m::Command& command) {
  return DriveStep(
      *record_, m::Describe(command), CommandName(command),
      [&] { return std::visit([this](const auto& c) { return Run(c); }, command); },
      [this] { return Quiet(); }, RequestTimeout());
}

Result<RsSystem::Observation> RsSystem::Execute(const m::Command& command,
                                               const m::State& predicted) {
  if (auto s = Drive(command); !s) return std::unexpected(s.error());
  return Observe(predicted);
}

Result<json> RsSystem::Ask(int system, const json& request, bool* died) {
  auto& rt = systems_[system];
  *died = false;
  if (!rt.txsys.Running()) return Fail(rt.name + " is not running");
  auto answer = Request(rt.socket, request, RequestTimeout());
  if (answer) return answer;
  // No answer: fine if the system died meanwhile (a crash point); else a harness problem.
  *died = PollUntil([&] { return !rt.txsys.Alive(); }, settings_.quiet_deadline / 5);
  if (*died) return json::object();
  return std::unexpected(answer.error());
}

Status RsSystem::Run(const m::Transaction& c) {
  const int seq = ++ids_.last_txn;
  bool died = false;
  auto answer = Ask(c.coordinator, TxnRequest(c), &died);
  if (!answer) return std::unexpected(answer.error());
  if (died) {
    last_outcome_ = m::OpOutcome{m::OpResult::kUnknown, ""};  // the coordinator died midway
    return {};
  }
  std::string dtrid;
  auto outcome = ParseTxnAnswer(*answer, &dtrid);
  if (!outcome) return std::unexpected(outcome.error());
  if (!dtrid.empty()) ids_.dtrids.BindExact(dtrid, seq);
  last_outcome_ = *outcome;
  return {};
}

namespace {

json ReadRequest(const m::Read& c) {
  json request{{"op", "read"}, {"key", c.key}};
  if (c.via != c.system) request["at"] = m::SystemName(c.system);
  return request;
}

json ReplyRequest(int partner, m::ReplyAction action) {
  return {{"op", "reply"}, {"partner", m::SystemName(partner)}, {"action", m::ToString(action)}};
}

}  // namespace

Status RsSystem::Run(const m::Read& c) {
  if (c.reply || c.complete) return RunReadHeldAtItsWait(c);
  bool died = false;
  auto answer = Ask(c.via, ReadRequest(c), &died);
  if (!answer) return std::unexpected(answer.error());
  return TakeReadAnswer(c.via, died ? Result<json>(json()) : std::move(answer));
}

// A null answer: the reader died (a crash point); any other failure is the harness's.
Status RsSystem::TakeReadAnswer(int via, Result<json> answer) {
  if (!answer) {
    const bool died = PollUntil([&] { return !systems_[via].txsys.Alive(); },
                                settings_.quiet_deadline / 5);
    if (!died) return std::unexpected(answer.error());
    answer = json();
  }
  if (answer->is_null()) {
    last_outcome_ = m::OpOutcome{m::OpResult::kUnavailable, ""};
    return {};
  }
  auto outcome = ParseReadAnswer(*answer);
  if (!outcome) return std::unexpected(outcome.error());
  last_outcome_ = *outcome;
  return {};
}

// The operator's request a Read carries (reply or completion), sent to `via`; fails when a
// completion names a transaction whose DTRID was never observed.
Result<json> RsSystem::OperatorRequestOf(const m::Read& c) const {
  if (c.reply) return ReplyRequest(c.system, *c.reply);
  return CompleteRequest(m::Complete{c.system, c.complete->txn, c.complete->action});
}

Result<json> RsSystem::CompleteRequest(const m::Complete& c) const {
  const auto dtrid = ids_.dtrids.Text(c.txn);
  if (!dtrid) return Fail("Complete: no DTRID was observed for transaction " + std::to_string(c.txn));
  return json{{"op", "complete"}, {"dtrid", *dtrid}, {"action", m::ToString(c.action)}};
}

// Read(S, k, via=V, reply=A) and Read(S, k, via=S, complete=A of txn N) (docs/design.md,
// "Decision: overlapping commands hold a process at a traced action"): V is armed to hold at
// wait_started and the read is sent; V stops right after the line of the read's wait (on the
// fence, or on the branch's lock); while it is stopped the operator's request is sent, and
// queues in V's socket; V is continued and answers both. V's wait time counts from after the
// line, so the request is taken well inside it, every time. A read that never waits (answered
// at once: the implementation let it through or refused it without waiting) leaves the hold
// unfired: it is disarmed and the request is made after the read's answer; the observation
// shows the difference.
Status RsSystem::RunReadHeldAtItsWait(const m::Read& c) {
  auto& rt = systems_[c.via];
  if (!rt.txsys.Running()) return Fail(rt.name + " is not running");
  const auto request = OperatorRequestOf(c);  // before anything is held
  if (!request) return std::unexpected(request.error());
  auto armed = Request(rt.socket, {{"op", "hold"}, {"event", "wait_started"}}, RequestTimeout());
  if (!armed) return std::unexpected(armed.error());
  if (armed->value("result", "") != "armed") {
    return Fail(rt.name + " refused to hold at wait_started: " + armed->dump());
  }
  auto read = PendingRequest::Send(rt.socket, ReadRequest(c));
  if (!read) return std::unexpected(read.error());
  std::optional<bool> stopped;  // true: held at the wait; false: it ended
  PollUntil([&] {
    if (auto s = rt.txsys.WaitStopped(std::chrono::milliseconds(0))) stopped = *s;
    return stopped.has_value() || read->Ready();
  }, RequestTimeout());
  if (stopped == true) {
    CountOverlappingCommand(c.reply ? "Read(reply)" : "Read(complete)");
    auto sent = PendingRequest::Send(rt.socket, *request);
    if (auto s = rt.txsys.Continue(); !s) return s;
    if (!sent) return std::unexpected(sent.error());
    auto replied = sent->Answer(RequestTimeout());
    if (auto s = TakeReadAnswer(c.via, read->Answer(RequestTimeout())); !s) return s;
    if (!replied && rt.txsys.Alive()) return std::unexpected(replied.error());
    return {};
  }
  if (rt.txsys.Alive()) {
    auto disarmed = Request(rt.socket, {{"op", "disarm_hold"}}, RequestTimeout());
    if (!disarmed) return std::unexpected(disarmed.error());
  }
  if (auto s = TakeReadAnswer(c.via, read->Answer(RequestTimeout())); !s) return s;
  if (!rt.txsys.Running()) return {};
  bool died = false;
  auto replied = Ask(c.via, *request, &died);
  return replied ? Status{} : Status{std::unexpected(replied.error())};
}

Status RsSystem::Run(const m::Start& c) {
  auto& rt = systems_[c.system];
  std::string partners;
  for (const auto& other : systems_) {
    if (other.name == rt.name) continue;
    partners += (partners.empty() ? "" : ",") + other.name + "=" + other.socket.string();
  }
  ProcessSpec spec{rt.name, settings_.impl_dir / "txsys",
                   {"--name", rt.name, "--socket", rt.socket.string(), "--data-dir",
                    rt.data.string(), "--journal", rt.sets[c.journal_set - 1].string(), "--log",
                    rt.log.string(), "--partners", partners, "--lock-wait-ms",
                    std::to_string(settings_.protocol.lock_wait.count())},
                   {},
                   rt.dir / "txsys.out"};
  if (!settings_.bug.empty()) spec.env.emplace_back("LOCKSTEP_BUG", settings_.bug);
  if (c.crash_point) spec.env.push_back(faults::CrashPointEnv(m::CrashPointName(*c.crash_point)));
  if (rt.last_set != 0 && rt.last_set != c.journal_set) {
    record_->AddFault("reformat", rt.name + " started on journal-" + std::to_string(c.journal_set),
                      "start on another journal set (--journal)", rt.name);
  }
  rt.last_set = c.journal_set;
  return rt.txsys.Spawn(std::move(spec));
}

Status RsSystem::Run(const m::Crash& c) {
  auto& rt = systems_[c.system];
  if (auto s = rt.txsys.CrashNow(settings_.quiet_deadline); !s) return s;
  record_->AddFault("crash", rt.name, faults::CrashMechanism(), rt.name);
  return {};
}

Status RsSystem::FormatSet(int system, int set, bool record_fault) {
  auto& rt = systems_[system];
  const fs::path target = rt.sets[set - 1];
  if (!sandbox_.Contains(target)) return Fail("refusing to format outside the sandbox: " + target.string());
  faults::Reformat reformat(settings_.impl_dir / "journal-format", target);
  if (auto s = reformat.Inject(); !s) return s;
  if (auto s = reformat.Probe(); !s) {
    return Fail("reformat of " + target.string() + " did not take effect: " + s.error().message);
  }
  if (!record_fault) return {};
  // The sets formatted when the case is made are what every trace starts from; a later one
  // is a harness line, so that the event model knows the set is empty again.
  if (auto s = RecordHarnessEvent(rt.name, "journal_formatted", {{"set", set}}); !s) return s;
  record_->AddFault("reformat", fs::relative(target, dir_).string(), reformat.mechanism(),
                    rt.name);
  return {};
}

Status RsSystem::Run(const m::Format& c) { return FormatSet(c.system, c.journal_set, true); }

Status RsSystem::Run(const m::Reply& c) {
  bool died = false;
  auto answer = Ask(c.system, ReplyRequest(c.partner, c.action), &died);
  return answer ? Status{} : Status{std::unexpected(answer.error())};
}

Status RsSystem::Run(const m::VaryRm& c) {
  bool died = false;
  auto answer = Ask(c.system, {{"op", "vary_rm"}, {"partner", m::SystemName(c.partner)}}, &died);
  return answer ? Status{} : Status{std::unexpected(answer.error())};
}

Status RsSystem::Run(const m::Complete& c) {
  auto request = CompleteRequest(c);
  if (!request) return std::unexpected(request.error());
  bool died = false;
  auto answer = Ask(c.system, *request, &died);
  return answer ? Status{} : Status{std::unexpected(answer.error())};
}

// A journal fault acts on the system's whole journal directory (both sets).
Status RsSystem::Run(const m::InjectFault& c) {
  const fs::path& journal = systems_[c.system].journal;
  const auto kind = c.kind == m::JournalFault::kDiskFull ? DirectoryFaultKind::kDiskFull
                                                         : DirectoryFaultKind::kAccessDenied;
  return faults_.Inject(kind, journal, fs::relative(journal, dir_).string(),
                        systems_[c.system].name);
}

Status RsSystem::Run(const m::RemoveFault& c) { return faults_.Remove(systems_[c.system].journal); }

// The damage is located by journal-format --records (faults/corrupt.h) and proved by re-reading.
Status RsSystem::Run(const m::Corrupt& c) {
  auto& rt = systems_[c.system];
  const fs::path target = rt.sets[c.journal_set - 1];
  if (!sandbox_.Contains(target)) {
    return Fail("refusing to corrupt a journal outside the sandbox: " + target.string());
  }
  faults::Corrupt corrupt(settings_.impl_dir / "journal-format", target, c.record,
                          m::ToString(c.damage), static_cast<int>(c.damage));
  if (auto s = corrupt.Inject(); !s) return s;
  if (auto s = corrupt.Probe(); !s) {
    return Fail("corruption of " + target.string() + " did not take effect: " + s.error().message);
  }
  if (auto s = RecordHarnessEvent(rt.name, "journal_corrupted",
                                  {{"set", c.journal_set}, {"record", c.record},
                                   {"damage", m::ToString(c.damage)}});
      !s) {
    return s;
  }
  record_->AddFault("corrupt", fs::relative(target, dir_).string(), corrupt.mechanism(), rt.name);
  return {};
}

void RsSystem::Reap() {
  for (auto& rt : systems_) rt.txsys.ReapIfExited();
}

// Quiet: every running system answers status with busy false; the others are reaped.
bool RsSystem::Quiet() {
  Reap();
  for (auto& rt : systems_) {
    if (!rt.txsys.Running()) continue;
    auto status = Request(rt.socket, {{"op", "status"}}, RequestTimeout());
    if (!status || status->value("busy", true)) return false;
  }
  return true;
}

Result<RsSystem::Observation> RsSystem::Observe(const m::State& predicted) {
  Reap();
  RawObservation o;
  o.last_outcome = last_outcome_;
  for (auto& rt : systems_) {
    RawSystem raw;
    if (rt.txsys.Running()) {
      auto status = Request(rt.socket, {{"op", "status"}}, RequestTimeout());
      if (!status) return std::unexpected(status.error());
      auto parsed = ParseStatus(*status, size());
      if (!parsed) return Fail(rt.name + ": " + parsed.error().message);
      raw = std::move(*parsed);
    } else {
      raw.last_exit = ToExitKind(rt.txsys.last_exit());
    }
    o.systems.push_back(std::move(raw));
  }
  return ToModel(o, m::Predict(predicted), ids_);
}

}  // namespace lockstep::harness::rs
