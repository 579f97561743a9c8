// The enter-before-queued-input hook (variants.h).
#include "model/state_transfer/variants.h"

namespace lockstep::model::st::internal {

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

}  // namespace lockstep::model::st::internal
