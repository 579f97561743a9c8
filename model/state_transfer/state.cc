#include "model/state_transfer/state.h"

#include <functional>
#include <string>

#include "model/state_transfer/format.h"

namespace lockstep::model::st {
namespace {

// Appends self-delimiting tokens: numbers end in ';', strings are length-prefixed, optionals
// start with '-' (absent) or '+' (present), sequences with their length. The layout of a State
// is fixed, so the concatenation is injective.
class Encoder {
 public:
  void Num(std::uint64_t n) { out_ += std::to_string(n) + ';'; }
  void Int(int n) { out_ += std::to_string(n) + ';'; }
  void Str(const std::string& s) {
    Num(s.size());
    out_ += s;
  }
  template <class E>
  void Enum(E e) {
    Num(static_cast<std::uint64_t>(e));
  }
  bool Opt(bool present) {
    out_ += present ? '+' : '-';
    return present;
  }

  void Entry(const LogEntry& e) {
    Num(e.update_key);
    Enum(e.kind);
    Str(e.key);
    Str(e.value);
  }
  void Entries(const std::vector<LogEntry>& es) {
    Num(es.size());
    for (const LogEntry& e : es) Entry(e);
  }
  void Db(const Database& db) {
    Num(db.rows.size());
    for (const auto& [k, v] : db.rows) {
      Str(k);
      Str(v);
    }
    Num(db.last_update_key);
    Entries(db.log);
  }
  void Memory(const MemoryState& m) {
    Num(m.size());
    for (const auto& [k, n] : m) {
      Str(k);
      Num(n);
    }
  }
  void Side(const SideState& s);
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

void Encoder::Side(const SideState& s) {
  Enum(s.status);
  Enum(s.last_exit);
  Db(s.db);
  Memory(s.memory);
  for (const auto& f : s.faults) {
    if (Opt(f.has_value())) Enum(*f);
  }
  if (Opt(s.crash_point.has_value())) Enum(*s.crash_point);
  Int(s.temp_files);
  Int(s.temp_files_at_start);
  Int(s.staged_db ? 1 : 0);
  Num(s.logged_send_errors.size());
  for (int e : s.logged_send_errors) Int(e);
  Num(s.transfer_attempts);
  if (Opt(s.last_transfer_errno.has_value())) Int(*s.last_transfer_errno);
  if (Opt(s.last_transfer.has_value())) {
    Enum(s.last_transfer->mode);
    Num(s.last_transfer->entries_sent);
    Num(s.last_transfer->upto);
  }
  Entries(s.history);
}

std::string FaultText(const SideState& s) {
  std::string out;
  for (Dir d : {Dir::kTemp, Dir::kData}) {
    if (auto f = s.fault(d)) out += std::string(" ") + ToString(d) + "=" + ToString(*f);
  }
  return out.empty() ? " none" : out;
}

}  // namespace

std::string Encode(const State& s) {
  Encoder e;
  for (const SideState& side : s.sides) e.Side(side);
  e.Num(s.high_water_key);
  e.Num(s.last_assigned_key);
  if (e.Opt(s.last_outcome.has_value())) {
    e.Enum(s.last_outcome->result);
    e.Num(s.last_outcome->update_key);
  }
  e.Num(s.acked_keys.size());
  for (std::uint64_t k : s.acked_keys) e.Num(k);
  return e.Take();
}

std::size_t StateHash::operator()(const State& s) const {
  return std::hash<std::string>{}(Encode(s));
}

std::string DebugString(const State& s) {
  std::string out = "mds: high_water=" + std::to_string(s.high_water_key) +
                    " last_assigned=" + std::to_string(s.last_assigned_key) +
                    " last_outcome=" + Format(s.last_outcome) + " acked=[";
  for (std::size_t i = 0; i < s.acked_keys.size(); ++i) {
    out += (i ? "," : "") + std::to_string(s.acked_keys[i]);
  }
  out += "]\n";
  for (Side side : kSides) {
    const SideState& x = s.at(side);
    out += std::string(SideName(side)) + ": " + ToString(x.status) +
           " last_exit=" + ToString(x.last_exit) +
           " crash_point=" + (x.crash_point ? CrashPointName(*x.crash_point) : "none") +
           " faults:" + FaultText(x) + "\n   db=" + Format(x.db) + " memory=" + Format(x.memory) +
           "\n   temp_files=" + std::to_string(x.temp_files) + " (at start " +
           std::to_string(x.temp_files_at_start) + ") send_errors=" + Format(x.logged_send_errors) +
           " attempts=" + std::to_string(x.transfer_attempts) +
           " last_errno=" + Format(x.last_transfer_errno) +
           " last_transfer=" + Format(x.last_transfer) + " history=[";
    for (std::size_t i = 0; i < x.history.size(); ++i) {
      out += (i ? "," : "") + Format(x.history[i]);
    }
    out += "]\n";
  }
  return out;
}

}  // namespace lockstep::model::st
