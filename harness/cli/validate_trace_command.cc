// lockstep validate-trace: replays event traces (docs/trace.md) through the protocol's event
// model and reports, per case, the first line the model cannot explain (docs/trace.md,
// "Validation").
//
// A case is the trace files of one test case: the FILEs given (together), a directory holding
// *.jsonl files, a case directory holding traces/, or every such directory under a DIR (a run
// kept with `lockstep run --keep-traces DIR`). The protocol is the one that owns the roles its
// file names are (ProtocolPlugin::OwnsTraceRole) unless --protocol says.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "harness/cli/cli_support.h"
#include "harness/cli/subcommands.h"
#include "harness/protocols.h"
#include "harness/trace/trace_validator.h"

namespace lockstep::harness::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct TraceCase {
  std::string name;              // how the output names it: the directory, or the first file
  std::vector<fs::path> files;   // its trace files
};

// Every directory at or under `dir` that holds trace files, each one case.
void CollectCases(const fs::path& dir, std::vector<TraceCase>& cases) {
  std::vector<fs::path> files = trace::TraceFilesIn(dir);
  if (!files.empty()) {
    cases.push_back({dir.string(), std::move(files)});
    return;
  }
  std::vector<fs::path> subdirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec)) subdirs.push_back(entry.path());
  }
  std::sort(subdirs.begin(), subdirs.end());
  for (const fs::path& sub : subdirs) CollectCases(sub, cases);
}

std::vector<TraceCase> CasesOf(const std::vector<std::string>& paths) {
  std::vector<TraceCase> cases;
  TraceCase loose;
  for (const std::string& text : paths) {
    const fs::path path(text);
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      if (loose.files.empty()) loose.name = text;
      loose.files.push_back(path);
    } else if (fs::is_directory(path, ec)) {
      const std::size_t before = cases.size();
      CollectCases(path, cases);
      if (cases.size() == before) throw UsageError("no trace files (*.jsonl) in " + text);
    } else {
      throw UsageError("no such trace file or directory: " + text);
    }
  }
  if (!loose.files.empty()) cases.insert(cases.begin(), std::move(loose));
  return cases;
}

// The protocol of `c`: `named`, or the one that owns every role of its files.
const ProtocolPlugin& ProtocolOf(const TraceCase& c, const std::string& named) {
  if (!named.empty()) return ProtocolOrThrow(named);
  const ProtocolPlugin* found = nullptr;
  for (const fs::path& file : c.files) {
    const std::string role = file.stem().string();
    const ProtocolPlugin* owner = nullptr;
    for (const ProtocolPlugin* p : Protocols()) {
      if (p->OwnsTraceRole(role)) owner = p;
    }
    if (!owner) {
      throw UsageError(file.string() + ": no protocol has a role named '" + role +
                       "' (name the protocol with --protocol)");
    }
    if (found && found != owner) {
      throw UsageError(c.name + ": holds traces of " + found->name() + " and of " +
                       owner->name() + "; validate one case at a time");
    }
    found = owner;
  }
  return *found;
}

json FailureJson(const trace::TraceFailure& f) {
  json out = {{"model_states", f.model_states}};
  if (f.violation) {
    out["property"] = f.violation->property_id;
    out["property_name"] = f.violation->property_name;
    out["message"] = f.violation->message;
  } else {
    out["breach"] = f.breach;
  }
  if (f.line) {
    out["file"] = f.line->file;
    out["line"] = f.line->line_no;
    out["process"] = f.line->process;
    out["pid"] = f.line->pid;
    out["seq"] = f.line->seq;
    out["event"] = f.line->event;
  }
  return out;
}

}  // namespace

int ValidateTraceMain(int argc, char** argv) {
  std::vector<std::string> paths;
  std::string protocol;
  bool as_json = false;
  po::options_description o(
      "lockstep validate-trace FILE|DIR... [--protocol P] [--json]\n\nReplays event traces "
      "(docs/trace.md) through the protocol's event model and reports, per case, the first line "
      "the model cannot explain: process, seq, event, the property it breaks and the model "
      "states it was compared with. A case is the FILEs given together, a directory of *.jsonl "
      "files, or every such directory under DIR (lockstep run --keep-traces DIR).\n\nexit "
      "status: 0 every case explained, 1 a line not explained or breaking the trace contract, "
      "2 usage error or unreadable trace");
  o.add_options()("help,h", "this help")
      ("protocol", po::value(&protocol), ("the traces' protocol: " + ProtocolChoices() +
                                          " (default: by the trace files' roles)").c_str())
      ("json", po::bool_switch(&as_json), "one JSON object on stdout");
  if (!ParseArgs(argc, argv, o, &paths)) return kExitPassed;
  if (paths.empty()) throw UsageError("give the trace FILEs or DIRs to validate");
  const std::vector<TraceCase> cases = CasesOf(paths);
  std::vector<const ProtocolPlugin*> protocols;
  for (const TraceCase& c : cases) protocols.push_back(&ProtocolOf(c, protocol));

  const auto started = std::chrono::steady_clock::now();
  std::uint64_t events = 0;
  int failed = 0;
  json results = json::array();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    trace::TraceValidator validator(protocols[i]->MakeEventModel());
    for (const fs::path& file : cases[i].files) {
      if (auto s = validator.Add(file); !s) throw UsageError(s.error().message);
    }
    auto failure = validator.CheckNew(/*at_end=*/true);
    if (!failure) throw UsageError(failure.error().message);
    events += validator.events_validated();
    json result = {{"case", cases[i].name}, {"protocol", protocols[i]->name()},
                   {"events", validator.events_validated()},
                   {"verdict", *failure ? "failed" : "passed"}};
    if (*failure) {
      ++failed;
      result["failure"] = FailureJson(**failure);
      if (!as_json) std::cout << "FAIL " << cases[i].name << ": " << (*failure)->ToString() << "\n";
    } else if (!as_json) {
      std::cout << "PASS " << cases[i].name << ": " << validator.events_validated()
                << " events explained\n";
    }
    results.push_back(std::move(result));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double rate = seconds > 0 ? static_cast<double>(events) / seconds : 0;
  if (as_json) {
    std::cout << json{{"cases", results}, {"events", events}, {"failed", failed},
                      {"seconds", seconds}, {"events_per_second", rate}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << cases.size() << " cases, " << failed << " failed, " << events
              << " events validated in " << seconds << " s (" << static_cast<std::uint64_t>(rate)
              << " events/s)\n";
  }
  return failed ? kExitFailed : kExitPassed;
}

}  // namespace lockstep::harness::cli
