// Show(): compact one-line renderings of resync observation values, for violation messages and debug
// dumps. Pure functions; the output is meant for people and is not a stable format (Encode() in
// state.h is the canonical form).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/resync/observation.h"

namespace lockstep::model::rs {

std::string Show(const Rows& rows);                                  // "{k1=v1,k2=v2}"
std::string Show(const std::optional<OpOutcome>& o);                 // "value v1" / "none"
std::string Show(const BranchObservation& b);                        // "participant InDoubt"
std::string Show(const std::map<int, BranchObservation>& branches);  // "{1:participant InDoubt}"
std::string Show(const PartnerObservation& p);                       // "stamp=2 startup=3 open"
std::string Show(const std::map<int, PartnerObservation>& partners);
std::string Show(const PromptObservation& p);  // "OLD 1 NEW 3 txns [1,2]"
std::string Show(const std::map<int, PromptObservation>& prompts);
std::string Show(const std::vector<int>& numbers);  // "[1,2]"
// The whole of one system's observation, on one line.
std::string Show(const SystemObservation& o);

}  // namespace lockstep::model::rs
