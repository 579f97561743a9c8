#include "model/resync/command_text.h"

#include <regex>

#include "model/resync/config.h"

namespace lockstep::model::rs {
namespace {

Result<int> ParseSystem(const std::string& s) {
  return ParseNamed<int>(s, "system", kMaxSystems, SystemName);
}

Result<CrashPoint> ParseCrashPoint(const std::string& s) {
  if (auto p = kCrashPointNames.Find(s)) return *p;
  return Fail("unknown crash point '" + s + "'");
}

// "k1=v1,k2=v2" -> writes.
Result<Writes> ParseWrites(const std::string& text) {
  static const std::regex kPair(R"((\w+)=(\w+))");
  Writes writes;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    std::smatch m;
    if (!std::regex_match(item, m, kPair)) return Fail("bad write '" + item + "' (expected k=v)");
    writes[m[1].str()] = m[2].str();
    pos = comma + 1;
  }
  return writes;
}

Result<Command> ParseTransaction(const std::smatch& m) {
  auto coordinator = ParseSystem(m[1].str());
  if (!coordinator) return std::unexpected(coordinator.error());
  Transaction t{*coordinator, {}};
  static const std::regex kPart(R"( (\w+)\{([^{}]*)\})");
  const std::string parts = m[2].str();
  std::size_t consumed = 0;
  for (auto it = std::sregex_iterator(parts.begin(), parts.end(), kPart);
       it != std::sregex_iterator(); ++it) {
    if (static_cast<std::size_t>(it->position()) != consumed) break;
    consumed += it->length();
    auto system = ParseSystem((*it)[1].str());
    if (!system) return std::unexpected(system.error());
    auto writes = ParseWrites((*it)[2].str());
    if (!writes) return std::unexpected(writes.error());
    t.writes[*system] = *writes;
  }
  if (consumed != parts.size()) return Fail("bad transaction writes '" + parts + "'");
  return t;
}

// Parses the captures named by `indices` as systems, in order.
Result<std::vector<int>> Systems(const std::smatch& m, std::initializer_list<int> indices) {
  std::vector<int> out;
  for (int i : indices) {
    auto s = ParseSystem(m[i].str());
    if (!s) return std::unexpected(s.error());
    out.push_back(*s);
  }
  return out;
}

Result<Command> ParseStart(const std::smatch& m) {
  auto system = ParseSystem(m[1].str());
  if (!system) return std::unexpected(system.error());
  Start start{*system, std::stoi(m[2].str()), std::nullopt};
  if (m[3].matched) {
    auto point = ParseCrashPoint(m[3].str());
    if (!point) return std::unexpected(point.error());
    start.crash_point = *point;
  }
  return start;
}

Result<Command> ParseOperator(const std::string& text) {
  static const std::regex kReply(R"(Reply\((\w+), (\w+), (ignore|defer)\))");
  static const std::regex kVary(R"(VaryRm\((\w+), (\w+)\))");
  static const std::regex kComplete(R"(Complete\((\w+), txn=(\d{1,9}), (commit|backout)\))");
  std::smatch m;
  if (std::regex_match(text, m, kReply)) {
    auto s = Systems(m, {1, 2});
    if (!s) return std::unexpected(s.error());
    return Reply{(*s)[0], (*s)[1],
                 m[3].str() == "ignore" ? ReplyAction::kIgnore : ReplyAction::kDefer};
  }
  if (std::regex_match(text, m, kVary)) {
    auto s = Systems(m, {1, 2});
    if (!s) return std::unexpected(s.error());
    return VaryRm{(*s)[0], (*s)[1]};
  }
  if (std::regex_match(text, m, kComplete)) {
    auto s = Systems(m, {1});
    if (!s) return std::unexpected(s.error());
    return Complete{(*s)[0], std::stoi(m[2].str()),
                    m[3].str() == "commit" ? CompleteAction::kCommit : CompleteAction::kBackout};
  }
  return Fail("not a resync command: '" + text +
              "' (expected Transaction(S: S{k=v,..} ..), Read(S, k, via=S), "
              "Start(S, journal-1|2[, crash=P]), Crash(S), Format(S, journal-1|2), "
              "Reply(S, S, ignore|defer), VaryRm(S, S), Complete(S, txn=N, commit|backout), "
              "InjectFault(S, disk-full|access-denied) or RemoveFault(S))");
}

}  // namespace

Result<Command> ParseCommand(const std::string& text) {
  static const std::regex kTxn(R"(Transaction\((\w+):((?: \w+\{[^{}]*\})*)\))");
  static const std::regex kRead(R"(Read\((\w+), (\w+), via=(\w+)\))");
  static const std::regex kStart(R"(Start\((\w+), journal-([12])(?:, crash=([\w.]+))?\))");
  static const std::regex kCrash(R"(Crash\((\w+)\))");
  static const std::regex kFormat(R"(Format\((\w+), journal-([12])\))");
  static const std::regex kInject(R"(InjectFault\((\w+), (disk-full|access-denied)\))");
  static const std::regex kRemove(R"(RemoveFault\((\w+)\))");
  std::smatch m;
  if (std::regex_match(text, m, kTxn)) return ParseTransaction(m);
  if (std::regex_match(text, m, kRead)) {
    auto s = Systems(m, {1, 3});
    if (!s) return std::unexpected(s.error());
    return Read{(*s)[0], m[2].str(), (*s)[1]};
  }
  if (std::regex_match(text, m, kStart)) return ParseStart(m);
  if (std::regex_match(text, m, kFormat)) {
    auto s = Systems(m, {1});
    if (!s) return std::unexpected(s.error());
    return Format{(*s)[0], std::stoi(m[2].str())};
  }
  if (std::regex_match(text, m, kCrash) || std::regex_match(text, m, kRemove)) {
    auto s = Systems(m, {1});
    if (!s) return std::unexpected(s.error());
    if (text.starts_with("Crash")) return Crash{(*s)[0]};
    return RemoveFault{(*s)[0]};
  }
  if (std::regex_match(text, m, kInject)) {
    auto s = Systems(m, {1});
    if (!s) return std::unexpected(s.error());
    return InjectFault{(*s)[0], m[2].str() == "disk-full" ? JournalFault::kDiskFull
                                                          : JournalFault::kAccessDenied};
  }
  return ParseOperator(text);
}

}  // namespace lockstep::model::rs
