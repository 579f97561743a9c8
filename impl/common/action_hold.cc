#include "impl/common/action_hold.h"

#include <csignal>
#include <string>

namespace lockstep::impl {
namespace {

std::string& ArmedEvent() {
  static std::string event;  // empty: nothing armed
  return event;
}

}  // namespace

nlohmann::json ArmHold(const nlohmann::json& request, bool traced) {
  if (!traced) return {{"error", "hold needs a trace: this process was started without --trace"}};
  const auto event = request.find("event");
  if (event == request.end() || !event->is_string() || event->get<std::string>().empty()) {
    return {{"error", "hold needs \"event\": the name of a traced event (docs/trace.md)"}};
  }
  ArmedEvent() = event->get<std::string>();
  return {{"result", "armed"}, {"event", ArmedEvent()}};
}

nlohmann::json DisarmHold() {
  std::string& armed = ArmedEvent();
  nlohmann::json answer{{"result", "disarmed"}, {"event", nullptr}};
  if (!armed.empty()) answer["event"] = armed;
  armed.clear();
  return answer;
}

void HoldAtAction(std::string_view event) {
  std::string& armed = ArmedEvent();
  if (armed.empty() || armed != event) return;
  armed.clear();
  raise(SIGSTOP);
}

}  // namespace lockstep::impl
