// lockstep report show|diff|merge|junit|html: read, compare, merge and export reports.
#include <fstream>
#include <iostream>

#include "harness/cli/cli_support.h"
#include "harness/cli/subcommands.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/merge.h"
#include "reports/report_file.h"
#include "reports/show.h"

namespace lockstep::harness::cli {

namespace {

constexpr const char* kUsage =
    "lockstep report show FILE            summary of a report\n"
    "lockstep report diff OLD NEW         verdict and count changes between two reports\n"
    "lockstep report merge OUT FILE...    merge shard reports into OUT\n"
    "lockstep report junit FILE [OUT]     JUnit XML (stdout without OUT)\n"
    "lockstep report html FILE [OUT]      self-contained HTML page (stdout without OUT)\n";

nlohmann::json Load(const std::string& file) {
  auto j = reports::ReadJson(file);
  if (!j) throw UsageError(j.error().message);
  return *j;
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
  if (argc < at_least) throw UsageError(std::string("missing arguments\n") + kUsage);
  if (argc > at_most) {
    throw UsageError("unexpected argument '" + std::string(argv[at_most]) + "'\n" + kUsage);
  }
}

}  // namespace

int ReportMain(int argc, char** argv) {
  // argv[0] is "report"; argv[1] the action.
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? kExitUsage : kExitPassed;
  }
  const std::string action = argv[1];
  if (action == "show") {
    NeedArgs(argc, argv, 3, 3);
    std::cout << reports::ShowReport(Load(argv[2]));
    return kExitPassed;
  }
  if (action == "diff") {
    NeedArgs(argc, argv, 4, 4);
    std::cout << reports::DiffReports(Load(argv[2]), Load(argv[3]));
    return kExitPassed;
  }
  if (action == "merge") {
    NeedArgs(argc, argv, 4, argc);
    std::vector<nlohmann::json> parts;
    for (int i = 3; i < argc; ++i) parts.push_back(Load(argv[i]));
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
    return Emit(reports::ToJUnitXml(Load(argv[2])), argc, argv, 3);
  }
  if (action == "html") {
    NeedArgs(argc, argv, 3, 4);
    return Emit(reports::ToHtml(Load(argv[2])), argc, argv, 3);
  }
  throw UsageError("unknown report action '" + action + "'\n" + kUsage);
}

}  // namespace lockstep::harness::cli
