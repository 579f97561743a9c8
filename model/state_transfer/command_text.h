// ParseCommand: the inverse of Describe() (commands.h). Reproduce strings and counterexample
// paths store commands as their Describe() text; replay turns them back into commands.
//
// Pure function. ParseCommand(Describe(c)) == c for every command c.
#pragma once

#include <string>

#include "base/result.h"
#include "model/state_transfer/commands.h"

namespace lockstep::model::st {

// Fails with a message that quotes the text and says what was expected.
Result<Command> ParseCommand(const std::string& text);

}  // namespace lockstep::model::st
