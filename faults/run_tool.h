// Running an implementation's operator tool (journal-format) for an injector: spawn, wait, and
// read what it printed. Shared by the injectors that act through the tool (faults/reformat.h,
// faults/corrupt.h).
//
// Depends on base/ only. Thread safety: none beyond posix_spawn's.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"

namespace lockstep::faults {

// Runs argv (argv[0] an absolute path) with stdout to `output` and stderr to `errors` (the same
// file when equal), and returns its wait status. Fails naming argv[0] when it cannot be started
// or waited for.
Result<int> RunTool(const std::vector<std::string>& argv, const std::filesystem::path& output,
                    const std::filesystem::path& errors);
// "exit status N" or "signal N" for a wait status.
std::string HowItEnded(int status);
// The file's bytes ("" when it cannot be read).
std::string ReadWholeFile(const std::filesystem::path& file);

}  // namespace lockstep::faults
