// Deadline-bounded waiting: the only way lockstep waits for a condition.
//
// A wait is always a poll against a deadline, never a blind sleep: PollUntil checks the
// condition first (so an already-true condition costs no sleep), then sleeps with a short
// exponential backoff (200 us doubling up to 10 ms) so that fast conditions are seen quickly
// and slow ones do not burn a CPU.
//
// Thread safety: PollUntil is reentrant; cond() runs on the calling thread only.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace lockstep::harness {

using Clock = std::chrono::steady_clock;

// Polls cond() until it returns true or `timeout` has passed; returns whether it became true.
// cond() is evaluated at least once, and once more at (or just after) the deadline, so a
// condition that became true during the last sleep is not reported as a timeout.
// REQUIRES: cond is callable as bool() and has no side effect the caller would not repeat.
template <class Cond>
bool PollUntil(Cond&& cond, std::chrono::milliseconds timeout) {
  using std::chrono::microseconds;
  constexpr microseconds kFirstBackoff{200};
  constexpr microseconds kMaxBackoff{10'000};
  const Clock::time_point deadline = Clock::now() + timeout;
  microseconds backoff = kFirstBackoff;
  while (true) {
    if (cond()) return true;
    const Clock::time_point now = Clock::now();
    if (now >= deadline) return false;
    const auto left = std::chrono::duration_cast<microseconds>(deadline - now);
    std::this_thread::sleep_for(std::min(backoff, left + microseconds{1}));
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

}  // namespace lockstep::harness
