#include "reports/protocol_totals.h"

#include <algorithm>

namespace lockstep::reports {

void ShareDuration(std::vector<PropertyResult>& one_protocol, double ms) {
  for (PropertyResult& p : one_protocol) p.duration_ms = ms / static_cast<double>(one_protocol.size());
}

std::map<std::string, ProtocolTotals> TotalsByProtocol(const std::vector<PropertyResult>& properties) {
  std::map<std::string, ProtocolTotals> out;
  for (const PropertyResult& p : properties) {
    ProtocolTotals& t = out[p.protocol];
    t.cases = std::max(t.cases, p.cases);
    t.steps = std::max(t.steps, p.steps);
    t.duration_ms += p.duration_ms;
    for (const auto& [kind, n] : p.faults_by_kind) {
      t.faults_by_kind[kind] = std::max(t.faults_by_kind[kind], n);
    }
  }
  return out;
}

std::map<std::string, std::uint64_t> RunFaults(const std::vector<PropertyResult>& properties) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& [protocol, totals] : TotalsByProtocol(properties)) {
    for (const auto& [kind, n] : totals.faults_by_kind) out[kind] += n;
  }
  return out;
}

}  // namespace lockstep::reports
