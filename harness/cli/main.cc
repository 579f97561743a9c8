// lockstep: the command-line front of the harness. Enters the private mount namespace (and, when
// not root, a user namespace with it) before anything else (no thread may exist yet), then
// dispatches to a subcommand.
#include <iostream>
#include <string>

#include <boost/program_options/errors.hpp>

#include "harness/cli/cli_support.h"
#include "harness/cli/subcommands.h"
#include "harness/os/mount_namespace.h"

namespace {

constexpr const char* kUsage =
    "usage: lockstep <command> [options]   (lockstep <command> --help for each)\n\n"
    "  run        property test run of the model against the real processes, under faults\n"
    "  campaign   many seeds in parallel workers for a set time; a merged report\n"
    "  replay     re-run a saved failure exactly, with full logs\n"
    "  bugs       list the seeded bugs and the property each must break\n"
    "  report     show | diff | merge | junit | html\n"
    "  check-model  exhaustive search of a protocol's model within bounds (or of a broken variant)\n"
    "  validate-trace  replay event traces through the protocol's event model\n\n"
    "exit status: 0 every property held, 1 a property failed, 2 usage or environment error\n";

int Dispatch(const std::string& command, int argc, char** argv) {
  using namespace lockstep::harness::cli;
  if (command == "run") return RunMain(argc, argv);
  if (command == "campaign") return CampaignMain(argc, argv);
  if (command == "replay") return ReplayMain(argc, argv);
  if (command == "bugs") return BugsMain(argc, argv);
  if (command == "report") return ReportMain(argc, argv);
  if (command == "check-model") return CheckModelMain(argc, argv);
  if (command == "validate-trace") return ValidateTraceMain(argc, argv);
  throw UsageError("unknown command '" + command + "'\n" + kUsage);
}

}  // namespace

int main(int argc, char** argv) {
  using lockstep::harness::cli::kExitUsage;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? kExitUsage : 0;
  }
  const std::string command = argv[1];
  // Mount-based faults need the namespace (with a user namespace of its own when not root);
  // without it they are reported unavailable, with PrivateMountNamespaceError() as the reason.
  (void)lockstep::harness::EnterPrivateMountNamespace();
  try {
    return Dispatch(command, argc - 1, argv + 1);
  } catch (const lockstep::harness::cli::UsageError& e) {
    std::cerr << "lockstep " << command << ": " << e.what() << "\n";
  } catch (const boost::program_options::error& e) {
    std::cerr << "lockstep " << command << ": " << e.what() << " (see lockstep " << command
              << " --help)\n";
  }
  return kExitUsage;
}
