// MakeRsEventModel: the resync protocol's event model (harness/trace/event_model.h).
// PLACEHOLDER until the resync event model lands: it explains every line (no rules yet).
#pragma once

#include <memory>

#include "harness/trace/event_model.h"

namespace lockstep::harness::rs {

std::unique_ptr<trace::EventModel> MakeRsEventModel();

}  // namespace lockstep::harness::rs
