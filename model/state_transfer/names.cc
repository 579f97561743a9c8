// Names of the observation vocabulary (observation.h). These strings are the wire and report
// spelling (impl/README.md), so they never change.
#include "model/state_transfer/observation.h"

namespace lockstep::model::st {

const char* SideName(Side s) { return s == Side::kA ? "A" : "B"; }

const char* ToString(SideStatus s) {
  switch (s) {
    case SideStatus::kDown: return "down";
    case SideStatus::kReceiving: return "receiving";
    case SideStatus::kInService: return "in_service";
    case SideStatus::kStale: return "stale";
  }
  return "?";
}

const char* ToString(ExitKind e) {
  switch (e) {
    case ExitKind::kNone: return "none";
    case ExitKind::kDataError: return "data_error";
    case ExitKind::kTransferTimeout: return "transfer_timeout";
    case ExitKind::kUndocumented: return "undocumented";
    case ExitKind::kKilled: return "killed";
  }
  return "?";
}

const char* ToString(InputResult r) {
  switch (r) {
    case InputResult::kOk: return "ok";
    case InputResult::kUnavailable: return "unavailable";
    case InputResult::kUnavailableAfterAccept: return "unavailable-after-accept";
  }
  return "?";
}

}  // namespace lockstep::model::st
