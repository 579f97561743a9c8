// ParseCommand: the inverse of Describe() (commands.h). Reproduce strings and counterexample
// paths store resync commands as their Describe() text; replay turns them back into commands.
//
// Pure function. ParseCommand(Describe(c)) == c for every command c whose systems are below
// kMaxSystems and whose keys and values are words of [A-Za-z0-9_].
#pragma once

#include <string>

#include "base/result.h"
#include "model/resync/commands.h"

namespace lockstep::model::rs {

// Fails with a message that quotes the text and says what was expected.
Result<Command> ParseCommand(const std::string& text);

}  // namespace lockstep::model::rs
