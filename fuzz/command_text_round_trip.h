// The check both command-text fuzz targets make (st_command_fuzz.cc, rs_command_fuzz.cc):
// besides never crashing, a refusal has a message, and a command parsed prints (Describe) as
// text that parses back to a command of the same kind printing the same text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"

namespace lockstep::fuzz {

// `parse(text)` is a model's ParseCommand, `describe(command)` its Describe.
template <class Parse, class Describe>
int CheckCommandText(const std::uint8_t* data, std::size_t size, Parse parse, Describe describe) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto command = parse(text);
  if (!command) {
    FUZZ_CHECK(!command.error().message.empty(), "a refusal without a message");
    return 0;
  }
  const std::string described = describe(*command);
  auto again = parse(described);
  FUZZ_CHECK(again.has_value(), "Describe text refused: '%s' from '%s': %s", described.c_str(),
             text.c_str(), again.error().message.c_str());
  FUZZ_CHECK(again->index() == command->index() && describe(*again) == described,
             "'%s' parses back as '%s'", described.c_str(), describe(*again).c_str());
  return 0;
}

}  // namespace lockstep::fuzz
