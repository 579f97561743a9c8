// Names of values, kept once and read both ways: EnumNames<E, N> spells each value of an enum
// whose values are 0..N-1 (declared beside the enum), Name() writes it for reports and
// Describe() text, Find() and Parse() read it back (command_text.h). FindNamed and ParseNamed
// do the same for values spelled by any function over 0..count-1 (a system index and its
// SystemName).
//
// The names are report and wire spelling, so a published table never changes order or text.
// Name() of a value outside the table is "?". Constant tables and pure functions; safe from
// any thread.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lockstep::model {

// "a", "a or b", "a, b or c": name(0)..name(count-1) as alternatives, for error messages.
template <class Namer>
std::string Alternatives(int count, Namer name) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    if (i > 0) out += i + 1 == count ? " or " : ", ";
    out += name(i);
  }
  return out;
}

// The first i of 0..count-1 whose name(i) is `text`, as a T; nullopt if there is none.
template <class T, class Namer>
std::optional<T> FindNamed(std::string_view text, int count, Namer name) {
  for (int i = 0; i < count; ++i) {
    if (text == name(i)) return static_cast<T>(i);
  }
  return std::nullopt;
}

// FindNamed, or a failure "unknown <what> '<text>' (expected <Alternatives>)".
template <class T, class Namer>
Result<T> ParseNamed(std::string_view text, std::string_view what, int count, Namer name) {
  if (auto v = FindNamed<T>(text, count, name)) return *v;
  return Fail("unknown " + std::string(what) + " '" + std::string(text) + "' (expected " +
              Alternatives(count, name) + ")");
}

template <class E, std::size_t N>
struct EnumNames {
  std::array<const char*, N> names;  // names[i] spells static_cast<E>(i)

  static constexpr int size() { return static_cast<int>(N); }
  constexpr const char* Name(E e) const {
    const auto i = static_cast<std::size_t>(e);
    return i < N ? names[i] : "?";
  }
  std::optional<E> Find(std::string_view text) const { return FindNamed<E>(text, size(), At()); }
  Result<E> Parse(std::string_view text, std::string_view what) const {
    return ParseNamed<E>(text, what, size(), At());
  }

 private:
  constexpr auto At() const {
    return [this](int i) { return names[static_cast<std::size_t>(i)]; };
  }
};

// The table of E's names in value order, its size taken from the names:
// MakeEnumNames<Dir>("temp", "data").
template <class E, class... Names>
constexpr EnumNames<E, sizeof...(Names)> MakeEnumNames(Names... names) {
  return {{names...}};
}

}  // namespace lockstep::model
