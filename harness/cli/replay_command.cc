// lockstep replay: re-runs a saved failure exactly (its shrunk command list, its settings)
// with the full logs of every process.
#include <iostream>

#include <boost/program_options.hpp>

#include "harness/cli/cli_support.h"
#include "harness/cli/subcommands.h"
#include "harness/os/sandbox.h"
#include "harness/property/reproduce.h"
#include "harness/protocols.h"

namespace lockstep::harness::cli {

namespace po = boost::program_options;

namespace {

// The reproduce string of the first failed test of a report. A file that is not a lockstep
// report (the schema and rules every report read for merge passes too) is a usage error
// listing what is wrong with it, before any of it is read.
std::string ReproduceFromReport(const std::string& file) {
  const nlohmann::json report = LoadReport(file);
  for (const auto& test : report["results"]["tests"]) {
    if (test.value("status", "") == "failed" && test.contains("extra") &&
        !test["extra"].value("reproduce", "").empty()) {
      return test["extra"]["reproduce"].get<std::string>();
    }
  }
  throw UsageError("report " + file + " has no failed test with a reproduce string");
}

// A reproduce string's settings and bug, judged as `lockstep run` judges its own (a bug of
// its protocol or none; every protocol setting given, each in range), so that what run
// refuses replay refuses too.
void CheckLikeRun(const Reproduction& r) {
  try {
    (void)ProtocolsForBug(r.settings.bug, {r.protocol});
    CheckProtocolOptions(r.settings.protocol_options, {r.protocol}, /*exact=*/true);
  } catch (const UsageError& e) {
    throw UsageError(std::string("reproduce string: ") + e.what());
  }
}

void PrintProcesses(const CaseRecord& record) {
  for (const auto& p : record.processes) {
    std::cout << "--- " << p.name << " (" << p.exit << ") log:\n" << p.log_excerpt;
  }
}

}  // namespace

int ReplayMain(int argc, char** argv) {
  std::string file, reproduce, impl_dir, sandbox_root;
  po::options_description o("lockstep replay FILE | --reproduce STRING [options]\n\nRe-runs a "
                            "failure: the shrunk steps of a report's first failed test, or a "
                            "reproduce string");
  o.add_options()("help,h", "this help")
      ("reproduce", po::value(&reproduce), "reproduce string (from a report or a failure message)")
      ("impl-dir", po::value(&impl_dir), "directory of the implementation binaries")
      ("sandbox-root", po::value(&sandbox_root), "where run directories live");
  std::vector<std::string> files;
  if (!ParseArgs(argc, argv, o, &files, 1)) return kExitPassed;
  if (!files.empty()) file = files[0];
  if (file.empty() == reproduce.empty()) throw UsageError("give either a report FILE or --reproduce STRING");
  if (!file.empty()) reproduce = ReproduceFromReport(file);
  auto r = DecodeReproduce(reproduce);
  if (!r) throw UsageError(r.error().message);
  const ProtocolPlugin& protocol = ProtocolOrThrow(r->protocol);
  CheckLikeRun(*r);
  // Every step is checked before anything is created (issue 14: a bad step left the sandbox
  // root behind).
  if (Status steps = protocol.CheckSteps(r->steps); !steps) throw UsageError(steps.error().message);
  // The binaries the run used, as its string says, unless --impl-dir names others.
  if (!impl_dir.empty()) r->settings.impl_dir = impl_dir;
  if (r->settings.impl_dir.empty()) r->settings.impl_dir = DefaultImplDir();
  r->settings.log_excerpt_lines = 100000;  // full logs
  const ImplIdentity impl = CheckImplementation(r->settings.impl_dir, {r->protocol}, r->settings.bug);
  if (const std::string differ = DigestDifference(r->settings.impl_digest, impl.digests);
      !differ.empty()) {
    std::cerr << "lockstep replay: warning: replaying against other binaries than the run's ("
              << differ << ")\n";
  }
  auto sandbox = Sandbox::Create({sandbox_root});
  if (!sandbox) throw UsageError(sandbox.error().message);
  std::cout << "replaying " << r->steps.size() << " steps of " << r->protocol
            << (r->settings.bug.empty() ? "" : " with seeded bug " + r->settings.bug) << "\n";
  auto outcome = protocol.Replay(r->settings, *sandbox, r->steps, &std::cout);
  if (!outcome) {
    std::cerr << "lockstep replay: " << outcome.error().message << "\n";
    return kExitUsage;
  }
  PrintProcesses(outcome->record);
  if (outcome->violation) {
    std::cout << "FAILED " << outcome->violation->property_id << " at step " << outcome->steps_run << ": "
              << outcome->violation->message << "\n";
    return kExitFailed;
  }
  std::cout << "every property held over " << outcome->steps_run << " steps\n";
  return kExitPassed;
}

}  // namespace lockstep::harness::cli
