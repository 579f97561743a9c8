// Fuzz target: state-transfer command text as replay reads it
// (model/state_transfer/command_text.h, ParseCommand), checked by CheckCommandText
// (fuzz/command_text_round_trip.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/command_text_round_trip.h"
#include "model/state_transfer/command_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace m = lockstep::model::st;
  return lockstep::fuzz::CheckCommandText(
      data, size, [](const std::string& text) { return m::ParseCommand(text); },
      [](const m::Command& c) { return m::Describe(c); });
}
