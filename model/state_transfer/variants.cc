// The table of broken variants and the enter-before-queued-input hook (variants.h).
#include "model/state_transfer/variants.h"

#include <array>

namespace lockstep::model::st {
namespace {

constexpr std::array<VariantInfo, 2> kVariants{{
    {"no-high-water-check", Variant::kNoHighWaterCheck, "ST-3"},
    {"enter-before-queued-input", Variant::kEnterBeforeQueuedInput, "ST-1"},
}};

}  // namespace

std::span<const VariantInfo> BrokenVariants() { return kVariants; }

std::optional<VariantInfo> FindVariant(std::string_view name) {
  if (name == "correct") return VariantInfo{"correct", Variant::kCorrect, ""};
  for (const VariantInfo& v : kVariants) {
    if (name == v.name) return v;
  }
  return std::nullopt;
}

namespace internal {

void DropLastInput(SideState& side) {
  if (side.history.empty()) return;
  const LogEntry last = side.history.back();
  side.history.pop_back();
  Database& db = side.db;
  db.rows.clear();
  for (const LogEntry& e : side.history) {
    if (e.kind == OpKind::kSet) {
      db.rows[e.key] = e.value;
    } else {
      db.rows.erase(e.key);
    }
  }
  db.last_update_key = side.history.empty() ? 0 : side.history.back().update_key;
  if (!db.log.empty() && db.log.back() == last) db.log.pop_back();
  if (auto it = side.memory.find(last.key); it != side.memory.end() && --it->second == 0) {
    side.memory.erase(it);
  }
}

}  // namespace internal
}  // namespace lockstep::model::st
