// CheckStep: one observation of the real system against the model's prediction. Each check
// below owns a disjoint set of differences (properties.h lists them); they run in the order
// of the report's precedence, so the first one that finds a difference names the property.
#include <optional>
#include <string>

#include "model/common/step_check.h"
#include "model/state_transfer/format.h"
#include "model/state_transfer/model.h"
#include "model/state_transfer/properties.h"

namespace lockstep::model::st {
namespace {

struct Step : StepOf<State, Command, Observation> {
  const State& after;

  const SideObservation& pred(Side s) const { return predicted.at(s); }
  const SideObservation& obs(Side s) const { return observed.at(s); }
  bool SendFailed(Side s) const {
    return after.at(s).logged_send_errors.size() > before.at(s).logged_send_errors.size();
  }
};

using Found = std::optional<Violation>;

Found Fail(const Step& step, const char* id, const std::string& what) {
  return StepViolation(id, PropertyName(id), Describe(step.cmd), what);
}

// "side B: status observed in_service, model predicts stale"
std::string Diff(Side side, const char* field, const std::string& observed,
                 const std::string& predicted) {
  return Mismatch(std::string("side ") + SideName(side), field, observed, predicted);
}

bool Is(SideStatus a, SideStatus b) { return a == b; }

Found CheckStaleService(const Step& st) {
  for (Side s : kSides) {
    if (Is(st.obs(s).status, SideStatus::kInService) &&
        !Is(st.pred(s).status, SideStatus::kInService)) {
      return Fail(st, "ST-3", Diff(s, "status", "in_service", ToString(st.pred(s).status)));
    }
  }
  for (Side s : kSides) {
    const auto key = st.obs(s).db.last_update_key;
    if (Is(st.obs(s).status, SideStatus::kInService) && key < st.observed.high_water_key) {
      return Fail(st, "ST-3",
                  std::string("side ") + SideName(s) + ": in service with last_update_key " +
                      std::to_string(key) + " behind the observed high-water key " +
                      std::to_string(st.observed.high_water_key));
    }
  }
  return std::nullopt;
}

Found CheckBoundedWait(const Step& st) {
  for (Side s : kSides) {
    if (Is(st.obs(s).status, SideStatus::kReceiving)) {
      return Fail(st, "ST-6",
                  Diff(s, "status", "receiving", ToString(st.pred(s).status)) +
                      " (no side may be receiving at a quiet point)");
    }
  }
  for (Side s : kSides) {
    const ExitKind o = st.obs(s).last_exit, p = st.pred(s).last_exit;
    if (o != p && p == ExitKind::kTransferTimeout) {
      return Fail(st, "ST-6", Diff(s, "last_exit", ToString(o), ToString(p)));
    }
  }
  return std::nullopt;
}

Found CheckCleanFailure(const Step& st) {
  for (Side s : kSides) {
    const SideObservation& o = st.obs(s);
    const SideObservation& p = st.pred(s);
    if (o.temp_files != p.temp_files) {
      return Fail(
          st, "ST-4",
          Diff(s, "temp_files", std::to_string(o.temp_files), std::to_string(p.temp_files)));
    }
    if (o.logged_send_errors != p.logged_send_errors) {
      return Fail(st, "ST-4",
                  Diff(s, "logged_send_errors", Format(o.logged_send_errors),
                       Format(p.logged_send_errors)));
    }
    if (o.last_transfer_errno != p.last_transfer_errno) {
      return Fail(st, "ST-4",
                  Diff(s, "last_transfer_errno", Format(o.last_transfer_errno),
                       Format(p.last_transfer_errno)));
    }
    if (o.transfer_attempts != p.transfer_attempts) {
      return Fail(st, "ST-4",
                  Diff(s, "transfer_attempts", std::to_string(o.transfer_attempts),
                       std::to_string(p.transfer_attempts)));
    }
    if (st.SendFailed(s) && o.status != p.status) {
      return Fail(st, "ST-4",
                  Diff(s, "status", ToString(o.status), ToString(p.status)) +
                      " after its send failed (a sender stays in service)");
    }
    const Side receiver = Peer(s);
    if (st.SendFailed(s) && Is(st.obs(receiver).status, SideStatus::kInService) &&
        !Is(st.pred(receiver).status, SideStatus::kInService)) {
      return Fail(st, "ST-4",
                  Diff(receiver, "status", "in_service", ToString(st.pred(receiver).status)) +
                      " after the transfer to it failed (a receiver must not enter service)");
    }
  }
  return std::nullopt;
}

Found CheckAtomicTransfer(const Step& st) {
  for (Side s : kSides) {
    const SideObservation& o = st.obs(s);
    const SideObservation& p = st.pred(s);
    const bool down = Is(o.status, SideStatus::kDown) && Is(p.status, SideStatus::kDown);
    if (down && o.db_error != p.db_error) {
      return Fail(st, "ST-7", Diff(s, "db (down)", "unreadable (" + o.db_error + ")", Format(p.db)));
    }
    if (down && o.db != p.db) {
      return Fail(st, "ST-7", Diff(s, "db (down)", Format(o.db), Format(p.db)));
    }
    if (o.last_transfer != p.last_transfer) {
      return Fail(st, "ST-7",
                  Diff(s, "last_transfer", Format(o.last_transfer), Format(p.last_transfer)));
    }
  }
  return std::nullopt;
}

// The side this step started is predicted back in service and is not: recovery failed (ST-5),
// whatever else also differs because of it.
Found CheckStartedSideRecovered(const Step& st) {
  const auto* start = std::get_if<Start>(&st.cmd);
  if (start && Is(st.pred(start->side).status, SideStatus::kInService) &&
      !Is(st.obs(start->side).status, SideStatus::kInService)) {
    return Fail(st, "ST-5", Diff(start->side, "status", ToString(st.obs(start->side).status),
                                 "in_service"));
  }
  return std::nullopt;
}

Found CheckRecovery(const Step& st) {
  for (Side s : kSides) {
    if (Is(st.pred(s).status, SideStatus::kInService) &&
        !Is(st.obs(s).status, SideStatus::kInService)) {
      return Fail(st, "ST-5", Diff(s, "status", ToString(st.obs(s).status), "in_service"));
    }
  }
  return std::nullopt;
}

Found CheckNoLostAcknowledgement(const Step& st) {
  if (st.observed.last_outcome != st.predicted.last_outcome) {
    return Fail(st, "ST-2",
                "last_outcome observed " + Format(st.observed.last_outcome) + ", model predicts " +
                    Format(st.predicted.last_outcome));
  }
  if (st.observed.transfer_input_outcomes != st.predicted.transfer_input_outcomes) {
    return Fail(st, "ST-2",
                "answers to the inputs submitted during the transfer observed " +
                    Format(st.observed.transfer_input_outcomes) + ", model predicts " +
                    Format(st.predicted.transfer_input_outcomes));
  }
  if (st.observed.high_water_key != st.predicted.high_water_key) {
    return Fail(st, "ST-2",
                "high_water_key observed " + std::to_string(st.observed.high_water_key) +
                    ", model predicts " + std::to_string(st.predicted.high_water_key));
  }
  for (Side s : kSides) {
    const SideObservation& o = st.obs(s);
    const SideObservation& p = st.pred(s);
    const bool serving =
        Is(o.status, SideStatus::kInService) && Is(p.status, SideStatus::kInService);
    if (serving && o.db != p.db) {
      return Fail(st, "ST-2", Diff(s, "db (in service)", Format(o.db), Format(p.db)));
    }
    if (o.last_exit != p.last_exit) {
      return Fail(st, "ST-2", Diff(s, "last_exit", ToString(o.last_exit), ToString(p.last_exit)));
    }
  }
  return std::nullopt;
}

Found CheckAgreement(const Step& st) {
  for (Side s : kSides) {
    if (st.obs(s).memory != st.pred(s).memory) {
      return Fail(st, "ST-1",
                  Diff(s, "memory", Format(st.obs(s).memory), Format(st.pred(s).memory)));
    }
  }
  const SideObservation& a = st.obs(Side::kA);
  const SideObservation& b = st.obs(Side::kB);
  if (Is(a.status, SideStatus::kInService) && Is(b.status, SideStatus::kInService) &&
      a.checksum != b.checksum) {
    return Fail(
        st, "ST-1",
        "both sides in service with different checksums: A " + a.checksum + ", B " + b.checksum);
  }
  for (Side s : kSides) {
    const SideObservation& o = st.obs(s);
    const SideObservation& p = st.pred(s);
    if (o.status != p.status) {
      return Fail(st, "ST-1", Diff(s, "status", ToString(o.status), ToString(p.status)));
    }
    if (o.db != p.db) return Fail(st, "ST-1", Diff(s, "db", Format(o.db), Format(p.db)));
  }
  Observation rest = st.observed;  // a field added to Observation later and not checked above
  for (SideObservation& x : rest.sides) x.checksum.clear();
  if (rest != st.predicted) return Fail(st, "ST-1", "observation differs from the model");
  return std::nullopt;
}

}  // namespace

std::optional<Violation> CheckStep(const State& before, const Command& cmd, const State& after,
                                   const Observation& observed) {
  const Observation predicted = Predict(after);
  const Step step{{before, cmd, predicted, observed}, after};
  for (auto check : {CheckStartedSideRecovered, CheckCleanFailure, CheckStaleService, CheckBoundedWait, CheckAtomicTransfer,
                     CheckRecovery, CheckNoLostAcknowledgement, CheckAgreement}) {
    if (auto v = check(step)) return v;
  }
  return std::nullopt;
}

}  // namespace lockstep::model::st
