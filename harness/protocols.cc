#include "harness/protocols.h"

#include "harness/resync/rs_protocol.h"
#include "harness/state_transfer/st_protocol.h"

namespace lockstep::harness {

const std::vector<const ProtocolPlugin*>& Protocols() {
  static const std::vector<const ProtocolPlugin*> kProtocols{
      &StateTransferPlugin(),
      &ResyncPlugin(),
  };
  return kProtocols;
}

std::vector<std::string> ProtocolNames() {
  std::vector<std::string> names;
  for (const ProtocolPlugin* p : Protocols()) names.push_back(p->name());
  return names;
}

const ProtocolPlugin* FindProtocol(std::string_view name) {
  for (const ProtocolPlugin* p : Protocols()) {
    if (p->name() == name) return p;
  }
  return nullptr;
}

}  // namespace lockstep::harness
