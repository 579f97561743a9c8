// Fuzz target: state-transfer command text as replay reads it (model/state_transfer/
// command_text.h, ParseCommand). Checks, besides never crashing: a command parsed prints
// (Describe) as text that parses back to a command printing the same text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "model/state_transfer/command_text.h"

using lockstep::model::st::Describe;
using lockstep::model::st::ParseCommand;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto command = ParseCommand(text);
  if (!command) {
    FUZZ_CHECK(!command.error().message.empty(), "a refusal without a message");
    return 0;
  }
  const std::string described = Describe(*command);
  auto again = ParseCommand(described);
  FUZZ_CHECK(again.has_value(), "Describe text refused: '%s' from '%s': %s", described.c_str(),
             text.c_str(), again.error().message.c_str());
  FUZZ_CHECK(again->index() == command->index() && Describe(*again) == described,
             "'%s' parses back as '%s'", described.c_str(), Describe(*again).c_str());
  return 0;
}
