// One-line descriptions of resync commands (commands.h). Describe() output appears in
// reports and reproduce strings, so its format is stable; ParseCommand() reads it back.
#include "model/resync/commands.h"

#include <string>
#include <variant>

namespace lockstep::model::rs {
namespace {

std::string DescribeOne(const Transaction& c) {
  std::string out = "Transaction(" + SystemName(c.coordinator) + ":";
  for (const auto& [system, writes] : c.writes) {
    out += " " + SystemName(system) + "{";
    bool first = true;
    for (const auto& [k, v] : writes) {
      out += (first ? "" : ",") + k + "=" + v;
      first = false;
    }
    out += "}";
  }
  return out + ")";
}
std::string DescribeOne(const Read& c) {
  std::string out = "Read(" + SystemName(c.system) + ", " + c.key + ", via=" + SystemName(c.via);
  if (c.reply) out += std::string(", reply=") + ToString(*c.reply);
  if (c.complete) {
    out += std::string(", complete=") + ToString(c.complete->action) + " of txn " +
           std::to_string(c.complete->txn);
  }
  return out + ")";
}
std::string DescribeOne(const Start& c) {
  std::string out =
      "Start(" + SystemName(c.system) + ", journal-" + std::to_string(c.journal_set);
  if (c.crash_point) out += std::string(", crash=") + CrashPointName(*c.crash_point);
  return out + ")";
}
std::string DescribeOne(const Crash& c) { return "Crash(" + SystemName(c.system) + ")"; }
std::string DescribeOne(const Format& c) {
  return "Format(" + SystemName(c.system) + ", journal-" + std::to_string(c.journal_set) + ")";
}
std::string DescribeOne(const Reply& c) {
  return "Reply(" + SystemName(c.system) + ", " + SystemName(c.partner) + ", " +
         ToString(c.action) + ")";
}
std::string DescribeOne(const VaryRm& c) {
  return "VaryRm(" + SystemName(c.system) + ", " + SystemName(c.partner) + ")";
}
std::string DescribeOne(const Complete& c) {
  return "Complete(" + SystemName(c.system) + ", txn=" + std::to_string(c.txn) + ", " +
         ToString(c.action) + ")";
}
std::string DescribeOne(const InjectFault& c) {
  return "InjectFault(" + SystemName(c.system) + ", " + ToString(c.kind) + ")";
}
std::string DescribeOne(const RemoveFault& c) {
  return "RemoveFault(" + SystemName(c.system) + ")";
}
std::string DescribeOne(const Corrupt& c) {
  return "Corrupt(" + SystemName(c.system) + ", journal-" + std::to_string(c.journal_set) +
         ", record=" + std::to_string(c.record) + ", " + ToString(c.damage) + ")";
}

}  // namespace

std::string Describe(const Command& c) {
  return std::visit([](const auto& v) { return DescribeOne(v); }, c);
}

}  // namespace lockstep::model::rs
