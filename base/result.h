// Result<T>: the value of an operation that can fail in an expected way, or the reason it
// failed. The one error vocabulary shared by every layer (model excepted: it cannot fail).
//
// Expected failures cross seams as Result values; exceptions are reserved for harness bugs
// and property violations. An Error names the thing it concerns (path, process, key), carries
// the errno when the OS produced it (0 otherwise), and says what to do where that is known.
//
// Thread safety: plain values; safe to copy across threads.
#pragma once

#include <cerrno>
#include <cstring>
#include <expected>
#include <string>
#include <utility>

namespace lockstep {

struct Error {
  std::string message;  // complete sentence naming the subject, e.g. "cannot open /x: ..."
  int errnum = 0;       // errno when the OS reported the failure, else 0

  // An OS failure: "<what>: <strerror> [<errno>]".
  static Error FromErrno(const std::string& what, int errnum) {
    return Error{what + ": " + std::strerror(errnum) + " [" + std::to_string(errnum) + "]",
                 errnum};
  }
};

// A std::expected that must not be dropped: a call whose Result is ignored does not compile
// (-Werror=unused-result). Where dropping it is right, say so with `(void)Call();`.
template <class T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
  // A plain std::expected<T, Error> (named as such, or from its monadic operations in newer
  // libstdc++) becomes a Result.
  Result(std::expected<T, Error> other) : std::expected<T, Error>(std::move(other)) {}
};

// Status: a Result that carries nothing on success.
using Status = Result<void>;

inline std::unexpected<Error> Fail(std::string message, int errnum = 0) {
  return std::unexpected(Error{std::move(message), errnum});
}
inline std::unexpected<Error> FailErrno(const std::string& what, int errnum = errno) {
  return std::unexpected(Error::FromErrno(what, errnum));
}

}  // namespace lockstep
