// The table of broken variants and the no-startup-comparison hook (variants.h).
#include "model/resync/variants.h"

#include <array>

namespace lockstep::model::rs {
namespace {

constexpr std::array<VariantInfo, 2> kVariants{{
    {"no-stamp-comparison", Variant::kNoStampComparison, "RS-2", "resync-ignores-stamp"},
    {"no-startup-comparison", Variant::kNoStartupComparison, "RS-5", "startup-time-not-compared"},
}};

const PartnerEntry* Saved(const State& s, int self, int partner) {
  const auto& partners = s.at(self).journal().partners;
  const auto it = partners.find(partner);
  return it == partners.end() ? nullptr : &it->second;
}

}  // namespace

std::span<const VariantInfo> BrokenVariants() { return kVariants; }

std::optional<VariantInfo> FindVariant(std::string_view name) {
  if (name == "correct") return VariantInfo{"correct", Variant::kCorrect, "", ""};
  for (const VariantInfo& v : kVariants) {
    if (name == v.name) return v;
  }
  return std::nullopt;
}

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
