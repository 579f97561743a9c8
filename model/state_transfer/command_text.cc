// ParseCommand (command_text.h): the state-transfer command grammar as rules for
// model/common/command_text.h, one per kind of command, in Describe() order.
#include "model/state_transfer/command_text.h"

#include <regex>
#include <span>

#include "model/common/command_text.h"

namespace lockstep::model::st {
namespace {

Result<Side> ParseSide(const std::string& s) { return kSideNames.Parse(s, "side"); }
Result<Dir> ParseDir(const std::string& s) { return kDirNames.Parse(s, "directory"); }
Result<FaultKind> ParseFaultKind(const std::string& s) {
  return kFaultKindNames.Parse(s, "fault kind");
}

Result<CrashPoint> ParseCrashPoint(const std::string& s) {
  if (auto p = kCrashPointNames.Find(s)) return *p;
  return Fail("unknown crash point '" + s + "'");
}

using Rule = CommandRule<Command>;
using Captures = std::smatch;

std::span<const Rule> Rules() {
  static const Rule kRules[] = {
      {"Submit(set k=v)", std::regex(R"(Submit\(set ([^=()]+)=([^()]*)\))"),
       [](const Captures& m) -> Result<Command> {
         return Submit{OpKind::kSet, m[1].str(), m[2].str()};
       }},
      {"Submit(del k)", std::regex(R"(Submit\(del ([^=()]+)\))"),
       [](const Captures& m) -> Result<Command> { return Submit{OpKind::kDel, m[1].str(), ""}; }},
      {"Start(A[, crash=P])", std::regex(R"(Start\((\w+)(?:, crash=([\w.]+))?\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<Start>(ParseSide(m[1].str()), ParseIfMatched(m[2], ParseCrashPoint));
       }},
      {"Crash(A)", std::regex(R"(Crash\((\w+)\))"),
       [](const Captures& m) -> Result<Command> { return Build<Crash>(ParseSide(m[1].str())); }},
      {"InjectFault(A, temp|data, disk-full|access-denied)",
       std::regex(R"(InjectFault\((\w+), (\w+), ([\w-]+)\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<InjectFault>(ParseSide(m[1].str()), ParseDir(m[2].str()),
                                   ParseFaultKind(m[3].str()));
       }},
      {"RemoveFault(A, temp|data)", std::regex(R"(RemoveFault\((\w+), (\w+)\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<RemoveFault>(ParseSide(m[1].str()), ParseDir(m[2].str()));
       }},
      {"OfflineSync(A->B)", std::regex(R"(OfflineSync\((\w+)->(\w+)\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<OfflineSync>(ParseSide(m[1].str()), ParseSide(m[2].str()));
       }},
      {"PowerLoss(A)", std::regex(R"(PowerLoss\((\w+)\))"),
       [](const Captures& m) -> Result<Command> { return Build<PowerLoss>(ParseSide(m[1].str())); }},
  };
  return kRules;
}

}  // namespace

Result<Command> ParseCommand(const std::string& text) {
  return ParseByRules<Command>(text, Rules(), "state-transfer");
}

}  // namespace lockstep::model::st
