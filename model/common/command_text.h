// Reading a protocol's Describe() text back into commands (each protocol's ParseCommand,
// command_text.h). A protocol states its command grammar once, as rules: for each kind of
// command the form a reader sees ("Crash(A)"), the pattern the whole text must match, and a
// builder from the pattern's captures. ParseByRules tries the rules in order; Build and
// ParseIfMatched turn captures into a command, keeping the first argument that fails.
//
// Rules are immutable once built and safe to share across threads; the functions are pure.
#pragma once

#include <cstddef>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "base/result.h"
#include "model/common/enum_names.h"

namespace lockstep::model {

// The longest command text read. Commands are short (the longest a generator makes is a
// three-system transaction, well under 200 characters), and std::regex matching recurses once
// per character: a step of tens of thousands of characters overflowed the stack. Longer text
// is refused before any pattern sees it.
inline constexpr std::size_t kMaxCommandText = 1024;

template <class Command>
struct CommandRule {
  const char* form;     // "Crash(A)", for the message when no rule matches
  std::regex pattern;   // must match the whole text
  Result<Command> (*build)(const std::smatch& captures);
};

// The command the first rule whose pattern matches all of `text` builds (or its failure);
// when none matches, a failure "not a <protocol> command: '<text>' (expected <form>, ...
// or <form>)"; text longer than kMaxCommandText fails without being matched, naming its
// length and its start.
template <class Command>
Result<Command> ParseByRules(const std::string& text, std::span<const CommandRule<Command>> rules,
                             std::string_view protocol) {
  if (text.size() > kMaxCommandText) {
    return Fail("not a " + std::string(protocol) + " command: '" + text.substr(0, 40) +
                "...' is " + std::to_string(text.size()) + " characters long (at most " +
                std::to_string(kMaxCommandText) + ")");
  }
  std::smatch m;
  for (const CommandRule<Command>& rule : rules) {
    if (std::regex_match(text, m, rule.pattern)) return rule.build(m);
  }
  const auto form = [&](int i) { return rules[static_cast<std::size_t>(i)].form; };
  return Fail("not a " + std::string(protocol) + " command: '" + text + "' (expected " +
              Alternatives(static_cast<int>(rules.size()), form) + ")");
}

namespace detail {

template <class X>
struct IsResult : std::false_type {};
template <class V>
struct IsResult<Result<V>> : std::true_type {};

template <class X>
const Error* ErrorOf(const X& x) {
  if constexpr (IsResult<X>::value) {
    return x ? nullptr : &x.error();
  } else {
    return nullptr;
  }
}

template <class X>
decltype(auto) ValueOf(const X& x) {
  if constexpr (IsResult<X>::value) {
    return *x;
  } else {
    return x;
  }
}

}  // namespace detail

// T{v...} from the values of `parts` (each a Result, or a plain value), or the failure of the
// first part, in order, that failed.
template <class T, class... Parts>
Result<T> Build(const Parts&... parts) {
  const Error* error = nullptr;
  ((error = error ? error : detail::ErrorOf(parts)), ...);
  if (error) return std::unexpected(*error);
  return T{detail::ValueOf(parts)...};
}

// An optional capture parsed: nullopt when it took no part in the match, else parse(its text)
// (or that failure).
template <class Parse>
auto ParseIfMatched(const std::ssub_match& capture, Parse parse)
    -> Result<std::optional<typename decltype(parse(std::string()))::value_type>> {
  using V = typename decltype(parse(std::string()))::value_type;
  if (!capture.matched) return std::optional<V>();
  auto v = parse(capture.str());
  if (!v) return std::unexpected(v.error());
  return std::optional<V>(*v);
}

}  // namespace lockstep::model
