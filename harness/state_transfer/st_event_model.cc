#include "harness/state_transfer/st_event_model.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "model/state_transfer/properties.h"

namespace lockstep::harness::st {

namespace {

using model::Violation;
using trace::TraceLine;
using Key = std::uint64_t;

// The rules whose tolerances the report states (TolerancesMs).
constexpr const char* kReceiverWaitRule = "ST-6 receiver past its timeout";
constexpr const char* kReceiverServiceRule = "ST-5 receiver in service past its timeout";

std::optional<Violation> Broken(const char* property, const TraceLine& line,
                                const std::string& why) {
  return Violation{property, model::st::PropertyName(property),
                   line.process + " " + line.event + ": " + why};
}

// 0 for "A", 1 for "B", -1 otherwise.
int SideIndex(const std::string& name) { return name == "A" ? 0 : name == "B" ? 1 : -1; }
const char* SideName(int side) { return side == 0 ? "A" : "B"; }

Key KeyField(const TraceLine& line, const char* name) {
  const auto& v = line.field(name);
  return v.is_number_integer() && v.get<std::int64_t>() >= 0 ? v.get<Key>() : 0;
}

std::string Keys(const std::set<Key>& keys) {
  std::string text = "{";
  for (Key k : keys) text += (text.size() > 1 ? ", " : "") + std::to_string(k);
  return text + "}";
}

// One process life of a logger side, as its own lines tell it.
struct LoggerLife {
  long pid = 0;
  bool exited = false;
  Key key = 0;                       // last update key of the database it holds durably
  std::optional<Key> input_pending;  // input_received, not yet input_durable
  std::optional<Key> staged_upto;    // state_staged, not yet state_applied
  bool receiving = false;            // told receive in this life
  std::int64_t receiving_since_us = 0;  // the `receiving` line's time (0: unknown)
  std::int64_t timeout_ms = 0;          // its timeout_ms
  bool applied = false;              // state_applied since it was told receive
  bool in_service = false;
  std::map<Key, Key> states_received;        // transfer -> upto
  std::map<std::string, Key> temp_files;     // path -> transfer
  std::set<Key> temp_files_written;          // transfers whose memory file is written
};

struct SideModel {
  std::optional<LoggerLife> life;
  std::set<Key> durable{0};  // the last update keys its data directory may hold

  // The key the side holds for certain: its running life's, else the least it may hold.
  Key SureKey() const {
    if (life && !life->exited) return life->key;
    return *durable.begin();
  }
  // The keys its data directory may hold now: a life's effects begun and not traced as done
  // may be durable (the life may be dead without the trace knowing yet).
  std::set<Key> PossibleKeys() const {
    if (!life) return durable;
    std::set<Key> keys{life->key};
    if (life->input_pending) keys.insert(*life->input_pending);
    if (life->staged_upto) keys.insert(*life->staged_upto);
    return keys;
  }
  // The life ends (exit or kill).
  void EndLife() {
    durable = PossibleKeys();
    life.reset();
  }
};

struct MdsModel {
  long pid = 0;
  Key high_water = 0, last_assigned = 0;        // this life's keys
  Key raised_high_water = 0, raised_assigned = 0;  // the largest ever traced (durable)
  std::array<bool, 2> in_service{};           // sides it holds in service
  std::array<bool, 2> enter_sent{};           // enter_service sent since the side registered
  std::array<Key, 2> high_water_at_enter{};   // the high-water key when it was sent
  std::map<Key, std::set<int>> waiting;       // assigned key -> sides it waits for
  std::set<std::pair<int, Key>> inputs_sent;  // (side, update key)
  std::set<Key> forwarded;                    // transfers whose state it forwarded

  // side_down, or a new registration of the side: the mds stops holding it in service and
  // waiting for it. Only a registration forgets the enter_service sent: side_down comes from
  // the link's end, which carries no clock, so it may precede the dead side's last lines in
  // clock order (a side killed right after service_entered).
  void SideGone(int side, bool registered) {
    in_service[side] = false;
    if (registered) enter_sent[side] = false;
    for (auto& [key, sides] : waiting) sides.erase(side);
  }
};

class StEventModelImpl final : public trace::EventModel {
 public:
  std::map<std::string, std::uint64_t> Overlaps() const override { return overlaps_; }
  std::map<std::string, std::uint64_t> TolerancesMs() const override { return tolerances_ms_; }

  std::optional<Violation> Apply(const TraceLine& line) override {
    if (line.from_harness()) return OnHarness(line);
    if (line.process == "mds") return OnMds(line);
    const int side = line.process == "logger-A" ? 0 : line.process == "logger-B" ? 1 : -1;
    if (side < 0) return Broken("ST-7", line, "a process no state-transfer role has");
    return OnLogger(side, line);
  }

  std::string Describe() const override {
    std::ostringstream os;
    os << "  mds: high-water " << mds_.high_water << ", last assigned " << mds_.last_assigned
       << ", in service {" << (mds_.in_service[0] ? "A" : "") << (mds_.in_service[1] ? "B" : "")
       << "}\n";
    for (int s = 0; s < 2; ++s) {
      const SideModel& side = sides_[s];
      os << "  logger-" << SideName(s) << ": durable keys " << Keys(side.durable);
      if (side.life && !side.life->exited) {
        const LoggerLife& l = *side.life;
        os << ", running (pid " << l.pid << ") key " << l.key
           << (l.in_service ? ", in service" : "") << (l.receiving ? ", receiving" : "")
           << (l.input_pending ? ", input " + std::to_string(*l.input_pending) + " pending" : "")
           << ", " << l.temp_files.size() << " temp files";
      } else {
        os << ", down";
      }
      os << "\n";
    }
    return os.str();
  }

 private:
  std::optional<Violation> OnHarness(const TraceLine& line) {
    if (line.event == "offline_sync") {
      const int from = SideIndex(line.field("from").get<std::string>());
      const int to = SideIndex(line.field("to").get<std::string>());
      sides_[to].EndLife();  // down: the model lets the operator sync only onto a side down
      sides_[to].durable = sides_[from].PossibleKeys();
    }
    return std::nullopt;
  }

  // ---- mds -------------------------------------------------------------------------------
  std::optional<Violation> OnMds(const TraceLine& line) {
    const std::string& e = line.event;
    if (e == "started") return MdsStarted(line);
    if (e == "keys_loaded") return KeysLoaded(line);
    const int side = SideIndex(line.field("side").is_string() ? line.field("side").get<std::string>()
                                                              : std::string());
    if (e == "register_received" || e == "side_down") {
      mds_.SideGone(side, e == "register_received");
    }
    if (e == "decision") return Decision(line);
    if (e == "enter_service_sent") {
      mds_.enter_sent[side] = true;
      mds_.high_water_at_enter[side] = mds_.high_water;
      if (line.field("simplex") == true) mds_.in_service[side] = true;
    }
    if (e == "in_service_received" && mds_.enter_sent[side]) mds_.in_service[side] = true;
    if (e == "assigned") return Assigned(line);
    if (e == "input_queued") ++overlaps_["inputs_queued_in_transfer"];
    if (e == "input_sent") return InputSent(side, line);
    if (e == "state_forwarded") return StateForwarded(line);
    if (e == "high_water_raised") return HighWaterRaised(line);
    if (e == "submit_answered") return SubmitAnswered(line);
    return std::nullopt;
  }

  std::optional<Violation> MdsStarted(const TraceLine& line) {
    const Key raised = mds_.raised_high_water, assigned = mds_.raised_assigned;
    mds_ = MdsModel{};
    mds_.pid = line.pid;
    mds_.raised_high_water = raised;
    mds_.raised_assigned = assigned;
    return std::nullopt;
  }

  std::optional<Violation> KeysLoaded(const TraceLine& line) {
    const Key high = KeyField(line, "high_water_key"), last = KeyField(line, "last_assigned_key");
    if (high < mds_.raised_high_water) {
      return Broken("ST-2", line, "loaded high-water key " + std::to_string(high) +
                                      " below the " + std::to_string(mds_.raised_high_water) +
                                      " an earlier life raised it to");
    }
    if (last < mds_.raised_assigned) {
      return Broken("ST-7", line, "loaded last assigned key " + std::to_string(last) +
                                      " below the " + std::to_string(mds_.raised_assigned) +
                                      " an earlier life assigned: keys would be reused");
    }
    mds_.high_water = high;
    mds_.last_assigned = last;
    return std::nullopt;
  }

  std::optional<Violation> Decision(const TraceLine& line) {
    const Key key = KeyField(line, "last_update_key");
    if (line.field("decision") == "simplex" && key < mds_.high_water) {
      return Broken("ST-3", line, "decided simplex for a side at key " + std::to_string(key) +
                                      ", behind the high-water key " +
                                      std::to_string(mds_.high_water));
    }
    return std::nullopt;
  }

  std::optional<Violation> Assigned(const TraceLine& line) {
    const Key key = KeyField(line, "update_key");
    if (key <= mds_.last_assigned) {
      return Broken("ST-7", line, "assigned key " + std::to_string(key) + " after key " +
                                      std::to_string(mds_.last_assigned));
    }
    mds_.last_assigned = key;
    mds_.raised_assigned = std::max(mds_.raised_assigned, key);
    std::set<int>& waits = mds_.waiting[key];
    for (int s = 0; s < 2; ++s) {
      if (mds_.in_service[s]) waits.insert(s);
    }
    return std::nullopt;
  }

  std::optional<Violation> InputSent(int side, const TraceLine& line) {
    const Key key = KeyField(line, "update_key");
    if (key > mds_.last_assigned) {
      return Broken("ST-7", line, "sent key " + std::to_string(key) + " it never assigned");
    }
    mds_.inputs_sent.insert({side, key});
    if (line.field("queued") == true) queued_sent_.insert({side, key});
    return std::nullopt;
  }

  std::optional<Violation> StateForwarded(const TraceLine& line) {
    const Key transfer = KeyField(line, "transfer");
    if (!states_sent_.contains(transfer)) {
      return Broken("ST-7", line, "forwarded the state of transfer " + std::to_string(transfer) +
                                      " that no sender sent");
    }
    mds_.forwarded.insert(transfer);
    return std::nullopt;
  }

  std::optional<Violation> HighWaterRaised(const TraceLine& line) {
    const Key high = KeyField(line, "high_water_key");
    for (const auto& [key, sides] : mds_.waiting) {
      if (key > high) break;
      for (int s : sides) {
        if (sides_[s].SureKey() < key) {
          return Broken("ST-2", line,
                        "raised the high-water key to " + std::to_string(high) + " while side " +
                            SideName(s) + ", in service, holds key " +
                            std::to_string(sides_[s].SureKey()) + " durably");
        }
      }
    }
    mds_.waiting.erase(mds_.waiting.begin(), mds_.waiting.upper_bound(high));
    mds_.high_water = std::max(mds_.high_water, high);
    mds_.raised_high_water = std::max(mds_.raised_high_water, high);
    return std::nullopt;
  }

  std::optional<Violation> SubmitAnswered(const TraceLine& line) {
    if (line.field("result") != "ok") return std::nullopt;
    const Key key = KeyField(line, "update_key");
    if (key > mds_.high_water) {
      return Broken("ST-2", line, "answered ok for key " + std::to_string(key) +
                                      " above the high-water key " +
                                      std::to_string(mds_.high_water));
    }
    return std::nullopt;
  }

  // ---- logger ----------------------------------------------------------------------------
  std::optional<Violation> OnLogger(int s, const TraceLine& line) {
    SideModel& side = sides_[s];
    if (line.event == "started") {
      side.EndLife();
      side.life = LoggerLife{.pid = line.pid, .key = *side.durable.begin()};
      return std::nullopt;
    }
    if (!side.life) return std::nullopt;  // the reader saw to it that a life starts first
    LoggerLife& life = *side.life;
    const std::string& e = line.event;
    if (e == "exiting") life.exited = true;
    if (e == "database_loaded") return DatabaseLoaded(side, line);
    if (e == "input_received") return InputReceived(s, life, line);
    if (e == "input_durable") return InputDurable(side, line);
    if (e == "ack_sent") return AckSent(life, line);
    if (e == "receiving") {
      life.receiving = true;
      life.applied = false;
      life.receiving_since_us = line.micros().value_or(0);
      const auto& timeout = line.field("timeout_ms");
      life.timeout_ms = timeout.is_number_integer() ? timeout.get<std::int64_t>() : 0;
      if (life.timeout_ms > 0) {
        for (const char* rule : {kReceiverWaitRule, kReceiverServiceRule}) {
          auto& applied = tolerances_ms_[rule];
          applied = std::max<std::uint64_t>(applied, ReceiverWaitToleranceMs(life.timeout_ms));
        }
      }
    }
    if (e == "waiting" || e == "receiver_assert" || e == "state_applied") {
      if (auto v = CheckReceiverWait(life, line)) return v;
    }
    if (e == "state_received") return StateReceived(life, line);
    if (e == "state_staged") return StateStaged(life, line);
    if (e == "state_applied") return StateApplied(side, line);
    if (e == "service_entered") return ServiceEntered(s, life, line);
    if (e == "temp_file_created") {
      life.temp_files[line.field("path").get<std::string>()] = KeyField(line, "transfer");
    }
    if (e == "temp_file_written") life.temp_files_written.insert(KeyField(line, "transfer"));
    if (e == "temp_file_deleted") life.temp_files.erase(line.field("path").get<std::string>());
    if (e == "state_sent") return StateSent(life, line);
    if (e == "transfer_failed_sent") return TransferFailedSent(life, line);
    return std::nullopt;
  }

  std::optional<Violation> DatabaseLoaded(SideModel& side, const TraceLine& line) {
    const Key key = KeyField(line, "last_update_key");
    if (!side.durable.contains(key)) {
      return Broken("ST-7", line, "loaded a database at key " + std::to_string(key) +
                                      "; the side's durable database is at " +
                                      Keys(side.durable));
    }
    side.durable = {key};
    side.life->key = key;
    return std::nullopt;
  }

  std::optional<Violation> InputReceived(int s, LoggerLife& life, const TraceLine& line) {
    const Key key = KeyField(line, "update_key");
    if (!mds_.inputs_sent.contains({s, key})) {
      return Broken("ST-7", line, "received key " + std::to_string(key) +
                                      " that the mds never sent to it");
    }
    if (key <= life.key) {
      return Broken("ST-7", line, "received key " + std::to_string(key) +
                                      " while it holds key " + std::to_string(life.key));
    }
    life.input_pending = key;
    return std::nullopt;
  }

  std::optional<Violation> InputDurable(SideModel& side, const TraceLine& line) {
    LoggerLife& life = *side.life;
    const Key key = KeyField(line, "update_key");
    if (life.input_pending != key) {
      return Broken("ST-7", line, "made key " + std::to_string(key) +
                                      " durable without receiving it");
    }
    life.key = key;
    life.input_pending.reset();
    side.durable = {key};
    if (queued_sent_.contains({static_cast<int>(&side - sides_.data()), key})) {
      ++overlaps_["queued_inputs_applied"];
    }
    return std::nullopt;
  }

  std::optional<Violation> AckSent(const LoggerLife& life, const TraceLine& line) {
    const Key key = KeyField(line, "update_key");
    if (key > life.key) {
      return Broken("ST-2", line, "acknowledged key " + std::to_string(key) +
                                      " before making it durable (it holds key " +
                                      std::to_string(life.key) + ")");
    }
    return std::nullopt;
  }

  std::optional<Violation> StateReceived(LoggerLife& life, const TraceLine& line) {
    if (!line.field("transfer").is_number_integer()) return std::nullopt;  // malformed: ignored
    const Key transfer = KeyField(line, "transfer");
    if (!mds_.forwarded.contains(transfer)) {
      return Broken("ST-7", line, "received the state of transfer " + std::to_string(transfer) +
                                      " that the mds never forwarded");
    }
    life.states_received[transfer] = KeyField(line, "upto");
    return std::nullopt;
  }

  std::optional<Violation> StateStaged(LoggerLife& life, const TraceLine& line) {
    const auto it = life.states_received.find(KeyField(line, "transfer"));
    if (it == life.states_received.end()) {
      return Broken("ST-7", line, "staged a state it did not receive in this life");
    }
    life.staged_upto = it->second;
    return std::nullopt;
  }

  std::optional<Violation> StateApplied(SideModel& side, const TraceLine& line) {
    LoggerLife& life = *side.life;
    if (!life.states_received.contains(KeyField(line, "transfer"))) {
      return Broken("ST-7", line, "applied a state it did not receive in this life");
    }
    life.key = KeyField(line, "last_update_key");
    life.staged_upto.reset();
    life.applied = true;
    side.durable = {life.key};
    return std::nullopt;
  }

  // ST-6 measured: a receiver still receiving (a `waiting` line), asserting or applying its
  // state more than its timeout plus the tolerance after its `receiving` line waited too long
  // without asserting. Only the receiver's own lines are compared, so one clock.
  static std::optional<Violation> CheckReceiverWait(const LoggerLife& life, const TraceLine& line) {
    if (life.applied) return std::nullopt;
    return PastReceiverTimeout("ST-6", life, line, "without asserting");
  }

  // ST-5 measured: the transfer that brings a receiver into service does so within its
  // timeout (plus the tolerance) of its `receiving` line, or the receiver asserts (spec step
  // 5); one restart is the harness's Start, checked at the quiet point.
  static std::optional<Violation> CheckReceiverInServiceInTime(const LoggerLife& life,
                                                               const TraceLine& line) {
    return PastReceiverTimeout("ST-5", life, line, "before entering service");
  }

  // `line` of a receiving life later than its timeout plus ReceiverWaitToleranceMs after
  // the life's `receiving`, as a breach of `property`; nullopt when in time or not measured
  // (no times, no timeout, not receiving). Only the receiver's own lines are compared: one
  // clock.
  static std::optional<Violation> PastReceiverTimeout(const char* property, const LoggerLife& life,
                                                      const TraceLine& line, const char* doing) {
    if (!life.receiving || life.receiving_since_us == 0 || life.timeout_ms == 0) {
      return std::nullopt;
    }
    const auto now_us = line.micros();
    if (!now_us) return std::nullopt;
    const std::int64_t waited_ms = (*now_us - life.receiving_since_us) / 1000;
    const std::int64_t tolerance_ms = ReceiverWaitToleranceMs(life.timeout_ms);
    if (waited_ms <= life.timeout_ms + tolerance_ms) return std::nullopt;
    return Broken(property, line, "was receiving for " + std::to_string(waited_ms) + " ms " +
                                      doing + ", past its timeout of " +
                                      std::to_string(life.timeout_ms) +
                                      " ms plus the tolerance of " +
                                      std::to_string(tolerance_ms) + " ms");
  }

  std::optional<Violation> ServiceEntered(int s, LoggerLife& life, const TraceLine& line) {
    const Key key = KeyField(line, "last_update_key");
    if (life.receiving && !life.applied) {
      return Broken("ST-7", line, "entered service as a receiver before its state was applied");
    }
    if (!mds_.enter_sent[s]) {
      return Broken("ST-3", line, "entered service without the mds's enter_service");
    }
    if (key != life.key) {
      return Broken("ST-7", line, "reports key " + std::to_string(key) +
                                      " while its trace made key " + std::to_string(life.key) +
                                      " durable");
    }
    if (key < mds_.high_water_at_enter[s]) {
      return Broken("ST-3", line, "entered service at key " + std::to_string(key) +
                                      ", behind the high-water key " +
                                      std::to_string(mds_.high_water_at_enter[s]));
    }
    if (auto v = CheckReceiverInServiceInTime(life, line)) return v;
    life.in_service = true;
    return std::nullopt;
  }

  std::optional<Violation> StateSent(const LoggerLife& life, const TraceLine& line) {
    const Key transfer = KeyField(line, "transfer"), upto = KeyField(line, "upto");
    if (!life.temp_files_written.contains(transfer)) {
      return Broken("ST-7", line, "sent the state of transfer " + std::to_string(transfer) +
                                      " before its memory file was written");
    }
    if (upto != life.key) {
      return Broken("ST-7", line, "sent a state up to key " + std::to_string(upto) +
                                      " while it holds key " + std::to_string(life.key));
    }
    states_sent_.insert(transfer);
    return std::nullopt;
  }

  std::optional<Violation> TransferFailedSent(const LoggerLife& life, const TraceLine& line) {
    const Key transfer = KeyField(line, "transfer");
    const auto errnum = line.field("errno");
    if (errnum != 28 && errnum != 13) {
      return Broken("ST-4", line, "failed a transfer with errno " + errnum.dump() +
                                      ", not ENOSPC (28) or EACCES (13)");
    }
    for (const auto& [path, of] : life.temp_files) {
      if (of == transfer) {
        return Broken("ST-4", line, "failed transfer " + std::to_string(transfer) +
                                        " leaving its temp file " + path);
      }
    }
    return std::nullopt;
  }

  MdsModel mds_;
  std::array<SideModel, 2> sides_;
  std::set<std::pair<int, Key>> queued_sent_;  // (side, key) the mds forwarded from a queue
  std::map<std::string, std::uint64_t> overlaps_;
  std::map<std::string, std::uint64_t> tolerances_ms_;  // the largest applied, by rule
  std::set<Key> states_sent_;  // transfers whose state a sender sent
};

}  // namespace

std::unique_ptr<trace::EventModel> MakeStEventModel() {
  return std::make_unique<StEventModelImpl>();
}

}  // namespace lockstep::harness::st
