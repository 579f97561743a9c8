#include "impl/common/control_answers.h"

namespace lockstep::impl {

nlohmann::json UnknownOpAnswer(const std::string& op) {
  return {{"error", op.empty() ? std::string("request has no string \"op\"")
                               : "unknown op '" + op + "'"}};
}

void AnswerShutdown(LineConnection& conn, LogFile& log) {
  conn.Send(nlohmann::json{{"result", "ok"}});
  conn.FlushBlocking(kLastWordsTimeoutMs);
  log.Line("Shutting down on request");
}

}  // namespace lockstep::impl
