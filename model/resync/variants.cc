// The no-startup-comparison hook (variants.h).
#include "model/resync/variants.h"

namespace lockstep::model::rs {
namespace {

const PartnerEntry* Saved(const State& s, int self, int partner) {
  const auto& partners = s.at(self).journal().partners;
  const auto it = partners.find(partner);
  return it == partners.end() ? nullptr : &it->second;
}

}  // namespace

namespace internal {

bool RecycledPartnerPasses(State& s, int x, int y) {
  const PartnerEntry* x_at_y = Saved(s, y, x);
  const PartnerEntry* y_at_x = Saved(s, x, y);
  if (!x_at_y || !y_at_x) return false;
  if (x_at_y->stamp != s.at(x).stamp() || x_at_y->startup != s.at(x).startup) return false;
  if (y_at_x->stamp != s.at(y).stamp()) return false;
  s.at(x).synced |= Bit(y);
  s.at(y).synced |= Bit(x);
  return true;
}

}  // namespace internal
}  // namespace lockstep::model::rs
