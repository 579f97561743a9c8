#include "model/resync/state.h"

#include <functional>
#include <string>

#include "model/resync/show.h"

namespace lockstep::model::rs {
namespace {

// Appends self-delimiting tokens: numbers end in ';', strings are length-prefixed, optionals
// start with '-' (absent) or '+' (present), sequences and maps with their length. The layout of
// a State is fixed, so the concatenation is injective.
class Encoder {
 public:
  void Int(long long n) { out_ += std::to_string(n) + ';'; }
  void Bool(bool b) { out_ += b ? 'T' : 'F'; }
  void Str(const std::string& s) {
    Int(static_cast<long long>(s.size()));
    out_ += s;
  }
  template <class E>
  void Enum(E e) {
    Int(static_cast<long long>(e));
  }
  bool Opt(bool present) {
    out_ += present ? '+' : '-';
    return present;
  }
  void Ints(const std::vector<int>& v) {
    Int(static_cast<long long>(v.size()));
    for (int n : v) Int(n);
  }
  void RowsOf(const Rows& rows) {
    Int(static_cast<long long>(rows.size()));
    for (const auto& [k, v] : rows) {
      Str(k);
      Str(v);
    }
  }
  void Ref(const JournalRef& r) {
    Int(r.system);
    Int(r.journal_set);
    Int(r.generation);
  }
  void JournalOf(const Journal& j);
  void System(const SystemState& x);
  void Txn(const TxnRecord& t);
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

void Encoder::JournalOf(const Journal& j) {
  Int(j.stamp);
  Int(j.generation);
  Int(static_cast<long long>(j.partners.size()));
  for (const auto& [p, e] : j.partners) {
    Int(p);
    Int(e.stamp);
    Int(e.startup);
    Bool(e.open_rm);
  }
  Int(static_cast<long long>(j.branches.size()));
  for (const auto& [t, b] : j.branches) {
    Int(t);
    Enum(b.role);
    Enum(b.state);
    Bool(b.by_hand);
    Int(b.coordinator);
    Int(b.participants);
    Int(b.acked);
    Bool(b.ended);
    Bool(b.redo);
    Int(b.resolver_stamp);
  }
}

void Encoder::System(const SystemState& x) {
  Bool(x.up);
  Enum(x.last_exit);
  Int(x.journal_set);
  for (const Journal& j : x.journals) JournalOf(j);
  RowsOf(x.rows);
  if (Opt(x.fault.has_value())) Enum(*x.fault);
  Int(x.startup);
  if (Opt(x.crash_point.has_value())) Enum(*x.crash_point);
  Int(x.synced);
  Int(x.deferred);
  Int(static_cast<long long>(x.prompts.size()));
  for (const auto& [p, prompt] : x.prompts) {
    Int(p);
    Int(prompt.old_stamp);
    Int(prompt.new_stamp);
    Int(prompt.new_startup);
    Ints(prompt.txns);
  }
  Ints(x.applied);
}

void Encoder::Txn(const TxnRecord& t) {
  Int(t.coordinator);
  Int(static_cast<long long>(t.writes.size()));
  for (const auto& [system, writes] : t.writes) {
    Int(system);
    RowsOf(writes);
  }
  Bool(t.committed);
  Int(t.coord_stamp);
  Int(static_cast<long long>(t.prepared.size()));
  for (const auto& [system, ref] : t.prepared) {
    Int(system);
    Ref(ref);
  }
  if (Opt(t.reported.has_value())) Enum(*t.reported);
  Int(t.hand_committed);
}

std::string JournalText(const Journal& j) {
  std::string out = "stamp=" + std::to_string(j.stamp) + " gen=" + std::to_string(j.generation) +
                    " partners={";
  for (const auto& [p, e] : j.partners) {
    out += SystemName(p) + ":" + std::to_string(e.stamp) + "/" + std::to_string(e.startup) +
           (e.open_rm ? "/open " : "/closed ");
  }
  out += "} branches={";
  for (const auto& [t, b] : j.branches) {
    out += std::to_string(t) + ":" + ToString(b.role) + " " + ToString(b.state) +
           (b.by_hand ? " by-hand" : "") + " coord=" + SystemName(b.coordinator) +
           " parts=" + std::to_string(b.participants) + " acked=" + std::to_string(b.acked) +
           (b.ended ? " ended" : "") + (b.redo ? " redo" : "") +
           " resolver=" + std::to_string(b.resolver_stamp) + "; ";
  }
  return out + "}";
}

std::string SystemText(const SystemState& x) {
  std::string out = std::string(x.up ? "up" : "down") + " last_exit=" + ToString(x.last_exit) +
                    " set=" + std::to_string(x.journal_set) +
                    " fault=" + (x.fault ? ToString(*x.fault) : "none") +
                    " startup=" + std::to_string(x.startup) +
                    " crash_point=" + (x.crash_point ? CrashPointName(*x.crash_point) : "none") +
                    " synced=" + std::to_string(x.synced) +
                    " deferred=" + std::to_string(x.deferred) + " rows=" + Show(x.rows) +
                    " applied=" + Show(x.applied) + "\n   prompts={";
  for (const auto& [p, prompt] : x.prompts) {
    out += SystemName(p) + ": OLD " + std::to_string(prompt.old_stamp) + " NEW " +
           std::to_string(prompt.new_stamp) + " txns " + Show(prompt.txns) + "; ";
  }
  out += "}\n   journal-1: " + JournalText(x.journals[0]) +
         "\n   journal-2: " + JournalText(x.journals[1]) + "\n";
  return out;
}

}  // namespace

State InitialState(const Config& config) {
  State s;
  s.systems.resize(static_cast<std::size_t>(config.systems));
  return s;
}

std::string Encode(const State& s) {
  Encoder e;
  e.Int(s.size());
  for (const SystemState& x : s.systems) e.System(x);
  e.Int(s.startups_issued);
  if (e.Opt(s.last_outcome.has_value())) {
    e.Enum(s.last_outcome->result);
    e.Str(s.last_outcome->value);
  }
  e.Int(static_cast<long long>(s.txns.size()));
  for (const TxnRecord& t : s.txns) e.Txn(t);
  e.Int(static_cast<long long>(s.stamp_owners.size()));
  for (const JournalRef& r : s.stamp_owners) e.Ref(r);
  return e.Take();
}

std::size_t StateHash::operator()(const State& s) const {
  return std::hash<std::string>{}(Encode(s));
}

std::string DebugString(const State& s) {
  std::string out = "startups_issued=" + std::to_string(s.startups_issued) +
                    " stamps_issued=" + std::to_string(s.stamp_owners.size()) +
                    " last_outcome=" + Show(s.last_outcome) + "\n";
  for (std::size_t i = 0; i < s.txns.size(); ++i) {
    const TxnRecord& t = s.txns[i];
    out += "txn " + std::to_string(i + 1) + ": coord=" + SystemName(t.coordinator) +
           (t.committed ? " COMMITTED" : " not committed") +
           " coord_stamp=" + std::to_string(t.coord_stamp) +
           " reported=" + (t.reported ? ToString(*t.reported) : "none") + "\n";
  }
  for (int i = 0; i < s.size(); ++i) out += SystemName(i) + ": " + SystemText(s.at(i));
  return out;
}

}  // namespace lockstep::model::rs
