// Budgets (model/explore/budget.h) and the generic search model (model/explore/search_model.h)
// over a toy protocol: two counters a and b, Inc of either and Reset of both, searched by the
// explorer under a budget of increments and resets.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "model/common/invariants.h"
#include "model/explore/budget.h"
#include "model/explore/explorer.h"
#include "model/explore/search_model.h"
#include "model/explore/search_model_impl.h"

namespace lockstep::model::toy {

struct State {
  int a = 0, b = 0;
  bool operator==(const State&) const = default;
};
struct Inc {
  bool of_b = false;
};
struct Reset {};
using Command = std::variant<Inc, Reset>;
struct Bounds {
  int incs = 2, resets = 1;
};
struct Config {
  int step = 1;
};
struct Budget {
  std::uint8_t incs = 0, resets = 0;
  bool operator==(const Budget&) const = default;
};

// The vocabulary SearchModel finds by argument-dependent lookup.
void Apply(State& s, const Command& c, const Config& config) {
  if (const auto* inc = std::get_if<Inc>(&c)) {
    (inc->of_b ? s.b : s.a) += config.step;
  } else {
    s = {};
  }
}
std::string Describe(const Command& c) {
  if (const auto* inc = std::get_if<Inc>(&c)) return inc->of_b ? "Inc(b)" : "Inc(a)";
  return "Reset()";
}
std::string AbstractEncode(const State& s) { return std::to_string(s.a + s.b); }
std::uint32_t CommandKind(const Command& c) { return static_cast<std::uint32_t>(c.index()); }

std::optional<std::string> AAtMostOne(const State& s) {
  if (s.a <= 1) return std::nullopt;
  return "a is " + std::to_string(s.a);
}
std::optional<std::string> SumAtMostOne(const State& s) {
  if (s.a + s.b <= 1) return std::nullopt;
  return "a + b is " + std::to_string(s.a + s.b);
}
constexpr std::array<PropertyInfo, 2> kToyProperties{{{"T-1", "a small"}, {"T-2", "sum small"}}};

struct ToySearch {
  static constexpr explore::BudgetCounter<Budget, Bounds> kCounters[] = {
      {&Budget::incs, &Bounds::incs},
      {&Budget::resets, &Bounds::resets},
  };
  static State Initial(const Config&) { return {}; }
  static Budget Cost(const State&, const Command& c) {
    Budget cost;
    (std::holds_alternative<Inc>(c) ? cost.incs : cost.resets) = 1;
    return cost;
  }
  // Reset only when there is something to reset.
  static bool Enabled(const State& s, const Command& c) {
    return !std::holds_alternative<Reset>(c) || s.a + s.b > 0;
  }
  // Canonical: a and b are symmetric.
  static std::string Encode(const State& s, const Bounds&, bool canonical) {
    const auto [x, y] = canonical ? std::minmax(s.a, s.b) : std::pair<const int&, const int&>(s.a, s.b);
    return std::to_string(x) + "," + std::to_string(y);
  }
  static const std::vector<InvariantOf<State>>& Invariants() {
    static const auto kTable = InvariantTable<State>(kToyProperties, {AAtMostOne, SumAtMostOne});
    return kTable;
  }
};

class ToyModel : public explore::SearchModel<ToySearch, State, Budget, Command, Bounds, Config> {
 public:
  explicit ToyModel(const Bounds& b) : SearchModel(b, Config{}, {Inc{false}, Inc{true}, Reset{}}) {}
};

}  // namespace lockstep::model::toy

template class lockstep::model::explore::SearchModel<
    lockstep::model::toy::ToySearch, lockstep::model::toy::State, lockstep::model::toy::Budget,
    lockstep::model::toy::Command, lockstep::model::toy::Bounds, lockstep::model::toy::Config>;

namespace lockstep::model::toy {
namespace {

constexpr auto& kCounters = ToySearch::kCounters;

TEST(Budget, AffordableOnlyWhatStaysWithinTheLimits) {
  const Bounds limits{2, 1};
  EXPECT_TRUE(explore::Affordable(Budget{1, 0}, Budget{1, 0}, limits, kCounters));
  EXPECT_FALSE(explore::Affordable(Budget{2, 0}, Budget{1, 0}, limits, kCounters));
  EXPECT_FALSE(explore::Affordable(Budget{0, 1}, Budget{1, 1}, limits, kCounters));
  // A counter the command does not spend may be used up.
  EXPECT_TRUE(explore::Affordable(Budget{2, 1}, Budget{0, 0}, limits, kCounters));
  EXPECT_FALSE(explore::Affordable(Budget{0, 0}, Budget{0, 1}, Bounds{2, 0}, kCounters));
}

TEST(Budget, ChargeAddsAndAppendUsedEncodesInListOrder) {
  Budget used{1, 0};
  explore::Charge(used, Budget{1, 1}, kCounters);
  EXPECT_EQ(used, (Budget{2, 1}));
  std::string out = "x";
  explore::AppendUsed(out, used, kCounters);
  EXPECT_EQ(out, std::string("x\x02\x01"));
}

TEST(SearchModel, SuccessorsAreTheAffordableEnabledCommandsInOrder) {
  const ToyModel m(Bounds{2, 1});
  std::vector<std::uint32_t> out{7};
  m.Successors(m.Initial(), out);
  EXPECT_EQ(out, (std::vector<std::uint32_t>{0, 1}));  // no Reset of nothing
  m.Successors({State{1, 0}, Budget{1, 0}}, out);
  EXPECT_EQ(out, (std::vector<std::uint32_t>{0, 1, 2}));
  m.Successors({State{1, 1}, Budget{2, 0}}, out);
  EXPECT_EQ(out, (std::vector<std::uint32_t>{2}));
  m.Successors({State{1, 1}, Budget{2, 1}}, out);
  EXPECT_TRUE(out.empty());
}

TEST(SearchModel, ApplyChargesThenApplies) {
  const ToyModel m(Bounds{});
  explore::SearchStateOf<State, Budget> s = m.Initial();
  m.Apply(s, m.Alphabet()[1]);
  EXPECT_EQ(s, (explore::SearchStateOf<State, Budget>{State{0, 1}, Budget{1, 0}}));
  m.Apply(s, m.Alphabet()[2]);
  EXPECT_EQ(s, (explore::SearchStateOf<State, Budget>{State{}, Budget{1, 1}}));
}

TEST(SearchModel, EncodeIsTheModelsThenTheBudget) {
  const ToyModel m(Bounds{});
  const explore::SearchStateOf<State, Budget> s{State{2, 1}, Budget{2, 1}};
  EXPECT_EQ(m.Encode(s, false), std::string("2,1|\x02\x01"));
  EXPECT_EQ(m.Encode(s, true), std::string("1,2|\x02\x01"));
}

TEST(SearchModel, CheckListsEveryViolatedInvariant) {
  const ToyModel m(Bounds{});
  EXPECT_EQ(m.Check({State{1, 0}, {}}), std::nullopt);
  const auto v = m.Check({State{2, 0}, {}});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->property_id, "T-1");
  EXPECT_EQ(v->message, "a is 2");
  EXPECT_EQ(v->violated, (std::vector<std::string>{"T-1", "T-2"}));
  EXPECT_EQ(m.Check({State{1, 1}, {}})->violated, (std::vector<std::string>{"T-2"}));
}

TEST(SearchModel, VocabularyComesFromTheProtocol) {
  const ToyModel m(Bounds{});
  EXPECT_EQ(m.Describe(Reset{}), "Reset()");
  EXPECT_EQ(m.AbstractEncode({State{2, 1}, {}}), "3");
  EXPECT_EQ(m.CommandKind(Reset{}), 1u);
  EXPECT_EQ(m.bounds().incs, 2);
  EXPECT_EQ(m.config().step, 1);
}

TEST(SearchModel, ExploresWithinTheBudget) {
  static_assert(explore::ExplorableModel<ToyModel>);
  explore::ExploreOptions plain;
  plain.symmetry = false;
  // incs=1: (0,0) -> (1,0), (0,1) -> Reset -> (0,0) with the reset used.
  const auto r = explore::Explore(ToyModel(Bounds{1, 1}), plain);
  EXPECT_FALSE(r.violation.has_value());
  EXPECT_EQ(r.stats.distinct_states, 4u);
  const auto sym = explore::Explore(ToyModel(Bounds{1, 1}));
  EXPECT_EQ(sym.stats.distinct_states, 3u);
  // incs=2: Inc(a) twice breaks both invariants, found at depth 2.
  const auto broken = explore::Explore(ToyModel(Bounds{2, 1}));
  ASSERT_TRUE(broken.violation.has_value());
  EXPECT_EQ(broken.violation->path, (std::vector<std::string>{"Inc(a)", "Inc(a)"}));
  EXPECT_EQ(broken.violation->finding.violated, (std::vector<std::string>{"T-1", "T-2"}));
}

}  // namespace
}  // namespace lockstep::model::toy
