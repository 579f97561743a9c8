// Command grammars as rules (model/common/command_text.h).
#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <string>
#include <variant>

#include "model/common/command_text.h"

namespace lockstep::model {
namespace {

struct Go {
  int to = 0;
  std::optional<int> speed;
};
struct Stop {};
using Cmd = std::variant<Go, Stop>;

Result<int> ParseDigit(const std::string& s) {
  if (s.size() == 1 && s[0] >= '0' && s[0] <= '9') return s[0] - '0';
  return Fail("bad digit '" + s + "'");
}

const CommandRule<Cmd> kRules[] = {
    {"Go(N[, speed=N])", std::regex(R"(Go\((\w+)(?:, speed=(\w+))?\))"),
     [](const std::smatch& m) -> Result<Cmd> {
       return Build<Go>(ParseDigit(m[1].str()), ParseIfMatched(m[2], ParseDigit));
     }},
    {"Stop()", std::regex(R"(Stop\(\))"), [](const std::smatch&) -> Result<Cmd> { return Stop{}; }},
};

TEST(ParseByRules, BuildsWithTheRuleThatMatches) {
  const auto go = ParseByRules<Cmd>("Go(3, speed=7)", kRules, "toy");
  ASSERT_TRUE(go.has_value()) << go.error().message;
  ASSERT_TRUE(std::holds_alternative<Go>(*go));
  EXPECT_EQ(std::get<Go>(*go).to, 3);
  EXPECT_EQ(std::get<Go>(*go).speed, 7);
  const auto plain = ParseByRules<Cmd>("Go(4)", kRules, "toy");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(std::get<Go>(*plain).speed, std::nullopt);
  EXPECT_TRUE(std::holds_alternative<Stop>(ParseByRules<Cmd>("Stop()", kRules, "toy").value()));
}

TEST(ParseByRules, ReportsTheBuildersFailure) {
  EXPECT_EQ(ParseByRules<Cmd>("Go(x)", kRules, "toy").error().message, "bad digit 'x'");
  EXPECT_EQ(ParseByRules<Cmd>("Go(1, speed=fast)", kRules, "toy").error().message,
            "bad digit 'fast'");
}

TEST(ParseByRules, ListsTheFormsWhenNothingMatches) {
  for (const char* text : {"", "Go()", "Go(1) ", "Stop(1)", "go(1)"}) {
    const auto r = ParseByRules<Cmd>(text, kRules, "toy");
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().message, std::string("not a toy command: '") + text +
                                     "' (expected Go(N[, speed=N]) or Stop())");
  }
}

// Text longer than kMaxCommandText is refused before any pattern sees it: std::regex
// recursion once overflowed the stack on a 40,000-character step.
TEST(ParseByRules, RefusesTextLongerThanTheLimitWithoutMatching) {
  const std::string huge = "Go(" + std::string(100'000, '1') + ")";
  const auto r = ParseByRules<Cmd>(huge, kRules, "toy");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("is 100004 characters long (at most 1024)"), std::string::npos)
      << r.error().message;
  EXPECT_LT(r.error().message.size(), 200u) << "the message quotes only the start";
  const std::string limit = "Go(" + std::string(kMaxCommandText - 4, '1') + ")";
  EXPECT_EQ(ParseByRules<Cmd>(limit, kRules, "toy").error().message, "bad digit '" +
            std::string(kMaxCommandText - 4, '1') + "'") << "text at the limit is still parsed";
}

struct Triple {
  int a;
  std::string b;
  int c;
};

TEST(Build, TakesPlainValuesAndKeepsTheFirstFailure) {
  const auto ok = Build<Triple>(Result<int>(1), std::string("x"), 3);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->a, 1);
  EXPECT_EQ(ok->b, "x");
  EXPECT_EQ(ok->c, 3);
  const Result<int> first = Fail("first"), second = Fail("second");
  EXPECT_EQ(Build<Triple>(first, std::string("x"), second).error().message, "first");
  EXPECT_EQ(Build<Triple>(Result<int>(1), std::string("x"), second).error().message, "second");
}

}  // namespace
}  // namespace lockstep::model
