// Reading and writing report files. A report is written atomically: a reader (a CI step, a
// person tailing a campaign's report directory) sees either the previous file or the complete
// new one, never a torn one, even if the writer is killed with SIGKILL mid-write.
//
// Thread safety: safe to call from several threads for different paths. Two concurrent writes
// to the same path from one process race on the temporary name; the last rename wins.
#pragma once

#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace lockstep::reports {

// Writes `json` (2-space indented, newline-terminated; invalid UTF-8 in strings replaced by
// U+FFFD) to `<path>.tmp.<pid>`, fsyncs it, renames it over `path`, and fsyncs the directory.
// On success `path` holds the complete document. On failure `path` is unchanged, the
// temporary file is removed, and the error names `path`, the step that failed and the errno
// (e.g. "cannot create report /ro/r.json (temporary /ro/r.json.tmp.42): Permission denied
// [13]; check that the directory exists and is writable").
[[nodiscard]] Status WriteJsonAtomically(const std::filesystem::path& path,
                                         const nlohmann::json& json);

// Arrays and objects nested deeper than this are refused by ReadJson: a report is about ten
// levels deep, and a document thousands deep would overflow the stack of the recursive code
// that copies and walks it.
inline constexpr int kMaxJsonDepth = 256;

// Reads and parses the JSON document at `path`. Fails with a message naming the path for a
// missing or unreadable file (with the errno), for invalid JSON (with the byte offset
// nlohmann reports, e.g. "report r.json is not valid JSON: syntax error at byte 17: ...") and
// for JSON nested more than kMaxJsonDepth levels deep.
[[nodiscard]] Result<nlohmann::json> ReadJson(const std::filesystem::path& path);

// What ReadJson does with the text it read, with its failures (`path` only names the file in
// them): parses `text`, refusing JSON nested more than kMaxJsonDepth levels deep.
[[nodiscard]] Result<nlohmann::json> ParseJson(std::string_view text,
                                               const std::filesystem::path& path);

}  // namespace lockstep::reports
