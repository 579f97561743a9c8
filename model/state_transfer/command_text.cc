#include "model/state_transfer/command_text.h"

#include <regex>

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

Result<Command> ParseStart(const std::smatch& m) {
  auto side = ParseSide(m[1].str());
  if (!side) return std::unexpected(side.error());
  Start start{*side, std::nullopt};
  if (m[2].matched) {
    auto point = ParseCrashPoint(m[2].str());
    if (!point) return std::unexpected(point.error());
    start.crash_point = *point;
  }
  return start;
}

Result<Command> ParseInjectFault(const std::smatch& m) {
  auto side = ParseSide(m[1].str());
  auto dir = ParseDir(m[2].str());
  if (!side) return std::unexpected(side.error());
  if (!dir) return std::unexpected(dir.error());
  auto kind = ParseFaultKind(m[3].str());
  if (!kind) return std::unexpected(kind.error());
  return InjectFault{*side, *dir, *kind};
}

}  // namespace

Result<Command> ParseCommand(const std::string& text) {
  static const std::regex kSet(R"(Submit\(set ([^=()]+)=([^()]*)\))");
  static const std::regex kDel(R"(Submit\(del ([^=()]+)\))");
  static const std::regex kStart(R"(Start\((\w+)(?:, crash=([\w.]+))?\))");
  static const std::regex kCrash(R"(Crash\((\w+)\))");
  static const std::regex kInject(R"(InjectFault\((\w+), (\w+), ([\w-]+)\))");
  static const std::regex kRemove(R"(RemoveFault\((\w+), (\w+)\))");
  static const std::regex kSync(R"(OfflineSync\((\w+)->(\w+)\))");
  std::smatch m;
  if (std::regex_match(text, m, kSet)) return Submit{OpKind::kSet, m[1].str(), m[2].str()};
  if (std::regex_match(text, m, kDel)) return Submit{OpKind::kDel, m[1].str(), ""};
  if (std::regex_match(text, m, kStart)) return ParseStart(m);
  if (std::regex_match(text, m, kCrash)) {
    auto side = ParseSide(m[1].str());
    if (!side) return std::unexpected(side.error());
    return Crash{*side};
  }
  if (std::regex_match(text, m, kInject)) return ParseInjectFault(m);
  if (std::regex_match(text, m, kRemove)) {
    auto side = ParseSide(m[1].str());
    auto dir = ParseDir(m[2].str());
    if (!side) return std::unexpected(side.error());
    if (!dir) return std::unexpected(dir.error());
    return RemoveFault{*side, *dir};
  }
  if (std::regex_match(text, m, kSync)) {
    auto from = ParseSide(m[1].str());
    auto to = ParseSide(m[2].str());
    if (!from) return std::unexpected(from.error());
    if (!to) return std::unexpected(to.error());
    return OfflineSync{*from, *to};
  }
  return Fail("not a state-transfer command: '" + text +
              "' (expected Submit(set k=v), Submit(del k), Start(A[, crash=P]), Crash(A), "
              "InjectFault(A, temp|data, disk-full|access-denied), RemoveFault(A, temp|data) or "
              "OfflineSync(A->B))");
}

}  // namespace lockstep::model::st
