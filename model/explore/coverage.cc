#include "model/explore/coverage.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <sstream>

#include "model/explore/fingerprint.h"

namespace lockstep::model::explore {
namespace {

std::vector<std::uint64_t> HitsIn(const std::vector<std::uint64_t>& sorted,
                                  const std::set<std::uint64_t>& xs) {
  std::vector<std::uint64_t> hits;
  std::set_intersection(sorted.begin(), sorted.end(), xs.begin(), xs.end(),
                        std::back_inserter(hits));
  return hits;
}

void WriteList(std::ostringstream& out, const char* name, const std::vector<std::uint64_t>& xs) {
  out << name << ' ' << xs.size() << '\n' << std::hex;
  for (std::uint64_t x : xs) out << x << '\n';
  out << std::dec;
}

Status ReadList(std::istringstream& in, const std::string& name, std::vector<std::uint64_t>& xs) {
  std::string word;
  std::size_t n = 0;
  if (!(in >> word >> n) || word != name) {
    return std::unexpected(Error{"coverage file: expected '" + name + " <count>'"});
  }
  xs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string hex;
    std::uint64_t x = 0;
    if (!(in >> hex) ||
        std::from_chars(hex.data(), hex.data() + hex.size(), x, 16).ec != std::errc{}) {
      return std::unexpected(Error{"coverage file: bad " + name + " entry " + std::to_string(i)});
    }
    xs.push_back(x);
  }
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  return {};
}

}  // namespace

std::uint64_t TransitionKey(std::uint64_t from, std::uint64_t to, std::uint32_t command_kind) {
  return Combine(from, to, command_kind);
}

CoverageCount CountHits(const CoverageSet& reachable, const std::set<std::uint64_t>& visited_states,
                        const std::set<std::uint64_t>& visited_transitions) {
  CoverageCount c;
  c.states_total = reachable.states.size();
  c.transitions_total = reachable.transitions.size();
  c.state_keys = HitsIn(reachable.states, visited_states);
  c.transition_keys = HitsIn(reachable.transitions, visited_transitions);
  c.states_hit = c.state_keys.size();
  c.transitions_hit = c.transition_keys.size();
  return c;
}

std::string SerializeCoverage(const CoverageSet& set) {
  std::ostringstream out;
  out << "lockstep-coverage 1\nprotocol " << set.protocol << "\nbounds " << set.bounds << '\n';
  WriteList(out, "states", set.states);
  WriteList(out, "transitions", set.transitions);
  return out.str();
}

Result<CoverageSet> ParseCoverage(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != "lockstep-coverage 1") {
    return std::unexpected(Error{"coverage file: first line is not 'lockstep-coverage 1'"});
  }
  CoverageSet set;
  if (!std::getline(in, line) || line.rfind("protocol ", 0) != 0) {
    return std::unexpected(Error{"coverage file: second line is not 'protocol <name>'"});
  }
  set.protocol = line.substr(9);
  if (!std::getline(in, line) || line.rfind("bounds ", 0) != 0) {
    return std::unexpected(Error{"coverage file: third line is not 'bounds <text>'"});
  }
  set.bounds = line.substr(7);
  if (auto s = ReadList(in, "states", set.states); !s) return std::unexpected(s.error());
  if (auto s = ReadList(in, "transitions", set.transitions); !s) return std::unexpected(s.error());
  return set;
}

}  // namespace lockstep::model::explore
