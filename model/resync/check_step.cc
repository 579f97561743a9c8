// CheckStep: one observation of the real systems against the model's prediction. Each check
// below owns a disjoint set of differences (properties.h lists them, in this order); they run
// in that order, so the first one that finds a difference names the property.
#include <optional>
#include <string>
#include <variant>

#include "model/common/step_check.h"
#include "model/resync/show.h"
#include "model/resync/model.h"
#include "model/resync/properties.h"

namespace lockstep::model::rs {
namespace {

// The per-system fields a check can own.
enum class Field { kUp, kLastExit, kStamp, kStartup, kPartners, kBranches, kRows, kFenced };

struct Step : StepOf<State, Command, Observation> {
  const StepEvents& ev;

  int size() const { return static_cast<int>(predicted.systems.size()); }
  const SystemObservation& pred(int x) const { return predicted.systems[x]; }
  const SystemObservation& obs(int x) const { return observed.systems[x]; }
};

using Found = std::optional<Violation>;

Found Fail(const Step& st, const char* id, const std::string& what) {
  return StepViolation(id, PropertyName(id), Describe(st.cmd), what);
}

// "SYSTEM74: rows observed {k=v}, model predicts {}"
std::string Diff(int x, const char* field, const std::string& observed,
                 const std::string& predicted) {
  return Mismatch(SystemName(x), field, observed, predicted);
}

// The difference in field `f` of system x, if any.
std::optional<std::string> FieldDiff(const Step& st, int x, Field f) {
  const SystemObservation& o = st.obs(x);
  const SystemObservation& p = st.pred(x);
  switch (f) {
    case Field::kUp:
      if (o.up == p.up) return std::nullopt;
      return Diff(x, "up", o.up ? "up" : "down", p.up ? "up" : "down");
    case Field::kLastExit:
      if (o.last_exit == p.last_exit) return std::nullopt;
      return Diff(x, "last_exit", ToString(o.last_exit), ToString(p.last_exit));
    case Field::kStamp:
      if (o.stamp == p.stamp) return std::nullopt;
      return Diff(x, "journal stamp", std::to_string(o.stamp), std::to_string(p.stamp));
    case Field::kStartup:
      if (o.startup == p.startup) return std::nullopt;
      return Diff(x, "startup", std::to_string(o.startup), std::to_string(p.startup));
    case Field::kPartners:
      if (o.partners == p.partners) return std::nullopt;
      return Diff(x, "partner table", Show(o.partners), Show(p.partners));
    case Field::kBranches:
      if (o.branches == p.branches) return std::nullopt;
      return Diff(x, "branches", Show(o.branches), Show(p.branches));
    case Field::kRows:
      if (o.rows == p.rows) return std::nullopt;
      return Diff(x, "rows", Show(o.rows), Show(p.rows));
    case Field::kFenced:
      if (o.fenced == p.fenced) return std::nullopt;
      return Diff(x, "fenced partners", Show(o.fenced), Show(p.fenced));
  }
  return std::nullopt;
}

// The first difference among `fields` over every system, reported as property `id`.
Found FirstDiff(const Step& st, const char* id, std::initializer_list<Field> fields) {
  for (int x = 0; x < st.size(); ++x) {
    for (Field f : fields) {
      if (auto d = FieldDiff(st, x, f)) return Fail(st, id, *d);
    }
  }
  return std::nullopt;
}

Found OutcomeDiff(const Step& st, const char* id) {
  if (st.observed.last_outcome == st.predicted.last_outcome) return std::nullopt;
  return Fail(st, id,
              "last outcome observed " + Show(st.observed.last_outcome) + ", model predicts " +
                  Show(st.predicted.last_outcome));
}

// Outcome first, then the given per-system fields.
Found OutcomeThenFields(const Step& st, const char* id, std::initializer_list<Field> fields) {
  if (auto v = OutcomeDiff(st, id)) return v;
  return FirstDiff(st, id, fields);
}

// The stamp of a system observed and predicted running: a system that is down shows no stamp,
// so an up/down difference is left to the check that owns `up` (RS-8 or RS-6).
Found CheckStampLifecycle(const Step& st) {
  for (int x = 0; x < st.size(); ++x) {
    if (!st.obs(x).up || !st.pred(x).up) continue;
    if (auto d = FieldDiff(st, x, Field::kStamp)) return Fail(st, "RS-7", *d);
  }
  return std::nullopt;
}

// Whether the command is an access between a pair already fenced before the step.
bool AccessToFencedPair(const Step& st) {
  if (const auto* r = std::get_if<Read>(&st.cmd)) {
    return r->via != r->system && Fenced(st.before, r->via, r->system);
  }
  if (const auto* t = std::get_if<Transaction>(&st.cmd)) {
    for (const auto& [p, writes] : t->writes) {
      if (p != t->coordinator && Fenced(st.before, t->coordinator, p)) return true;
    }
  }
  return false;
}

// A read that waited on a fence while the operator replied: whether the reply released it.
bool ReadReleasedByReply(const Step& st) {
  const auto* r = std::get_if<Read>(&st.cmd);
  return r != nullptr && r->reply.has_value();
}

Found CheckFencedAccess(const Step& st) {
  if (ReadReleasedByReply(st)) return OutcomeThenFields(st, "RS-3", {Field::kRows});
  if (!st.ev.fenced_access || !AccessToFencedPair(st)) return std::nullopt;
  return OutcomeThenFields(st, "RS-3", {Field::kRows, Field::kBranches});
}

Found CheckForcedWrites(const Step& st) {
  if (st.ev.forced_write_failed || st.ev.died_at_forced_write) {
    if (auto v = OutcomeThenFields(st, "RS-8", {Field::kBranches, Field::kRows})) return v;
  }
  for (int x = 0; x < st.size(); ++x) {
    if (!st.before.at(x).fault) continue;
    for (Field f : {Field::kUp, Field::kLastExit}) {
      if (auto d = FieldDiff(st, x, f)) return Fail(st, "RS-8", *d + " (journal fault)");
    }
  }
  return std::nullopt;
}

// A start on a damaged journal set must refuse: a system that comes up anyway has dropped or
// rewritten durable records (RS-6), whatever else its start then changes at its partners.
Found CheckDamagedJournal(const Step& st) {
  const auto* start = std::get_if<Start>(&st.cmd);
  if (!start || (start->journal_set != 1 && start->journal_set != 2)) return std::nullopt;
  const int set = start->journal_set;
  if (!st.before.at(start->system).journals[set - 1].damaged) return std::nullopt;
  for (Field f : {Field::kUp, Field::kLastExit}) {
    if (auto d = FieldDiff(st, start->system, f)) {
      return Fail(st, "RS-6", *d + " (damaged journal-" + std::to_string(set) + ")");
    }
  }
  return std::nullopt;
}

Found CheckPrompts(const Step& st) {
  for (int x = 0; x < st.size(); ++x) {
    const auto& o = st.obs(x).prompts;
    const auto& p = st.pred(x).prompts;
    bool same = o.size() == p.size();
    for (const auto& [y, prompt] : p) {
      const auto it = o.find(y);
      same = same && it != o.end() && it->second.old_stamp == prompt.old_stamp &&
             it->second.new_stamp == prompt.new_stamp;
    }
    if (!same) return Fail(st, "RS-2", Diff(x, "prompts", Show(o), Show(p)));
  }
  if (!st.ev.mismatch) return std::nullopt;
  return OutcomeThenFields(st, "RS-2", {Field::kBranches, Field::kRows, Field::kPartners});
}

Found CheckIgnore(const Step& st) {
  for (int x = 0; x < st.size(); ++x) {
    for (const auto& [y, prompt] : st.pred(x).prompts) {
      const auto it = st.obs(x).prompts.find(y);
      if (it != st.obs(x).prompts.end() && it->second.txns != prompt.txns) {
        return Fail(st, "RS-4",
                    Diff(x, ("transactions listed for " + SystemName(y)).c_str(),
                         Show(it->second.txns), Show(prompt.txns)));
      }
    }
  }
  const auto* reply = std::get_if<Reply>(&st.cmd);
  const auto* read = std::get_if<Read>(&st.cmd);
  // A read that waited on the lock of a branch completed by hand meanwhile: RS-4 owns whether
  // the completion released it (access resumes once the branch is no longer ManualPending).
  if (read && read->complete) {
    return OutcomeThenFields(st, "RS-4",
                             {Field::kBranches, Field::kRows, Field::kPartners, Field::kFenced});
  }
  const bool ignore = (reply && reply->action == ReplyAction::kIgnore) ||
                      (read && read->reply == ReplyAction::kIgnore);
  if (!ignore && !std::holds_alternative<Complete>(st.cmd)) return std::nullopt;
  return FirstDiff(st, "RS-4", {Field::kBranches, Field::kRows, Field::kPartners, Field::kFenced});
}

Found CheckFenced(const Step& st) { return FirstDiff(st, "RS-3", {Field::kFenced}); }

// Startup and partner table of systems observed and predicted up (a system that is down shows
// neither; the up/down difference belongs to RS-8 or RS-6).
Found CheckRecycle(const Step& st) {
  for (int x = 0; x < st.size(); ++x) {
    if (!st.obs(x).up || !st.pred(x).up) continue;
    for (Field f : {Field::kStartup, Field::kPartners}) {
      if (auto d = FieldDiff(st, x, f)) return Fail(st, "RS-5", *d);
    }
  }
  return std::nullopt;
}

Found CheckAtomicOutcome(const Step& st) {
  const auto& o = st.observed.last_outcome;
  const auto& p = st.predicted.last_outcome;
  const bool txn = (o && IsTransactionResult(o->result)) || (p && IsTransactionResult(p->result));
  if (txn) {
    if (auto v = OutcomeDiff(st, "RS-1")) return v;
  }
  for (int x = 0; x < st.size(); ++x) {
    for (const auto& [seq, b] : st.pred(x).branches) {
      const auto it = st.obs(x).branches.find(seq);
      if (it != st.obs(x).branches.end() && it->second != b) {
        return Fail(st, "RS-1",
                    Diff(x, ("branch of txn " + std::to_string(seq)).c_str(),
                         Show(it->second), Show(b)));
      }
    }
  }
  return std::nullopt;
}

Found CheckDurability(const Step& st) {
  if (auto v = OutcomeThenFields(st, "RS-6", {Field::kRows, Field::kBranches, Field::kUp,
                                               Field::kLastExit})) {
    return v;
  }
  if (st.observed != st.predicted) return Fail(st, "RS-6", "observation differs from the model");
  return std::nullopt;
}

}  // namespace

std::optional<Violation> CheckStep(const State& before, const Command& cmd, const State& after,
                                   const Observation& observed) {
  State rerun = before;
  StepEvents events;
  Apply(rerun, cmd, &events);
  return CheckStep(before, cmd, after, events, observed);
}

std::optional<Violation> CheckStep(const State& before, const Command& cmd, const State& after,
                                   const StepEvents& events, const Observation& observed) {
  const Observation predicted = Predict(after);
  const Step step{{before, cmd, predicted, observed}, events};
  if (observed.systems.size() != predicted.systems.size()) {
    return Fail(step, "RS-6",
                "observed " + std::to_string(observed.systems.size()) + " systems, model has " +
                    std::to_string(predicted.systems.size()));
  }
  for (auto check : {CheckStampLifecycle, CheckFencedAccess, CheckForcedWrites,
                     CheckDamagedJournal, CheckPrompts,
                     CheckIgnore, CheckFenced, CheckRecycle, CheckAtomicOutcome,
                     CheckDurability}) {
    if (auto v = check(step)) return v;
  }
  return std::nullopt;
}

}  // namespace lockstep::model::rs
