// Typed protocol settings as named text fields: how a protocol's own settings (the `Own` of
// SettingsFor<Own>) are set from the command line, written into a reproduce string and read
// back from it, with every value validated on the way in.
//
// A protocol lists one SettingField per member of Own (IntegerField, MillisecondsField); the
// list must cover every member, which the protocol's round-trip test checks with
// AggregateArity<Own>() so that a member added without a field fails a test instead of making
// replays silently differ from their run.
//
// Plain values and pure functions; safe to share across threads once built.
#pragma once

#include <charconv>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace lockstep::harness {

template <class Own>
struct SettingField {
  std::string name;  // "transfer-timeout-ms": the reproduce-string key and the option name
  std::string help;  // one line for --help
  std::function<std::string(const Own&)> encode;
  // Sets the member from `text`; fails naming the field, the text and the allowed range.
  std::function<Status(Own&, const std::string& text)> decode;
};

namespace detail {

// A decimal integer in [min, max], or an error naming `name`.
template <class Int>
Result<Int> ParseBounded(const std::string& name, const std::string& text, Int min, Int max) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return Fail("setting '" + name + "' must be a whole number from " + std::to_string(min) +
                " to " + std::to_string(max) + ", not '" + text + "'");
  }
  return value;
}

}  // namespace detail

// A field for an integer member.
template <class Own, class Int>
SettingField<Own> IntegerField(std::string name, std::string help, Int Own::*member, Int min,
                               Int max) {
  return {name, std::move(help),
          [member](const Own& s) { return std::to_string(s.*member); },
          [name, member, min, max](Own& s, const std::string& text) -> Status {
            auto v = detail::ParseBounded<Int>(name, text, min, max);
            if (!v) return std::unexpected(v.error());
            s.*member = *v;
            return {};
          }};
}

// A field for a std::chrono::milliseconds member, written as a whole number of milliseconds.
template <class Own>
SettingField<Own> MillisecondsField(std::string name, std::string help,
                                    std::chrono::milliseconds Own::*member, long long min,
                                    long long max) {
  return {name, std::move(help),
          [member](const Own& s) { return std::to_string((s.*member).count()); },
          [name, member, min, max](Own& s, const std::string& text) -> Status {
            auto v = detail::ParseBounded<long long>(name, text, min, max);
            if (!v) return std::unexpected(v.error());
            s.*member = std::chrono::milliseconds(*v);
            return {};
          }};
}

// The fields of `fields` that `options` names, decoded over Own's defaults. With
// `require_all`, every field must be given (a reproduce string holds them all). Names in
// `options` that are not fields are left alone (another protocol's, or the caller's to judge).
template <class Own>
Result<Own> DecodeFields(const std::vector<SettingField<Own>>& fields,
                         const std::map<std::string, std::string>& options, bool require_all) {
  Own settings{};
  for (const auto& field : fields) {
    const auto it = options.find(field.name);
    if (it == options.end()) {
      if (require_all) return Fail("setting '" + field.name + "' is missing");
      continue;
    }
    if (auto s = field.decode(settings, it->second); !s) return std::unexpected(s.error());
  }
  return settings;
}

// Every field of `settings`, in the order of `fields`, as name -> text pairs.
template <class Own>
std::vector<std::pair<std::string, std::string>> EncodeFields(
    const std::vector<SettingField<Own>>& fields, const Own& settings) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& field : fields) out.emplace_back(field.name, field.encode(settings));
  return out;
}

namespace detail {

// Converts to anything: counts the initializers an aggregate accepts.
struct AnyField {
  template <class T>
  operator T() const;  // never defined: only used in unevaluated contexts
};

template <class T, class... Fields>
constexpr std::size_t CountFields() {
  if constexpr (requires { T{Fields{}..., AnyField{}}; }) {
    return CountFields<T, Fields..., AnyField>();
  } else {
    return sizeof...(Fields);
  }
}

}  // namespace detail

// The number of members of the aggregate T (no base classes, no arrays of members).
template <class T>
constexpr std::size_t AggregateArity() {
  return detail::CountFields<T>();
}

}  // namespace lockstep::harness
