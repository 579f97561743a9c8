// One-line descriptions of state-transfer commands (commands.h). Describe() output
// appears in reports and reproduce strings, so its format is stable.
#include "model/state_transfer/commands.h"

#include <string>
#include <type_traits>
#include <variant>

namespace lockstep::model::st {
namespace {

std::string DescribeInput(const Submit& c) {
  return c.kind == OpKind::kDel ? "del " + c.key : "set " + c.key + "=" + c.value;
}
std::string DescribeOne(const Submit& c) { return "Submit(" + DescribeInput(c) + ")"; }
std::string DescribeOne(const Start& c) {
  std::string out = std::string("Start(") + SideName(c.side);
  if (c.crash_point) out += std::string(", crash=") + CrashPointName(*c.crash_point);
  if (!c.inputs.empty()) {
    out += ", inputs=[";
    for (std::size_t i = 0; i < c.inputs.size(); ++i) {
      out += (i == 0 ? "" : ", ") + DescribeInput(c.inputs[i]);
    }
    out += "]";
  }
  return out + ")";
}
std::string DescribeOne(const Crash& c) { return std::string("Crash(") + SideName(c.side) + ")"; }
std::string DescribeOne(const InjectFault& c) {
  return std::string("InjectFault(") + SideName(c.side) + ", " + ToString(c.dir) + ", " +
         ToString(c.kind) + ")";
}
std::string DescribeOne(const RemoveFault& c) {
  return std::string("RemoveFault(") + SideName(c.side) + ", " + ToString(c.dir) + ")";
}
std::string DescribeOne(const OfflineSync& c) {
  return std::string("OfflineSync(") + SideName(c.from) + "->" + SideName(c.to) + ")";
}

std::string DescribeOne(const PowerLoss& c) {
  return std::string("PowerLoss(") + SideName(c.side) + ")";
}

}  // namespace

std::string Describe(const Command& c) {
  return std::visit([](const auto& v) { return DescribeOne(v); }, c);
}

}  // namespace lockstep::model::st
