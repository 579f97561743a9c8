// Config: the settings of the resync model that are not part of its state.
//
// Plain value. REQUIRES: 2 <= systems <= kMaxSystems (spec: two by default, three must work).
#pragma once

namespace lockstep::model::rs {

inline constexpr int kMaxSystems = 3;

struct Config {
  // Number of transaction systems, SYSTEM73 upwards. Fixed for a whole run: InitialState()
  // sizes the state with it, and every later function reads the count from the state.
  int systems = 2;
};

}  // namespace lockstep::model::rs
