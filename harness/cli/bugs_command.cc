// lockstep bugs: the catalogue of seeded bugs, as a table or as JSON.
#include <iomanip>
#include <iostream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "harness/bugs/seeded_bugs.h"
#include "harness/cli/cli_support.h"
#include "harness/cli/subcommands.h"

namespace lockstep::harness::cli {

namespace po = boost::program_options;

int BugsMain(int argc, char** argv) {
  bool as_json = false;
  po::options_description o("lockstep bugs [--json]\n\nLists the seeded bugs (run one with "
                            "lockstep run --bug NAME) and the property each must break");
  o.add_options()("help,h", "this help")("json", po::bool_switch(&as_json), "JSON array output");
  if (!ParseArgs(argc, argv, o)) return kExitPassed;
  if (as_json) {
    auto list = nlohmann::json::array();
    for (const auto& bug : SeededBugs()) {
      list.push_back({{"name", bug.name}, {"protocol", bug.protocol},
                      {"property", bug.property}, {"description", bug.description},
                      {"faults", bug.faults}});
    }
    std::cout << list.dump(2) << "\n";
    return kExitPassed;
  }
  for (const auto& bug : SeededBugs()) {
    std::cout << std::left << std::setw(40) << bug.name << std::setw(16) << bug.protocol
              << std::setw(6) << bug.property << bug.description << "\n";
  }
  return kExitPassed;
}

}  // namespace lockstep::harness::cli
