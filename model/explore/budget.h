// Budgets of a bounded search. A search state carries how much of each bounded kind of command
// it has used, as a protocol's Budget struct of std::uint8_t counters; the protocol's Bounds say
// how much of each may be used. The protocol lists its counters once, each with the Bounds field
// that bounds it, and says what one command costs (a Budget of 0s and 1s); these functions decide,
// charge and encode by that list, so the same list serves the successor filter, the transition
// and the state encoding.
//
// REQUIRES: every limit at most 255 (ParseBounds caps them at 250), so a counter never wraps.
// Pure functions over plain values; no allocation; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lockstep::model::explore {

template <class Budget, class Bounds>
struct BudgetCounter {
  std::uint8_t Budget::*used;  // &Budget::crashes
  int Bounds::*limit;          // &Bounds::crashes
};

// Whether `cost` fits in what is left: every counter it spends stays within its limit.
template <class Budget, class Bounds, std::size_t N>
constexpr bool Affordable(const Budget& used, const Budget& cost, const Bounds& bounds,
                          const BudgetCounter<Budget, Bounds> (&counters)[N]) {
  for (const auto& k : counters) {
    if (cost.*k.used != 0 && used.*k.used + cost.*k.used > bounds.*k.limit) return false;
  }
  return true;
}

// Adds `cost` to `used`. REQUIRES: Affordable(used, cost, ...).
template <class Budget, class Bounds, std::size_t N>
constexpr void Charge(Budget& used, const Budget& cost,
                      const BudgetCounter<Budget, Bounds> (&counters)[N]) {
  for (const auto& k : counters) used.*k.used = static_cast<std::uint8_t>(used.*k.used + cost.*k.used);
}

// Appends one byte per counter, in list order (part of the search state's encoding).
template <class Budget, class Bounds, std::size_t N>
void AppendUsed(std::string& out, const Budget& used,
                const BudgetCounter<Budget, Bounds> (&counters)[N]) {
  for (const auto& k : counters) out += static_cast<char>(used.*k.used);
}

}  // namespace lockstep::model::explore
