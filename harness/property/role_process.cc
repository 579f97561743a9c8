#include "harness/property/role_process.h"

#include <utility>

#include "faults/crash.h"
#include "harness/property/log_excerpt.h"

namespace lockstep::harness {

RoleProcess::RoleProcess(std::string name, std::filesystem::path log,
                         std::filesystem::path trace)
    : name_(std::move(name)), log_(std::move(log)), trace_(std::move(trace)) {}

Status RoleProcess::Spawn(ProcessSpec spec) {
  spec.name = name_;
  if (!trace_.empty()) {
    spec.args.push_back("--trace");
    spec.args.push_back(trace_.string());
  }
  auto started = Process::Spawn(spec);
  if (!started) return std::unexpected(started.error());
  process_ = std::move(*started);  // Process's move-assignment kills and reaps a previous one
  last_exit_.reset();
  return {};
}

void RoleProcess::ReapIfExited() {
  if (process_ && !process_->Running()) {
    last_exit_ = process_->exit_status();
    process_.reset();
  }
}

Status RoleProcess::CrashNow(std::chrono::milliseconds deadline) {
  if (!Alive()) return Fail(name_ + ": Crash: the process is not running");
  if (auto s = faults::KillProcess(process_->pid(), name_); !s) {
    return Fail(name_ + ": " + s.error().message, s.error().errnum);
  }
  auto exit = process_->WaitExit(deadline);
  if (!exit) return Fail(name_ + ": " + exit.error().message, exit.error().errnum);
  last_exit_ = *exit;
  process_.reset();
  return {};
}

Result<ExitStatus> RoleProcess::WaitExit(std::chrono::milliseconds timeout) {
  if (!process_) {
    if (last_exit_) return *last_exit_;
    return Fail(name_ + ": never started");
  }
  auto exit = process_->WaitExit(timeout);
  if (!exit) return Fail(name_ + ": " + exit.error().message, exit.error().errnum);
  last_exit_ = *exit;
  process_.reset();
  return *exit;
}

bool RoleProcess::Alive() { return process_ && process_->Running(); }

Result<bool> RoleProcess::WaitStopped(std::chrono::milliseconds timeout) {
  if (!process_) return Fail(name_ + ": no process to wait for at its hold");
  return process_->WaitStopped(timeout);
}

Status RoleProcess::Continue() {
  if (!process_) return Fail(name_ + ": no process to release from its hold");
  return process_->Continue();
}

std::optional<pid_t> RoleProcess::pid() const {
  if (!process_) return std::nullopt;
  return process_->pid();
}

namespace {

// A reaped child's status is known unless another waiter took it (Process::Running).
std::string Describe(const std::optional<ExitStatus>& exit) {
  return exit ? exit->Describe() : "ended (exit status lost)";
}

}  // namespace

std::string RoleProcess::HowItEnded() {
  if (!process_) return last_exit_ ? last_exit_->Describe() : "never started";
  std::string how = process_->Running() ? "running at the end of the case"
                                        : Describe(process_->exit_status());
  if (auto killed = process_->Kill(); !killed) how += " (" + killed.error().message + ")";
  last_exit_ = process_->exit_status();
  process_.reset();
  return how;
}

reports::ProcessRecord RoleProcess::TearDown(std::size_t excerpt_lines) {
  std::string how = HowItEnded();
  return {name_, std::move(how), LastLines(log_, excerpt_lines)};
}

}  // namespace lockstep::harness
