#include "harness/state_transfer/st_system.h"

#include <csignal>
#include <fstream>
#include <iostream>
#include <regex>

#include "faults/crash.h"
#include "harness/control/control_client.h"
#include "harness/os/deadline.h"
#include "harness/property/drive_step.h"
#include "harness/property/log_excerpt.h"
#include "harness/state_transfer/st_event_model.h"
#include "harness/state_transfer/st_json.h"

namespace lockstep::harness::st {

namespace m = lockstep::model::st;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The environment that arms `p`: a named crash point, or a traced action ("action.<event>").
std::pair<std::string, std::string> CrashArming(m::CrashPoint p) {
  const std::string_view name = m::CrashPointName(p);
  if (!m::IsTracedAction(p)) return faults::CrashPointEnv(name);
  return faults::CrashAtActionEnv(name.substr(name.find('.') + 1));
}

const char* const kFillerName = ".lockstep-filler";

std::string CommandName(const m::Command& c) {
  static const char* const kNames[] = {"Submit",      "Start",       "Crash",    "InjectFault",
                                       "RemoveFault", "OfflineSync", "PowerLoss"};
  static_assert(std::size(kNames) == std::variant_size_v<m::Command>);
  return kNames[c.index()];
}

// An undocumented status is observed as such (a property violation, not a harness error);
// the process record in the report says what the status was.
m::ExitKind ToExitKind(const std::optional<ExitStatus>& e) {
  if (!e) return m::ExitKind::kNone;
  if (e->signaled && e->signal == SIGKILL) return m::ExitKind::kKilled;
  if (!e->signaled && e->code == 3) return m::ExitKind::kDataError;
  if (!e->signaled && e->code == 4) return m::ExitKind::kTransferTimeout;
  return m::ExitKind::kUndocumented;
}

// Errnos of the sender's "Unable to create temporary state transfer file" lines, in order.
std::vector<int> LoggedSendErrors(const fs::path& log) {
  static const std::regex kLine(R"(Unable to create temporary state transfer file: .* \[(\d+)\])");
  std::vector<int> errnos;
  std::ifstream in(log);
  std::smatch match;
  for (std::string line; std::getline(in, line);) {
    if (std::regex_search(line, match, kLine)) errnos.push_back(std::stoi(match[1].str()));
  }
  return errnos;
}

int CountTempFiles(const fs::path& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename() != kFillerName) ++n;
  }
  return n;
}

}  // namespace

// Twice the transfer timeout (docs/design.md, "Quiet points and timing").
StSystem::StSystem(Sandbox& sandbox, const StSettings& settings, CaseRecord* record)
    : SystemDriver(sandbox, settings, record, settings.protocol.transfer_timeout * 2) {}

Result<std::unique_ptr<StSystem>> StSystem::Create(Sandbox& sandbox, const std::string& case_dir,
                                                   const StSettings& settings,
                                                   CaseRecord* record) {
  std::unique_ptr<StSystem> sys(new StSystem(sandbox, settings, record));
  sys->case_dir_ = case_dir;
  auto dir = sandbox.MakeDir(case_dir);
  if (!dir) return std::unexpected(dir.error());
  sys->dir_ = *dir;
  if (auto s = sys->MakeTraceDir(case_dir, MakeStEventModel()); !s) return std::unexpected(s.error());
  auto mds_data = sandbox.MakeDir(fs::path(case_dir) / "mds" / "data");
  if (!mds_data) return std::unexpected(mds_data.error());
  sys->mds_data_ = *mds_data;
  sys->mds_socket_ = sys->dir_ / "mds.sock";
  sys->mds_log_ = sys->dir_ / "mds" / "mds.log";
  sys->mds_ = RoleProcess("mds", sys->mds_log_, sys->TraceFile("mds"));
  for (m::Side side : m::kSides) {
    auto& rt = sys->at(side);
    const fs::path rel = fs::path(case_dir) / m::SideName(side);
    const bool power_loss = settings.faults.contains("power-loss");
    // With power-loss the tmpfs is the filesystem's backing directory, and data its mount.
    auto data = sandbox.MakeDir(rel / "data",
                                power_loss ? std::nullopt : FaultDirTmpfsBytes(settings));
    auto temp = sandbox.MakeDir(rel / "temp", FaultDirTmpfsBytes(settings));
    if (!data) return std::unexpected(data.error());
    if (!temp) return std::unexpected(temp.error());
    rt.dir = sys->dir_ / m::SideName(side);
    rt.data = *data;
    if (power_loss) {
      if (auto s = sys->MountPowerLoss(rt, rel); !s) return std::unexpected(s.error());
    }
    rt.temp = *temp;
    rt.socket = sys->dir_ / (std::string(m::SideName(side)) + ".sock");
    rt.log = rt.dir / "logger.log";
    const std::string role = std::string("logger-") + m::SideName(side);
    rt.logger = RoleProcess(role, rt.log, sys->TraceFile(role));
  }
  if (auto s = sys->StartMds(); !s) return std::unexpected(s.error());
  return sys;
}

Status StSystem::MountPowerLoss(SideRuntime& rt, const fs::path& rel) {
  auto durable = sandbox_.MakeDir(rel / "data-durable", FaultDirTmpfsBytes(settings_));
  if (!durable) return std::unexpected(durable.error());
  rt.data_durable = *durable;
  auto power = std::make_unique<faults::PowerLoss>(faults::PowerLossOptions{
      .program = PowerLossProgram(), .backing = rt.data_durable, .mount_point = rt.data});
  if (auto s = power->Mount(); !s) return s;
  rt.power = std::move(power);
  return {};
}

Status StSystem::StartMds() {
  ProcessSpec spec{"mds", settings_.impl_dir / "mds",
                   {"--socket", mds_socket_.string(), "--data-dir", mds_data_.string(), "--log",
                    mds_log_.string()},
                   {},
                   dir_ / "mds" / "mds.out"};
  if (!settings_.bug.empty()) spec.env.emplace_back("LOCKSTEP_BUG", settings_.bug);
  if (auto s = mds_.Spawn(std::move(spec)); !s) return s;
  const bool up = PollUntil(
      [&] { return Request(mds_socket_, {{"op", "status"}}, RequestTimeout()).has_value(); },
      settings_.quiet_deadline);
  if (!up) return Fail("mds did not answer status on " + mds_socket_.string() + " in time");
  return {};
}

// The loggers, then the mds, each killed and described (a role left unnamed was never made:
// Create failed before it, and there is nothing to record); then faults_, destroyed first of
// the members, removes every fault still active.
// The power-loss filesystems go last: the faults inside and under them first (a denied mount
// root is restored through the mount, a disk-full filler removed from the backing tmpfs).
StSystem::~StSystem() {
  const std::size_t lines = settings_.log_excerpt_lines;
  for (RoleProcess* role : {&sides_[0].logger, &sides_[1].logger, &mds_}) {
    if (!role->name().empty()) record_->processes.push_back(role->TearDown(lines));
  }
  if (!sides_[0].power && !sides_[1].power) return;
  if (auto s = faults_.RemoveAll(); !s) std::cerr << "lockstep: " << s.error().message << "\n";
  for (auto& rt : sides_) {
    if (!rt.power) continue;
    if (auto s = rt.power->Unmount(); !s) std::cerr << "lockstep: " << s.error().message << "\n";
  }
}

// Quiet point: every process has settled; if it never does, the properties judge what is
// observed (a receiver still waiting is an ST-6 violation).
Status StSystem::Drive(const m::Command& command) {
  transfer_input_outcomes_.clear();
  const auto run = [&] { return std::visit([this](const auto& c) { return Run(c); }, command); };
  return DriveStep(*record_, m::Describe(command), CommandName(command), run,
                   [this] { return Quiet(); }, RequestTimeout());
}

Result<StSystem::Observation> StSystem::Execute(const m::Command& command, const m::State&) {
  if (auto s = Drive(command); !s) return std::unexpected(s.error());
  return Observe();
}

Status StSystem::Run(const m::Submit& c) {
  auto answer = Request(mds_socket_, SubmitRequest(c), RequestTimeout());
  if (!answer) return std::unexpected(answer.error());
  auto outcome = ParseOutcome(*answer);
  if (!outcome) return std::unexpected(outcome.error());
  last_outcome_ = *outcome;
  return {};
}

Status StSystem::Run(const m::Start& c) {
  if (!c.inputs.empty()) return RunWithTransferInputs(c);
  return SpawnLogger(c);
}

Status StSystem::SpawnLogger(const m::Start& c) {
  auto& rt = at(c.side);
  ProcessSpec spec{std::string("logger-") + m::SideName(c.side), settings_.impl_dir / "logger",
                   {"--side", m::SideName(c.side), "--mds", mds_socket_.string(), "--socket",
                    rt.socket.string(), "--data-dir", rt.data.string(), "--temp-dir",
                    rt.temp.string(), "--log", rt.log.string(), "--log-capacity",
                    std::to_string(settings_.protocol.log_capacity), "--transfer-timeout-ms",
                    std::to_string(settings_.protocol.transfer_timeout.count())},
                   {},
                   rt.dir / "logger.out"};
  if (!settings_.bug.empty()) spec.env.emplace_back("LOCKSTEP_BUG", settings_.bug);
  if (c.crash_point) spec.env.push_back(CrashArming(*c.crash_point));
  return rt.logger.Spawn(std::move(spec));
}

// Start(X, inputs=[...]) (docs/design.md, "Decision: overlapping commands hold a process at a
// traced action"): the peer, the sender, is held at send_state_received; X starts; once the
// sender has stopped, each input is submitted and taken by the mds (pending_inputs counts it)
// before the next, so their keys follow in order; then the sender is released and the answers
// come. A hold that never fires (the implementation started no transfer) leaves the inputs
// unsent (and is disarmed): the step's observation shows it. The receiver's timer runs while the sender is
// held, so a hold longer than half its timeout is the harness's failure, not the
// implementation's.
Status StSystem::RunWithTransferInputs(const m::Start& c) {
  auto& sender = at(m::Peer(c.side));
  auto armed = Request(sender.socket, {{"op", "hold"}, {"event", "send_state_received"}},
                       RequestTimeout());
  if (!armed) return std::unexpected(armed.error());
  if (armed->value("result", "") != "armed") {
    return Fail(sender.logger.name() + " refused to hold at send_state_received: " + armed->dump());
  }
  if (auto s = SpawnLogger(c); !s) return s;
  auto stopped = sender.logger.WaitStopped(settings_.quiet_deadline);
  if (!stopped && sender.logger.Alive()) {  // the hold never fired: it must not fire later
    auto disarmed = Request(sender.socket, {{"op", "disarm_hold"}}, RequestTimeout());
    if (!disarmed) return std::unexpected(disarmed.error());
  }
  if (!stopped || !*stopped) return {};
  CountOverlappingCommand("Start(inputs)");
  if (faults_.ActiveOn(sender.temp)) CountOverlappingCommand("Start(inputs, sender temp fault)");
  if (c.crash_point) CountOverlappingCommand("Start(inputs, receiver crash armed)");
  const auto held_at = Clock::now();
  std::vector<PendingRequest> answers;
  for (const m::Submit& input : c.inputs) {
    auto sent = PendingRequest::Send(mds_socket_, SubmitRequest(input));
    if (!sent) break;
    answers.push_back(std::move(*sent));
    const auto taken = [&] {
      auto status = Request(mds_socket_, {{"op", "status"}}, RequestTimeout());
      return status && status->value("pending_inputs", std::size_t{0}) >= answers.size();
    };
    if (!PollUntil(taken, RequestTimeout())) break;
  }
  const auto held = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - held_at);
  if (auto s = sender.logger.Continue(); !s) return s;
  for (PendingRequest& answer : answers) {
    auto reply = answer.Answer(RequestTimeout());
    if (!reply) return std::unexpected(reply.error());
    auto outcome = ParseOutcome(*reply);
    if (!outcome) return std::unexpected(outcome.error());
    transfer_input_outcomes_.push_back(*outcome);
  }
  if (held > settings_.protocol.transfer_timeout / 2) {
    return Fail("the harness held " + sender.logger.name() + " for " + std::to_string(held.count()) +
                " ms, more than half the receiver's timeout (" +
                std::to_string(settings_.protocol.transfer_timeout.count()) +
                " ms): this machine is too slow for that timeout; raise --transfer-timeout-ms");
  }
  return {};
}

Status StSystem::Run(const m::Crash& c) {
  auto& logger = at(c.side).logger;
  if (auto s = logger.CrashNow(settings_.quiet_deadline); !s) return s;
  record_->AddFault("crash", logger.name(), faults::CrashMechanism(), m::SideName(c.side));
  return {};
}

Status StSystem::Run(const m::InjectFault& c) {
  const fs::path& target = at(c.side).FaultDir(c.dir, c.kind);
  const auto kind = c.kind == m::FaultKind::kDiskFull ? DirectoryFaultKind::kDiskFull
                                                      : DirectoryFaultKind::kAccessDenied;
  return faults_.Inject(kind, target, fs::relative(target, dir_).string(), m::SideName(c.side));
}

// The fault on a power-loss data directory is on the mount (access-denied) or on its backing
// tmpfs (disk-full): whichever holds one.
Status StSystem::Run(const m::RemoveFault& c) {
  const auto& rt = at(c.side);
  if (c.dir == m::Dir::kTemp) return faults_.Remove(rt.temp);
  const bool backing = rt.power && faults_.ActiveOn(rt.data_durable);
  return faults_.Remove(backing ? rt.data_durable : rt.data);
}

// The power cut: the side's processes die first (issue 11), then the filesystem drops what
// was not durable and proves it with its canaries; only then does the fault count.
Status StSystem::Run(const m::PowerLoss& c) {
  auto& rt = at(c.side);
  if (!rt.power) {
    return Fail("PowerLoss(" + std::string(m::SideName(c.side)) +
                ") in a case without power-loss among its faults (harness bug)");
  }
  if (auto s = rt.logger.CrashNow(settings_.quiet_deadline); !s) return s;
  if (auto s = rt.power->Cut(); !s) return s;
  record_->AddFault("power-loss", fs::relative(rt.data, dir_).string(), rt.power->mechanism(),
                    m::SideName(c.side));
  return {};
}

Status StSystem::Run(const m::OfflineSync& c) {
  auto s = RunOperatorTool("offline-synchronize",
                           {"--offline-synchronize", "--from", at(c.from).data.string(), "--to",
                            at(c.to).data.string()},
                           nullptr);
  if (!s) return s;
  return RecordHarnessEvent(std::string("logger-") + m::SideName(c.to), "offline_sync",
                            {{"from", m::SideName(c.from)}, {"to", m::SideName(c.to)}});
}

// Operator tools run with the operator's privileges (capabilities kept) and must exit 0.
Status StSystem::RunOperatorTool(const std::string& name, const std::vector<std::string>& args,
                                 std::string* output, std::string* data_error) {
  const fs::path out = dir_ / ("operator-" + name + ".out");
  std::error_code ec;
  fs::remove(out, ec);
  ProcessSpec spec{"logger " + name, settings_.impl_dir / "logger", args, {}, out, false};
  auto p = Process::Spawn(spec);
  if (!p) return std::unexpected(p.error());
  auto exit = p->WaitExit(settings_.quiet_deadline);
  if (!exit) return std::unexpected(exit.error());
  if (data_error && !exit->signaled && exit->code == 3) {
    *data_error = LastLines(out, 2);
    while (!data_error->empty() && data_error->back() == '\n') data_error->pop_back();
    if (data_error->empty()) *data_error = "exit status 3";
    return {};
  }
  if (exit->signaled || exit->code != 0) {
    return Fail("operator tool 'logger " + name + "' failed (" + exit->Describe() + "): " +
                LastLines(out, 5));
  }
  if (output) {
    std::ifstream in(out);
    output->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return {};
}

void StSystem::ReapSides() {
  for (auto& rt : sides_) rt.logger.ReapIfExited();
}

// Quiet: the mds is not busy, and for each side the mds, the process and the logger's own
// status agree on a settled state (down, in service or stale; never registering/receiving).
bool StSystem::Quiet() {
  ReapSides();
  auto status = Request(mds_socket_, {{"op", "status"}}, RequestTimeout());
  if (!status || !status->contains("sides")) return false;
  for (m::Side side : m::kSides) {
    const auto& s = (*status)["sides"][m::SideName(side)];
    if (s.value("busy", true)) return false;
    const std::string state = s.value("state", "");
    auto& rt = at(side);
    if (!rt.logger.Running()) {
      if (state != "down") return false;
      continue;
    }
    if (state != "in_service" && state != "stale") return false;
    auto own = Request(rt.socket, {{"op", "status"}}, RequestTimeout());
    if (!own || own->value("state", "") != state) return false;
  }
  return true;
}

Result<StSystem::Observation> StSystem::Observe() {
  ReapSides();
  auto status = Request(mds_socket_, {{"op", "status"}}, RequestTimeout());
  if (!status) return std::unexpected(status.error());
  Observation o;
  o.high_water_key = status->value("high_water_key", std::uint64_t{0});
  o.last_outcome = last_outcome_;
  o.transfer_input_outcomes = transfer_input_outcomes_;
  for (m::Side side : m::kSides) {
    auto s = ObserveSide(side, (*status)["sides"][m::SideName(side)]);
    if (!s) return std::unexpected(s.error());
    o.at(side) = *s;
  }
  return o;
}

Result<m::SideObservation> StSystem::ObserveSide(m::Side side, const json& mds) {
  auto& rt = at(side);
  const std::string who = std::string("logger ") + m::SideName(side);
  m::SideObservation o;
  o.last_exit = ToExitKind(rt.logger.last_exit());
  o.temp_files = CountTempFiles(rt.temp);
  o.logged_send_errors = LoggedSendErrors(rt.log);
  o.transfer_attempts = mds.value("transfer_attempts", 0u);
  if (mds.contains("last_transfer_error") && mds["last_transfer_error"].is_object()) {
    o.last_transfer_errno = mds["last_transfer_error"].value("errno", 0);
  }
  if (mds.contains("last_transfer") && mds["last_transfer"].is_object()) {
    const auto& t = mds["last_transfer"];
    o.last_transfer = m::TransferRecord{
        t.value("mode", "") == "incremental" ? m::TransferMode::kIncremental : m::TransferMode::kFull,
        t.value("entries_sent", std::uint64_t{0}), t.value("upto", std::uint64_t{0})};
  }
  if (rt.logger.Running()) {
    auto own = Request(rt.socket, {{"op", "status"}}, RequestTimeout());
    if (!own) return std::unexpected(own.error());
    auto status = ParseSideStatus(own->value("state", ""));
    auto db = ParseDatabase(*own);
    auto memory = ParseMemory(own->value("memory", json::object()));
    if (!status) return std::unexpected(status.error());
    if (!db) return std::unexpected(db.error());
    if (!memory) return std::unexpected(memory.error());
    o.status = *status;
    o.db = *db;
    o.memory = *memory;
    o.checksum = own->value("checksum", "");
    return o;
  }
  // A database the dump refuses (exit 3) is observed as such: a property violation, not a
  // harness error (a power cut can leave one behind a logger that skipped an fsync).
  std::string dump, refused;
  if (auto s = RunOperatorTool("dump", {"--dump", "--data-dir", rt.data.string()}, &dump,
                               &refused);
      !s) {
    return std::unexpected(s.error());
  }
  if (!refused.empty()) {
    o.db_error = refused;
    return o;
  }
  auto parsed = json::parse(dump, nullptr, false);
  if (parsed.is_discarded()) return Fail(who + ": 'logger --dump' printed invalid JSON");
  auto db = ParseDatabase(parsed);
  if (!db) return std::unexpected(db.error());
  o.db = *db;
  return o;
}

}  // namespace lockstep::harness::st
