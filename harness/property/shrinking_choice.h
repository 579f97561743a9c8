// ChoiceShrinkingToFirst: a uniform choice among values that shrinks to the first one, and only
// to it. RapidCheck's gen::elementOf never shrinks (its value is shrinkable::just), and
// gen::inRange scales with the size parameter (short sequences would see only the first few
// values) and shrinks through every smaller index. Lists whose first value is "no setting"
// (no crash point armed) use it so that a setting that did not take effect (a crash point
// that never fired) is shrunk away at the cost of one candidate run, while one the failure
// needs stays (issue 13: shrunk counterexamples carried unfired crash points).
//
// REQUIRES: values is not empty. Thread safety: the generator is immutable.
#pragma once

#include <vector>

#include <rapidcheck.h>

namespace lockstep::harness {

template <class T>
rc::Gen<T> ChoiceShrinkingToFirst(std::vector<T> values) {
  return [values = std::move(values)](const rc::Random& random, int /*size*/) {
    if (values.empty()) throw rc::GenerationFailure("no value to choose from");
    const T& chosen = values[rc::Random(random).next() % values.size()];
    if (chosen == values.front()) return rc::shrinkable::just(chosen);
    return rc::shrinkable::just(chosen, rc::seq::just(rc::shrinkable::just(values.front())));
  };
}

}  // namespace lockstep::harness
