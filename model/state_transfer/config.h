// Config: the settings of the state-transfer model that are not part of its state.
//
// Plain value, no invariants: every capacity is valid. A capacity of 0 keeps no config message
// log (the logger's --log-capacity 0), so every transfer to a side that is not level with its
// sender is a full copy.
#pragma once

#include <cstddef>

namespace lockstep::model::st {

struct Config {
  // Entries kept in each side's config message log (the logger's --log-capacity). Tests use
  // a small capacity so that both the incremental and the full-copy transfer paths happen.
  std::size_t log_capacity = 4;
};

}  // namespace lockstep::model::st
