// lockstep report show|diff|merge|junit|html: read, compare, merge and export reports.
#include <fstream>
#include <iostream>

#include "harness/cli/cli_support.h"
#include "harness/cli/subcommands.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/merge.h"
#include "reports/show.h"

namespace lockstep::harness::cli {

namespace {

struct Verb {
  const char* name;
  const char* usage;  // one line: synopsis, then what it does
  const char* help;   // what `lockstep report VERB --help` adds
};

constexpr Verb kVerbs[] = {
    {"show", "lockstep report show FILE            summary of a report\n",
     "Prints the verdict, one row per property, each protocol's figures and model coverage\n"
     "(k of N states and transitions), and each failure's replay command and counterexample.\n"
     "Exit 0 printed, 2 FILE is not a lockstep report.\n"},
    {"diff", "lockstep report diff OLD NEW         verdict and count changes between two reports\n",
     "One line per change from OLD to NEW: overall verdict, each property's verdict and case\n"
     "count, properties new or removed. Exit 0 nothing got worse, 1 the overall verdict or a\n"
     "property's verdict got worse (passed < other < failed) or a property of OLD is missing\n"
     "from NEW, 2 OLD or NEW is not a lockstep report.\n"},
    {"merge", "lockstep report merge OUT FILE...    merge shard reports into OUT\n",
     "Merges the reports of one campaign's shards (or of separate runs) into OUT and prints it.\n"
     "Refuses a shard or run given twice. Exit as `lockstep run`: 0 passed, 1 failed, 2 other or\n"
     "a FILE that is not a lockstep report.\n"},
    {"junit", "lockstep report junit FILE [OUT]     JUnit XML (stdout without OUT)\n",
     "One <testsuite> per protocol, one <testcase> per property. Exit 0 written, 2 FILE is not\n"
     "a lockstep report or OUT is not writable.\n"},
    {"html", "lockstep report html FILE [OUT]      self-contained HTML page (stdout without OUT)\n",
     "Exit 0 written, 2 FILE is not a lockstep report or OUT is not writable.\n"},
};

std::string Usage() {
  std::string usage;
  for (const Verb& v : kVerbs) usage += v.usage;
  return usage;
}

bool IsHelp(const char* arg) {
  const std::string a = arg;
  return a == "--help" || a == "-h";
}

int Emit(const std::string& text, int argc, char** argv, int out_index) {
  if (argc <= out_index) {
    std::cout << text;
    return kExitPassed;
  }
  const std::string out = argv[out_index];
  if (auto s = CheckWritable(out); !s) throw UsageError(s.error().message);
  std::ofstream f(out);
  f << text;
  if (!f.flush()) throw UsageError("cannot write " + out);
  return kExitPassed;
}

// The action's arguments number from `at_least` to `at_most` (argv[0] and the action
// included); a usage error naming the first one too many otherwise.
void NeedArgs(int argc, char** argv, int at_least, int at_most) {
  if (argc < at_least) throw UsageError("missing arguments\n" + Usage());
  if (argc > at_most) {
    throw UsageError("unexpected argument '" + std::string(argv[at_most]) + "'\n" + Usage());
  }
}

}  // namespace

int ReportMain(int argc, char** argv) {
  // argv[0] is "report"; argv[1] the action.
  if (argc < 2) throw UsageError("missing action (show, diff, merge, junit or html)\n" + Usage());
  if (IsHelp(argv[1])) {
    std::cout << Usage();
    return kExitPassed;
  }
  const std::string action = argv[1];
  for (const Verb& v : kVerbs) {
    if (action == v.name && argc >= 3 && IsHelp(argv[2])) {
      std::cout << "usage: " << v.usage << v.help;
      return kExitPassed;
    }
  }
  if (action == "show") {
    NeedArgs(argc, argv, 3, 3);
    std::cout << reports::ShowReport(LoadReport(argv[2]));
    return kExitPassed;
  }
  if (action == "diff") {
    NeedArgs(argc, argv, 4, 4);
    const reports::ReportDiff diff = reports::DiffReports(LoadReport(argv[2]), LoadReport(argv[3]));
    std::cout << diff.text;
    return diff.worse ? kExitFailed : kExitPassed;
  }
  if (action == "merge") {
    NeedArgs(argc, argv, 4, argc);
    std::vector<nlohmann::json> parts;
    for (int i = 3; i < argc; ++i) parts.push_back(LoadReport(argv[i]));
    auto merged = reports::MergeReports(parts);
    if (!merged) throw UsageError(merged.error().message);
    for (const auto& missing : merged->at("results")["extra"]["details"].value(
             "missing_shards", nlohmann::json::array())) {
      std::cerr << "lockstep report merge: not merged: " << missing.get<std::string>() << "\n";
    }
    return FinishReport(*merged, argv[2]);
  }
  if (action == "junit") {
    NeedArgs(argc, argv, 3, 4);
    return Emit(reports::ToJUnitXml(LoadReport(argv[2])), argc, argv, 3);
  }
  if (action == "html") {
    NeedArgs(argc, argv, 3, 4);
    return Emit(reports::ToHtml(LoadReport(argv[2])), argc, argv, 3);
  }
  throw UsageError("unknown report action '" + action + "'\n" + Usage());
}

}  // namespace lockstep::harness::cli
