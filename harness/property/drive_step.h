// DriveStep: the skeleton of one System driver's Drive(): record the command in the case
// record, run it on the real system, then wait for the quiet point.
//
// A system that never becomes quiet within `quiet_timeout` is not an error: the caller observes
// it anyway and the properties judge what is seen (a receiver still waiting, a busy system).
//
// Thread safety: runs run() and quiet() on the calling thread; single-threaded like the drivers.
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "base/result.h"
#include "harness/os/deadline.h"
#include "harness/property/case_record.h"

namespace lockstep::harness {

// Appends `text` (the command's Describe()) to record.commands and counts `name` (its command
// name) in record.command_counts, so the step number of faults injected by run() is this
// command's; then run(). If run() fails its error is returned at once (no quiet wait);
// otherwise quiet() is polled (PollUntil) until true or `quiet_timeout` passes, and the
// result is ok either way.
// REQUIRES: run is callable as Status(); quiet as bool() and safe to call repeatedly.
template <class RunFn, class QuietFn>
Status DriveStep(CaseRecord& record, std::string text, const std::string& name, RunFn&& run,
                 QuietFn&& quiet, std::chrono::milliseconds quiet_timeout) {
  record.commands.push_back(std::move(text));
  record.command_counts[name]++;
  if (Status ran = std::forward<RunFn>(run)(); !ran) return ran;
  (void)PollUntil(std::forward<QuietFn>(quiet), quiet_timeout);
  return {};
}

}  // namespace lockstep::harness
