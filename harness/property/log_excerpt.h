// Log excerpts for reports: the end of a process's log, where the reason it stopped is.
#pragma once

#include <filesystem>
#include <string>

namespace lockstep::harness {

// The last `lines` lines of `file` (all of it if shorter); "" if it cannot be read.
std::string LastLines(const std::filesystem::path& file, std::size_t lines);

}  // namespace lockstep::harness
