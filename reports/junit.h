// JUnit XML export of a lockstep report (`lockstep report junit`), for CI systems that show
// JUnit results. One <testsuite name="lockstep"> holding one <testcase> per property:
//   classname "lockstep.<protocol>", name "<id> <name>", time in seconds: the property's share
//   of its protocol's time, so a run's testcases add up to its wall time; the suite's (and
//   <testsuites>') time is the report's wall time (summary stop - start), else that sum;
//   passed but truncated -> a passed testcase whose <system-out> says why;
//   failed -> <failure message="reason"> whose body starts with the replay command
//             ("reproduce: lockstep replay --reproduce '...'"), then the seed and the shrunk
//             counterexample, where CI systems show it;
//   other  -> <error message="reason"> (not decided: gave up, timeout, harness error).
// Run facts (seed, model revision, impl version, fault mechanisms) go into <properties>.
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
