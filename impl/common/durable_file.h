// Durable files: the only way the system under test writes data that must survive a crash.
//
// A replacement is atomic and durable: the new content goes to a staging file next to the
// target ("<name>.staging"), which is fsync'ed, renamed over the target, and then the directory
// is fsync'ed. A crash at any moment leaves either the old or the new content under the
// target's name (possibly with a stale staging file, which readers ignore).
//
// Every call opens what it needs and closes it before returning: no writable descriptor is
// kept, so a permission change on the directory (chmod 000) takes effect at the next write.
//
// Errors name the path and carry the errno (Error::FromErrno).
// Thread safety: stateless functions; callers serialize writes to the same path.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lockstep::impl {

// The staging name used for `target`: target + ".staging".
std::string StagingPath(const std::string& target);

// Writes all of `data` to `fd` (retrying short writes and EINTR). `what` names the file.
[[nodiscard]] Status WriteAll(int fd, std::string_view data, const std::string& what);

// Reads the whole file. std::nullopt when it does not exist (ENOENT); an error otherwise.
[[nodiscard]] Result<std::optional<std::string>> ReadWholeFile(const std::string& path);

// Creates or truncates `path`, writes `data`, fsyncs and closes it. On failure the partial
// file is removed (best effort) and the error of the failing step is returned.
[[nodiscard]] Status WriteAndSync(const std::string& path, std::string_view data);

// fsync of a directory, so that a rename or unlink in it is durable.
[[nodiscard]] Status SyncDirectory(const std::string& dir);

// Renames StagingPath(target) over `target`, then fsyncs `dir` (the directory of both).
[[nodiscard]] Status CommitStaged(const std::string& dir, const std::string& target);

// WriteAndSync(StagingPath(target)) followed by CommitStaged: the atomic durable replacement.
// REQUIRES: `target` is a file directly inside `dir`.
[[nodiscard]] Status ReplaceAtomically(const std::string& dir, const std::string& target,
                                       std::string_view data);

}  // namespace lockstep::impl
