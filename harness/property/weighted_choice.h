// WeightedChoice: rc::gen::weightedOneOf for a list of options built at run time (RapidCheck's
// takes an initializer_list). One ticket per unit of weight, drawn uniformly with
// gen::elementOf (gen::inRange would scale with the size parameter and starve short
// sequences of variety). The option drawn does not shrink (gen::elementOf never does): a
// command shrinks by removal and through its own arguments.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include <rapidcheck.h>

namespace lockstep::harness {

template <class T>
rc::Gen<T> WeightedChoice(std::vector<std::pair<std::size_t, rc::Gen<T>>> options) {
  std::vector<std::size_t> tickets;
  for (std::size_t i = 0; i < options.size(); ++i) {
    tickets.insert(tickets.end(), options[i].first, i);
  }
  return rc::gen::mapcat(rc::gen::elementOf(tickets),
                         [options = std::move(options)](std::size_t i) { return options[i].second; });
}

}  // namespace lockstep::harness
