#include "harness/protocols.h"

#include "harness/property/property_runner.h"
#include "harness/resync/rs_protocol.h"
#include "harness/state_transfer/st_protocol.h"

namespace lockstep::harness {

const std::vector<std::string>& ProtocolNames() {
  static const std::vector<std::string> kNames{StateTransferProtocol::kName,
                                               ResyncProtocol::kName};
  return kNames;
}

std::vector<std::string> ProtocolBinaries(const std::string& protocol) {
  if (protocol == StateTransferProtocol::kName) return {"mds", "logger"};
  if (protocol == ResyncProtocol::kName) return {"txsys", "journal-format"};
  return {};
}

ProtocolRun RunProtocolByName(const std::string& protocol, const RunSettings& settings,
                              Sandbox& sandbox) {
  if (protocol == ResyncProtocol::kName) return RunProtocol<ResyncProtocol>(settings, sandbox);
  return RunProtocol<StateTransferProtocol>(settings, sandbox);
}

Result<ReplayOutcome> ReplayByName(const std::string& protocol, const RunSettings& settings,
                                   Sandbox& sandbox, const std::vector<std::string>& steps,
                                   std::ostream* out) {
  if (protocol == ResyncProtocol::kName) {
    return Replay<ResyncProtocol>(settings, sandbox, steps, out);
  }
  if (protocol != StateTransferProtocol::kName) return Fail("unknown protocol '" + protocol + "'");
  return Replay<StateTransferProtocol>(settings, sandbox, steps, out);
}

}  // namespace lockstep::harness
