// Config: the settings of the state-transfer model that are not part of its state.
//
// Plain value, no invariants: every capacity is valid. A capacity of 0 keeps no config message
// log (the logger's --log-capacity 0), so every transfer to a side that is not level with its
// sender is a full copy.
//
// `variant` selects a deliberately broken model (variants.h) for the exhaustive explorer to
// catch; every other caller leaves it at kCorrect.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockstep::model::st {

// A broken variant of the model, each with one small hook in the transition it breaks.
enum class Variant : std::uint8_t {
  kCorrect,
  kNoHighWaterCheck,        // start.cc: a side behind the high-water key enters service alone
  kEnterBeforeQueuedInput,  // transfer.cc: a receiver enters service one input short
};

struct Config {
  // Entries kept in each side's config message log (the logger's --log-capacity). Tests use
  // a small capacity so that both the incremental and the full-copy transfer paths happen.
  std::size_t log_capacity = 4;
  Variant variant = Variant::kCorrect;
};

}  // namespace lockstep::model::st
