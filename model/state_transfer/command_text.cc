// ParseCommand (command_text.h): the state-transfer command grammar as rules for
// model/common/command_text.h, one per kind of command, in Describe() order.
#include "model/state_transfer/command_text.h"

#include <regex>
#include <span>
#include <string>
#include <vector>

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

// The inputs of Start(A, inputs=[set k=v, del k]): keys and values without ',', '[', ']',
// '(' or ')' (and keys without '='), so that the list splits unambiguously.
Result<std::vector<Submit>> ParseInputs(const std::string& text) {
  static const std::string kItem = R"((?:set [^=,\[\]()]+=[^,\[\]()]*|del [^=,\[\]()]+))";
  static const std::regex kList(kItem + "(?:, " + kItem + ")*");
  static const std::regex kOne(R"(set ([^=,\[\]()]+)=([^,\[\]()]*)|del ([^=,\[\]()]+))");
  if (!std::regex_match(text, kList)) {
    return Fail("bad input list '" + text + "' (expected 'set k=v' or 'del k', joined by ', ')");
  }
  std::vector<Submit> inputs;
  for (std::sregex_iterator it(text.begin(), text.end(), kOne), end; it != end; ++it) {
    const std::smatch& m = *it;
    if (m[1].matched) {
      inputs.push_back(Submit{OpKind::kSet, m[1].str(), m[2].str()});
    } else {
      inputs.push_back(Submit{OpKind::kDel, m[3].str(), ""});
    }
  }
  return inputs;
}

Result<std::vector<Submit>> ParseInputsIfMatched(const std::ssub_match& capture) {
  if (!capture.matched) return std::vector<Submit>{};
  return ParseInputs(capture.str());
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
      {"Start(A[, crash=P][, inputs=[set k=v, del k]])",
       std::regex(R"(Start\((\w+)(?:, crash=([\w.]+))?(?:, inputs=\[([^\[\]()]*)\])?\))"),
       [](const Captures& m) -> Result<Command> {
         return Build<Start>(ParseSide(m[1].str()), ParseIfMatched(m[2], ParseCrashPoint),
                             ParseInputsIfMatched(m[3]));
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
