// CommandLine: the "--name value" and "--flag" arguments of one process. Parsing checks every
// argument against the names the program declares; an unknown name, a missing value or a
// repeated name is a usage error naming the argument (the caller prints it and exits 2).
//
// Thread safety: plain value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"

namespace lockstep::impl {

class CommandLine {
 public:
  // `valued`: names that take a value ("--side"); `flags`: names that take none ("--dump").
  [[nodiscard]] static Result<CommandLine> Parse(int argc, const char* const* argv,
                                                 const std::set<std::string>& valued,
                                                 const std::set<std::string>& flags);

  bool Has(const std::string& name) const { return values_.contains(name); }
  // The value of `name`, or a usage error naming it when absent.
  [[nodiscard]] Result<std::string> Required(const std::string& name) const;
  // The value of `name`, std::nullopt when absent, or a usage error naming it when empty.
  [[nodiscard]] Result<std::optional<std::string>> Optional(const std::string& name) const;
  // The value of `name` as a non-negative integer; `fallback` when absent.
  [[nodiscard]] Result<std::uint64_t> Number(const std::string& name,
                                             std::uint64_t fallback) const;

 private:
  std::map<std::string, std::string> values_;  // flags map to ""
};

}  // namespace lockstep::impl
