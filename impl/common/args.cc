#include "impl/common/args.h"

#include <charconv>

namespace lockstep::impl {

Result<CommandLine> CommandLine::Parse(int argc, const char* const* argv,
                                       const std::set<std::string>& valued,
                                       const std::set<std::string>& flags) {
  CommandLine line;
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (line.values_.contains(name)) return Fail("argument " + name + " given twice");
    if (flags.contains(name)) {
      line.values_[name] = "";
    } else if (valued.contains(name)) {
      if (i + 1 >= argc) return Fail("argument " + name + " needs a value");
      line.values_[name] = argv[++i];
    } else {
      return Fail("unknown argument '" + name + "'");
    }
  }
  return line;
}

Result<std::string> CommandLine::Required(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return Fail("argument " + name + " is required");
  return it->second;
}

Result<std::optional<std::string>> CommandLine::Optional(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::optional<std::string>();
  if (it->second.empty()) return Fail("argument " + name + " needs a value");
  return std::optional<std::string>(it->second);
}

Result<std::uint64_t> CommandLine::Number(const std::string& name,
                                          std::uint64_t fallback) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string& text = it->second;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Fail("argument " + name + " must be a non-negative integer, not '" + text + "'");
  }
  return value;
}

}  // namespace lockstep::impl
