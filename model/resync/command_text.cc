// ParseCommand (command_text.h): the resync command grammar as rules for
// model/common/command_text.h, one per kind of command, in Describe() order.
#include "model/resync/command_text.h"

#include <regex>
#include <span>

#include "model/common/command_text.h"
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

using Rule = CommandRule<Command>;
using Captures = std::smatch;

std::span<const Rule> Rules() {
  static const Rule kRules[] = {
      {"Transaction(S: S{k=v,..} ..)",
       std::regex(R"(Transaction\((\w+):((?: \w+\{[^{}]*\})*)\))"), ParseTransaction},
      {"Read(S, k, via=S[, reply=ignore|defer])",
       std::regex(R"(Read\((\w+), (\w+), via=(\w+)(?:, reply=(\w+))?\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<Read>(ParseSystem(m[1].str()), m[2].str(), ParseSystem(m[3].str()),
                            ParseIfMatched(m[4], [](const std::string& a) {
                              return kReplyActionNames.Parse(a, "reply action");
                            }),
                            std::optional<HandCompletion>());
       }},
      {"Read(S, k, via=S, complete=commit|backout of txn N)",
       std::regex(R"(Read\((\w+), (\w+), via=(\w+), complete=(\w+) of txn (\d{1,9})\))"),
       [](const Captures& m) -> Result<Command> {
         const auto action = kCompleteActionNames.Parse(m[4].str(), "complete action");
         const auto complete = action ? Result<std::optional<HandCompletion>>(
                                            HandCompletion{std::stoi(m[5].str()), *action})
                                      : std::unexpected(action.error());
         return Build<Read>(ParseSystem(m[1].str()), m[2].str(), ParseSystem(m[3].str()),
                            std::optional<ReplyAction>(), complete);
       }},
      {"Start(S, journal-1|2[, crash=P])",
       std::regex(R"(Start\((\w+), journal-([12])(?:, crash=([\w.]+))?\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<Start>(ParseSystem(m[1].str()), std::stoi(m[2].str()),
                             ParseIfMatched(m[3], ParseCrashPoint));
       }},
      {"Crash(S)", std::regex(R"(Crash\((\w+)\))"),
       [](const Captures& m) -> Result<Command> { return Build<Crash>(ParseSystem(m[1].str())); }},
      {"Format(S, journal-1|2)", std::regex(R"(Format\((\w+), journal-([12])\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<Format>(ParseSystem(m[1].str()), std::stoi(m[2].str()));
       }},
      {"Reply(S, S, ignore|defer)", std::regex(R"(Reply\((\w+), (\w+), (ignore|defer)\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<Reply>(ParseSystem(m[1].str()), ParseSystem(m[2].str()),
                             kReplyActionNames.Parse(m[3].str(), "reply action"));
       }},
      {"VaryRm(S, S)", std::regex(R"(VaryRm\((\w+), (\w+)\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<VaryRm>(ParseSystem(m[1].str()), ParseSystem(m[2].str()));
       }},
      {"Complete(S, txn=N, commit|backout)",
       std::regex(R"(Complete\((\w+), txn=(\d{1,9}), (commit|backout)\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<Complete>(ParseSystem(m[1].str()), std::stoi(m[2].str()),
                                kCompleteActionNames.Parse(m[3].str(), "complete action"));
       }},
      {"InjectFault(S, disk-full|access-denied)",
       std::regex(R"(InjectFault\((\w+), (disk-full|access-denied)\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<InjectFault>(ParseSystem(m[1].str()),
                                   kFaultKindNames.Parse(m[2].str(), "fault kind"));
       }},
      {"RemoveFault(S)", std::regex(R"(RemoveFault\((\w+)\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<RemoveFault>(ParseSystem(m[1].str()));
       }},
      {"Corrupt(S, journal-1|2, record=N, magic|length|crc|payload|sector)",
       std::regex(R"(Corrupt\((\w+), journal-([12]), record=(\d), (\w+)\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<Corrupt>(ParseSystem(m[1].str()), std::stoi(m[2].str()),
                               std::stoi(m[3].str()), kDamageNames.Parse(m[4].str(), "damage"));
       }},
  };
  return kRules;
}

}  // namespace

Result<Command> ParseCommand(const std::string& text) {
  return ParseByRules<Command>(text, Rules(), "resync");
}

}  // namespace lockstep::model::rs
