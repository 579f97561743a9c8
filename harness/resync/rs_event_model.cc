#include "harness/resync/rs_event_model.h"

namespace lockstep::harness::rs {

namespace {

class NoRules final : public trace::EventModel {
 public:
  std::optional<model::Violation> Apply(const trace::TraceLine&) override { return std::nullopt; }
  std::string Describe() const override { return "  (the resync event model has no rules yet)\n"; }
};

}  // namespace

std::unique_ptr<trace::EventModel> MakeRsEventModel() { return std::make_unique<NoRules>(); }

}  // namespace lockstep::harness::rs
