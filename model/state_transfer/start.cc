// Start: a side's process starts (or the node manager restarts it) and registers with the
// mds (spec "Start of a side"; design decisions 1, 4, 6, 7, 8).
#include <algorithm>

#include "model/state_transfer/transitions.h"

namespace lockstep::model::st::internal {

bool TransferCanCarryInputs(const State& s, const Start& c) {
  const SideState& peer = s.at(Peer(c.side));
  const auto dies_before_registering = {CrashPoint::kActionDatabaseLoaded,
                                        CrashPoint::kActionRegisterSent};
  const auto races_the_receiver = {CrashPoint::kActionSendStateReceived,
                                   CrashPoint::kInputBeforeDurable,
                                   CrashPoint::kInputAfterDurable, CrashPoint::kActionAckSent};
  const auto is_one_of = [](std::optional<CrashPoint> p, auto points) {
    return p && std::find(points.begin(), points.end(), *p) != points.end();
  };
  return s.at(c.side).fault(Dir::kData) != FaultKind::kAccessDenied &&
         !is_one_of(c.crash_point, dies_before_registering) && peer.IsInService() &&
         !peer.HasDataFault() && !is_one_of(peer.crash_point, races_the_receiver);
}

void ApplyStart(State& s, const Start& cmd, const Config& config) {
  SideState& side = s.at(cmd.side);
  side.crash_point = cmd.crash_point;  // the side is not running yet: Armed() would say no
  side.last_exit = ExitKind::kNone;
  if (side.fault(Dir::kData) == FaultKind::kAccessDenied) {
    EndProcess(side, ExitKind::kDataError);  // cannot open its database (decision 6)
    return;
  }
  if (side.crash_point == CrashPoint::kActionDatabaseLoaded) {  // before any clean-up
    EndProcess(side, ExitKind::kKilled);
    return;
  }
  side.staged_db = false;  // a stale staged database is removed at start
  // Leftover transfer files are removed at start, unless the temp dir is denied (decision 7).
  if (side.fault(Dir::kTemp) != FaultKind::kAccessDenied) side.temp_files = 0;
  side.temp_files_at_start = side.temp_files;
  side.memory.clear();
  if (side.crash_point == CrashPoint::kActionRegisterSent) {  // cleaned up, not registered
    EndProcess(side, ExitKind::kKilled);
    return;
  }
  side.status = SideStatus::kStale;  // registered, waiting for the mds's decision

  const Side peer = Peer(cmd.side);
  if (s.at(peer).IsInService()) {
    RunTransfer(s, peer, cmd.side, config, cmd.inputs);
    return;
  }
  const bool behind = side.db.last_update_key < s.high_water_key;
  if (behind && config.variant != Variant::kNoHighWaterCheck) return;  // stale: waits, no timeout
  side.status = SideStatus::kInService;                    // simplex, empty memory (decisions 1, 8)
  if (Armed(side, CrashPoint::kActionServiceEntered)) {
    // The mds starts the transfer to a stale peer right after telling this side to enter
    // service, before it learns the side died: the peer is told to receive and times out.
    EndProcess(side, ExitKind::kKilled);
    if (s.at(peer).status == SideStatus::kStale) AbandonTransfer(s.at(peer));
    return;
  }
  if (s.at(peer).status == SideStatus::kStale) RunTransfer(s, cmd.side, peer, config);
}

}  // namespace lockstep::model::st::internal
