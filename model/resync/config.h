// Config: the settings of the resync model that are not part of its state.
//
// Plain value. REQUIRES: 2 <= systems <= kMaxSystems (spec: two by default, three must work).
//
// `variant` selects a deliberately broken model (variants.h) for the exhaustive explorer to
// catch; every other caller leaves it at kCorrect.
#pragma once

#include <cstdint>

namespace lockstep::model::rs {

inline constexpr int kMaxSystems = 3;

// A broken variant of the model, each with one small hook where the model decides.
enum class Variant : std::uint8_t {
  kCorrect,
  kNoStampComparison,    // resync.cc: a resynchronization never sees a stamp mismatch
  kNoStartupComparison,  // resync.cc: a recycled partner with the same stamp is not resynced
};

struct Config {
  // Number of transaction systems, SYSTEM73 upwards. Fixed for a whole run: InitialState()
  // sizes the state with it, and every later function reads the count from the state.
  int systems = 2;
  Variant variant = Variant::kCorrect;
};

}  // namespace lockstep::model::rs
