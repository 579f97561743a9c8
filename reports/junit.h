// JUnit XML export of a lockstep report (`lockstep report junit`), for CI systems that show
// JUnit results. One <testsuite name="lockstep.<protocol>"> per protocol, in report order,
// holding one <testcase> per property of that protocol:
//   classname "lockstep.<protocol>", name "<id> <name>", time in seconds: the property's share
//   of its protocol's time, so a suite's testcases add up to the suite's time, which is its
//   protocol's search time; <testsuites>' time is the report's wall time (summary stop -
//   start; for a campaign, whose workers run in parallel, less than the suites' sum), else
//   the suites' sum. Each suite carries the run's start as `timestamp` (UTC, ISO 8601 without
//   a zone, as the JUnit schema has it) and `hostname`;
//   passed but truncated -> a passed testcase whose <system-out> says why;
//   failed -> <failure message="reason"> whose body starts with the replay command
//             ("reproduce: lockstep replay --reproduce '...'"), then the seed and the shrunk
//             counterexample, where CI systems show it;
//   other  -> <error message="reason"> (not decided: gave up, timeout, harness error).
// Run facts (seed, model revision, impl version, fault mechanisms) go into each suite's
// <properties>.
// All text is XML-escaped; characters XML 1.0 cannot carry become U+FFFD.
//
// Thread safety: pure function over values. Never throws; a damaged report renders with
// empty fields (see reports/from_ctrf.h).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace lockstep::reports {

std::string ToJUnitXml(const nlohmann::json& ctrf);

}  // namespace lockstep::reports
