// lockstep check-model: exhaustive explicit-state search of a protocol's model within bounds
// (model/explore/explorer.h), optionally of a broken variant that the search must catch, with
// the figures of the search, a shortest counterexample and its reproduce string.
//
// Protocols are listed in kCheckers, each binding its model's bounds, variants and search.
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
#include "harness/property/reproduce.h"
#include "model/explore/coverage.h"
#include "model/explore/explorer.h"
#include "model/resync/explore.h"
#include "model/resync/variants.h"
#include "model/state_transfer/explore.h"
#include "model/state_transfer/variants.h"

namespace lockstep::harness::cli {

namespace po = boost::program_options;
namespace ex = lockstep::model::explore;

namespace {

struct CheckRequest {
  std::string bounds;   // "name=value,..." overriding the protocol's defaults
  std::string variant;  // "" or "correct" for the correct model
  ex::ExploreOptions options;
};

struct CheckOutcome {
  std::string bounds;   // the bounds searched, in full
  std::string variant;
  ex::ExploreResult result;
  double seconds = 0;
  RunSettings replay_settings;  // for the reproduce string
};

struct VariantEntry {
  std::string name, property;
};

struct Checker {
  std::string protocol;
  std::function<std::vector<VariantEntry>()> variants;
  std::function<CheckOutcome(const CheckRequest&)> check;  // throws UsageError
};

// The variant `request` names ("correct" when none), looked up by `find`; a usage error
// naming it when `protocol` has no such variant.
template <class Find>
auto FindVariantOrThrow(const CheckRequest& request, const std::string& protocol, Find find) {
  const std::string name = request.variant.empty() ? "correct" : request.variant;
  auto variant = find(name);
  if (!variant) {
    throw UsageError("unknown variant '" + name + "' for " + protocol +
                     " (lockstep check-model --list-variants lists them)");
  }
  return *variant;
}

// Runs the search over `model`, timing it, and labels the result and its coverage set.
template <class Model>
CheckOutcome Search(const Model& model, const std::string& protocol, std::string bounds,
                    const CheckRequest& request) {
  CheckOutcome out;
  out.bounds = std::move(bounds);
  out.variant = request.variant.empty() ? "correct" : request.variant;
  const auto started = std::chrono::steady_clock::now();
  out.result = ex::Explore(model, request.options);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.result.coverage.protocol = protocol;
  out.result.coverage.bounds = out.bounds;
  return out;
}

CheckOutcome CheckStateTransfer(const CheckRequest& request) {
  namespace st = lockstep::model::st;
  auto bounds = st::ParseBounds(request.bounds);
  if (!bounds) throw UsageError(bounds.error().message);
  const auto variant = FindVariantOrThrow(request, "state-transfer",
                                          [](const std::string& n) { return st::FindVariant(n); });
  CheckOutcome out = Search(st::StExploreModel(*bounds, variant.variant), "state-transfer",
                            st::ToString(*bounds), request);
  out.replay_settings.log_capacity = static_cast<std::size_t>(bounds->log_capacity);
  return out;
}

// The path replays with the default RunSettings: three systems (a two-system path never
// starts SYSTEM75, which the model then holds down throughout, as the search did).
CheckOutcome CheckResync(const CheckRequest& request) {
  namespace rs = lockstep::model::rs;
  auto bounds = rs::ParseBounds(request.bounds);
  if (!bounds) throw UsageError(bounds.error().message);
  const auto variant = FindVariantOrThrow(request, "resync",
                                          [](const std::string& n) { return rs::FindVariant(n); });
  return Search(rs::RsExploreModel(*bounds, variant.variant), "resync", rs::ToString(*bounds),
                request);
}

const std::vector<Checker>& Checkers() {
  static const std::vector<Checker> kCheckers{
      {"state-transfer",
       [] {
         std::vector<VariantEntry> v;
         for (const auto& info : lockstep::model::st::BrokenVariants()) {
           v.push_back({info.name, info.property});
         }
         return v;
       },
       CheckStateTransfer},
      {"resync",
       [] {
         std::vector<VariantEntry> v;
         for (const auto& info : lockstep::model::rs::BrokenVariants()) {
           v.push_back({info.name, info.property});
         }
         return v;
       },
       CheckResync},
  };
  return kCheckers;
}

const Checker& FindChecker(const std::string& protocol) {
  std::string known;
  for (const Checker& c : Checkers()) {
    if (c.protocol == protocol) return c;
    known += (known.empty() ? "" : ", ") + c.protocol;
  }
  throw UsageError("no model to check for protocol '" + protocol + "' (known: " + known + ")");
}

std::uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

double PerSecond(std::uint64_t n, double seconds) { return seconds > 0 ? n / seconds : 0; }

std::string Reproduce(const std::string& protocol, const CheckOutcome& o) {
  return EncodeReproduce(protocol, o.replay_settings, o.result.violation->path);
}

nlohmann::json ToJson(const std::string& protocol, const CheckOutcome& o, bool symmetry) {
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
                      {"reproduce", Reproduce(protocol, o)}};
  }
  return j;
}

void PrintText(const std::string& protocol, const CheckOutcome& o, bool symmetry) {
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
            << Reproduce(protocol, o) << "'\n";
}

int ListVariants(bool as_json) {
  auto list = nlohmann::json::array();
  for (const Checker& c : Checkers()) {
    for (const VariantEntry& v : c.variants()) {
      list.push_back({{"name", v.name}, {"protocol", c.protocol}, {"property", v.property}});
      if (!as_json) {
        std::cout << std::left << std::setw(32) << v.name << std::setw(16) << c.protocol
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
  CheckRequest request;
  po::options_description o(
      "lockstep check-model --protocol P [--bounds B] [--variant NAME] [options]\n\n"
      "Exhaustive breadth-first search of every model state reachable within the bounds; "
      "checks every invariant and prints a shortest path to the first violation");
  o.add_options()("help,h", "this help")
      ("protocol", po::value(&protocol), "protocol whose model to search (state-transfer, resync)")
      ("bounds", po::value(&request.bounds),
       "bounds overriding the defaults, e.g. inputs=3,crashes=1,faults=2,starts=4,keys=2,"
       "values=2,log-capacity=2 (state-transfer) or systems=3,transactions=2,reads=1,crashes=1,"
       "starts=4,formats=1,replies=1,faults=0,keys=1,values=1 (resync)")
      ("variant", po::value(&request.variant), "a broken variant to search (see --list-variants)")
      ("no-symmetry", po::bool_switch(&no_symmetry), "turn symmetry reduction off")
      ("max-states", po::value(&request.options.max_states), "stop after this many distinct states")
      ("save-coverage", po::value(&save_coverage), "write the reachable abstract states and "
       "transitions to FILE")
      ("list-variants", po::bool_switch(&list_variants), "list the broken variants and the "
       "property each must break")
      ("json", po::bool_switch(&as_json), "one JSON object (an array for --list-variants)");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, o), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << o << "\n";
    return kExitPassed;
  }
  if (list_variants) return ListVariants(as_json);
  if (protocol.empty()) throw UsageError("--protocol is required (state-transfer or resync)");
  const Checker& checker = FindChecker(protocol);
  request.options.symmetry = !no_symmetry;
  request.options.collect_coverage = !save_coverage.empty();
  const CheckOutcome outcome = checker.check(request);
  if (!save_coverage.empty()) SaveCoverage(save_coverage, outcome.result.coverage);
  if (as_json) {
    std::cout << ToJson(protocol, outcome, request.options.symmetry).dump(2) << "\n";
  } else {
    PrintText(protocol, outcome, request.options.symmetry);
  }
  return outcome.result.violation ? kExitFailed : kExitPassed;
}

}  // namespace lockstep::harness::cli
