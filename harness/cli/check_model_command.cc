// lockstep check-model: exhaustive explicit-state search of a protocol's model within bounds
// (model/explore/explorer.h), optionally of a broken variant that the search must catch, with
// the figures of the search, a shortest counterexample and its reproduce string.
//
// Each registered protocol (harness/protocols.h) brings its model's bounds, variants and search.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "harness/cli/cli_support.h"
#include "harness/cli/subcommands.h"
#include "harness/protocols.h"
#include "model/explore/coverage.h"
#include "model/explore/explorer.h"

namespace lockstep::harness::cli {

namespace po = boost::program_options;
namespace ex = lockstep::model::explore;

namespace {

std::uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

double PerSecond(std::uint64_t n, double seconds) { return seconds > 0 ? n / seconds : 0; }

nlohmann::json ToJson(const std::string& protocol, const ModelCheck& o, bool symmetry) {
  const ex::ExploreStats& s = o.result.stats;
  nlohmann::json j{{"protocol", protocol}, {"variant", o.variant}, {"bounds", o.bounds},
                   {"symmetry", symmetry}, {"complete", o.result.complete},
                   {"verdict", o.result.violation ? "failed" : "passed"},
                   {"states_visited", s.states_generated}, {"distinct_states", s.distinct_states},
                   {"transitions", s.transitions}, {"depth", s.max_depth},
                   {"seconds", o.seconds},
                   {"states_per_second", PerSecond(s.states_generated, o.seconds)},
                   {"distinct_states_per_second", PerSecond(s.distinct_states, o.seconds)},
                   {"memory", {{"table_bytes", s.table_bytes},
                               {"peak_frontier_states", s.peak_frontier},
                               {"rss_bytes", ResidentBytes()}}}};
  if (const auto& v = o.result.violation) {
    j["violation"] = {{"property", v->finding.property_id},
                      {"property_name", v->finding.property_name},
                      {"properties", v->finding.violated},
                      {"message", v->finding.message}, {"path", v->path},
                      {"reproduce", o.reproduce}};
  }
  return j;
}

void PrintText(const std::string& protocol, const ModelCheck& o, bool symmetry) {
  const ex::ExploreStats& s = o.result.stats;
  std::cout << "check-model " << protocol << " (variant " << o.variant << ", symmetry "
            << (symmetry ? "on" : "off") << ")\nbounds           " << o.bounds
            << "\nstates visited   " << s.states_generated << "\ndistinct states  "
            << s.distinct_states << "\ntransitions      " << s.transitions
            << "\ndepth            " << s.max_depth << "\ntime             " << std::fixed
            << std::setprecision(2) << o.seconds << " s\nstates/second    " << std::setprecision(0)
            << PerSecond(s.states_generated, o.seconds) << " visited, "
            << PerSecond(s.distinct_states, o.seconds) << " distinct\nmemory           "
            << std::setprecision(1) << s.table_bytes / 1048576.0 << " MiB fingerprint table, "
            << s.peak_frontier << " states in the peak frontier, "
            << ResidentBytes() / 1048576.0 << " MiB resident\n";
  if (!o.result.complete) std::cout << "STOPPED at --max-states: the search is incomplete\n";
  const auto& v = o.result.violation;
  if (!v) {
    std::cout << "every invariant held in every state reached\n";
    return;
  }
  std::cout << "VIOLATION " << v->finding.property_id << " " << v->finding.property_name << ": "
            << v->finding.message << "\nproperties violated in that state:";
  for (const std::string& id : v->finding.violated) std::cout << " " << id;
  std::cout << "\nshortest path (" << v->path.size() << " steps):\n";
  for (std::size_t i = 0; i < v->path.size(); ++i) {
    std::cout << "  " << i + 1 << ". " << v->path[i] << "\n";
  }
  std::cout << "reproduce on the real processes:\n  lockstep replay --reproduce '"
            << o.reproduce << "'\n";
}

int ListVariants(bool as_json) {
  auto list = nlohmann::json::array();
  for (const ProtocolPlugin* p : Protocols()) {
    for (const VariantInfo& v : p->variants()) {
      list.push_back({{"name", v.name}, {"protocol", p->name()}, {"property", v.property}});
      if (!as_json) {
        std::cout << std::left << std::setw(32) << v.name << std::setw(16) << p->name()
                  << v.property << "\n";
      }
    }
  }
  if (as_json) std::cout << list.dump(2) << "\n";
  return kExitPassed;
}

void SaveCoverage(const std::string& path, const ex::CoverageSet& set) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << ex::SerializeCoverage(set);
  out.close();
  if (!out) throw UsageError("cannot write coverage file " + path + ": check the directory");
}

}  // namespace

int CheckModelMain(int argc, char** argv) {
  std::string protocol, save_coverage;
  bool as_json = false, no_symmetry = false, list_variants = false;
  ModelCheckRequest request;
  std::string bounds_help = "bounds overriding the defaults, e.g.";
  for (const ProtocolPlugin* p : Protocols()) {
    bounds_help += " " + p->bounds_help() + " (" + p->name() + ")";
  }
  po::options_description o(
      "lockstep check-model --protocol P [--bounds B] [--variant NAME] [options]\n\n"
      "Exhaustive breadth-first search of every model state reachable within the bounds; "
      "checks every invariant and prints a shortest path to the first violation");
  o.add_options()("help,h", "this help")
      ("protocol", po::value(&protocol), "protocol whose model to search")
      ("bounds", po::value(&request.bounds), bounds_help.c_str())
      ("variant", po::value(&request.variant), "a broken variant to search (see --list-variants)")
      ("no-symmetry", po::bool_switch(&no_symmetry), "turn symmetry reduction off")
      ("max-states", po::value(&request.options.max_states), "stop after this many distinct states")
      ("save-coverage", po::value(&save_coverage), "write the reachable abstract states and "
       "transitions to FILE")
      ("list-variants", po::bool_switch(&list_variants), "list the broken variants and the "
       "property each must break")
      ("json", po::bool_switch(&as_json), "one JSON object (an array for --list-variants)");
  if (!ParseArgs(argc, argv, o)) return kExitPassed;
  if (list_variants) return ListVariants(as_json);
  if (protocol.empty()) throw UsageError("--protocol is required");
  const ProtocolPlugin& plugin = ProtocolOrThrow(protocol);
  request.options.symmetry = !no_symmetry;
  request.options.collect_coverage = !save_coverage.empty();
  if (!save_coverage.empty()) {  // before the search, which may take minutes
    if (auto s = CheckWritable(save_coverage, "coverage file"); !s) {
      throw UsageError("--save-coverage " + save_coverage + ": " + s.error().message);
    }
  }
  auto checked = plugin.CheckModel(request);
  if (!checked) {
    throw UsageError(checked.error().message);
  }
  const ModelCheck& outcome = *checked;
  if (!save_coverage.empty()) SaveCoverage(save_coverage, outcome.result.coverage);
  if (as_json) {
    std::cout << ToJson(protocol, outcome, request.options.symmetry).dump(2) << "\n";
  } else {
    PrintText(protocol, outcome, request.options.symmetry);
  }
  return outcome.result.violation ? kExitFailed : kExitPassed;
}

}  // namespace lockstep::harness::cli
