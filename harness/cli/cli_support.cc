#include "harness/cli/cli_support.h"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <typeinfo>
#include <utility>

#include "harness/bugs/seeded_bugs.h"
#include "harness/protocols.h"
#include "reports/ctrf.h"
#include "reports/report_file.h"
#include "reports/schema.h"
#include "reports/text.h"
#include "reports/show.h"

#include "lockstep_revision.h"  // LOCKSTEP_GIT_REVISION, generated at build time
#ifndef LOCKSTEP_BUILD_TYPE
#define LOCKSTEP_BUILD_TYPE "unknown"
#endif
#ifndef LOCKSTEP_VERSION
#define LOCKSTEP_VERSION "0.0.0"
#endif

namespace lockstep::harness::cli {

namespace fs = std::filesystem;

namespace {

// boost::program_options reads "-1" into an unsigned option as 2^64 - 1 (lexical_cast wraps
// it). A negative value given to an unsigned option is refused instead, for every option of
// every subcommand whatever its name.
void RefuseNegativeUnsigned(const boost::program_options::parsed_options& parsed,
                            const boost::program_options::variables_map& vm) {
  for (const auto& option : parsed.options) {
    const auto it = vm.find(option.string_key);
    if (it == vm.end() || it->second.empty()) continue;
    const std::type_info& type = it->second.value().type();
    if (type != typeid(unsigned long long) && type != typeid(unsigned long) &&
        type != typeid(unsigned int)) {
      continue;
    }
    for (const std::string& text : option.value) {
      if (!text.empty() && text.front() == '-') {
        throw UsageError("--" + option.string_key + " must be a non-negative whole number, not '" +
                         text + "'");
      }
    }
  }
}

}  // namespace

std::optional<boost::program_options::variables_map> ParseArgs(
    int argc, char** argv, const boost::program_options::options_description& options,
    std::vector<std::string>* words, int max_words) {
  namespace po = boost::program_options;
  po::variables_map vm;
  po::parsed_options parsed = po::parse_command_line(argc, argv, options);
  // parse_command_line keeps a word that belongs to no option as a positional one: the
  // subcommand's words when it takes them, else a mistake (a missing "--", a value too many).
  std::erase_if(parsed.options, [&](const po::option& option) {
    if (option.position_key < 0) return false;
    const std::string word = option.original_tokens.empty() ? "" : option.original_tokens[0];
    if (!words) throw UsageError("unexpected argument '" + word + "'");
    if (max_words >= 0 && static_cast<int>(words->size()) >= max_words) {
      throw UsageError("too many arguments: '" + word + "' (at most " +
                       std::to_string(max_words) + ")");
    }
    words->push_back(word);
    return true;
  });
  po::store(parsed, vm);
  RefuseNegativeUnsigned(parsed, vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return std::nullopt;
  }
  return vm;
}

std::set<std::string> ParseFaultList(const std::string& list) {
  if (list == "all") return kAllFaultKinds;
  if (list == "none" || list.empty()) return {};
  std::set<std::string> kinds;
  std::istringstream in(list);
  for (std::string kind; std::getline(in, kind, ',');) {
    if (!kKnownFaultKinds.contains(kind)) {
      throw UsageError("unknown fault kind '" + kind +
                       "' in --faults (known: disk-full, access-denied, crash, reformat, corrupt, "
                       "power-loss, all, none)");
    }
    kinds.insert(kind);
  }
  return kinds;
}

std::string FaultListText(const std::set<std::string>& kinds) {
  if (kinds == kAllFaultKinds) return "all";
  if (kinds.empty()) return "none";
  std::string text;
  for (const std::string& kind : kinds) text += (text.empty() ? "" : ",") + kind;
  return text;
}

std::chrono::seconds ParseDuration(const std::string& text) {
  std::size_t used = 0;
  long value = -1;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
  }
  const std::string unit = text.substr(used);
  long factor = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
  if (value <= 0 || factor == 0) {
    throw UsageError("bad duration '" + text + "' (expected a positive number with s, m or h)");
  }
  // A time box past a year is a typo, and a far larger one overflows the clock arithmetic of
  // the deadline (now + duration, in nanoseconds).
  if (value > kMaxDuration.count() / factor) {
    throw UsageError("duration '" + text + "' is longer than a year (" +
                     std::to_string(kMaxDuration.count()) + "s)");
  }
  return std::chrono::seconds(value * factor);
}

std::vector<std::string> ParseProtocols(const std::string& text) {
  if (text == "all") return ProtocolNames();
  for (const auto& name : ProtocolNames()) {
    if (name == text) return {name};
  }
  std::string known;
  for (const auto& name : ProtocolNames()) known += name + ", ";
  throw UsageError("unknown protocol '" + text + "' (known: " + known + "all)");
}

const ProtocolPlugin& ProtocolOrThrow(const std::string& name) {
  if (const ProtocolPlugin* p = FindProtocol(name)) return *p;
  (void)ParseProtocols(name);  // throws, naming the known protocols
  throw UsageError("unknown protocol '" + name + "'");
}

std::map<std::string, std::string> ParseSettingAssignments(const std::vector<std::string>& sets) {
  std::map<std::string, std::string> options;
  for (const auto& set : sets) {
    const auto eq = set.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UsageError("--set takes NAME=VALUE, not '" + set + "'");
    }
    options[set.substr(0, eq)] = set.substr(eq + 1);
  }
  return options;
}

std::vector<std::string> ProtocolsForBug(const std::string& bug,
                                         const std::vector<std::string>& protocols) {
  if (bug.empty()) return protocols;
  const SeededBug* seeded = FindSeededBug(bug);
  if (!seeded) throw UsageError("unknown seeded bug '" + bug + "' (see: lockstep bugs)");
  for (const auto& p : protocols) {
    if (p == seeded->protocol) return {p};
  }
  throw UsageError("seeded bug '" + bug + "' belongs to protocol " + seeded->protocol);
}

void CheckProtocolOptions(const std::map<std::string, std::string>& options,
                          const std::vector<std::string>& protocols, bool exact) {
  for (const auto& [name, value] : options) {
    bool owned = false;
    for (const auto& protocol : protocols) {
      for (const auto& [setting, help] : ProtocolOrThrow(protocol).settings_help()) {
        owned = owned || setting == name;
      }
    }
    if (!owned) throw UsageError("no protocol of this run has a setting '" + name + "' (see --help)");
  }
  for (const auto& protocol : protocols) {
    if (auto s = ProtocolOrThrow(protocol).CheckOptions(options, exact); !s) {
      throw UsageError(s.error().message);
    }
  }
}

std::string ProtocolChoices() {
  std::string choices;
  for (const auto& name : ProtocolNames()) choices += name + " | ";
  return choices + "all";
}

std::string ProtocolSettingsHelp() {
  std::string help = "a protocol setting NAME=VALUE (repeatable):";
  for (const ProtocolPlugin* p : Protocols()) {
    for (const auto& [name, text] : p->settings_help()) {
      help += "\n  " + name + " (" + p->name() + "): " + text;
    }
  }
  return help;
}

fs::path DefaultImplDir() {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

Status CheckBinaries(const fs::path& dir, const std::vector<std::string>& protocols) {
  for (const auto& protocol : protocols) {
    for (const auto& name : ProtocolOrThrow(protocol).binaries()) {
      const fs::path exe = dir / name;
      if (::access(exe.c_str(), X_OK) != 0) {
        return FailErrno("implementation binary " + exe.string() + " for " + protocol +
                         " cannot be run (build it, or point --impl-dir at it)");
      }
    }
  }
  return {};
}

ImplIdentity CheckImplementation(const fs::path& dir, const std::vector<std::string>& protocols,
                                 const std::string& bug) {
  if (auto s = CheckBinaries(dir, protocols); !s) throw UsageError(s.error().message);
  std::vector<std::string> binaries;
  for (const auto& protocol : protocols) {
    for (const auto& name : ProtocolOrThrow(protocol).binaries()) binaries.push_back(name);
  }
  ImplIdentity impl = IdentifyImpl(dir, binaries);
  if (!bug.empty() && !impl.reference) {
    throw UsageError("seeded bug '" + bug + "' needs the reference implementation, which alone "
                     "honours LOCKSTEP_BUG; the binaries in " + dir.string() + " say: " +
                     impl.version);
  }
  return impl;
}

Status CheckWritable(const fs::path& file, const std::string& what) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const fs::path probe = dir / (".lockstep-probe-" + std::to_string(::getpid()));
  std::ofstream out(probe);
  if (!out) return FailErrno(what + " directory " + dir.string() + " is not writable");
  out.close();
  std::error_code ec;
  fs::remove(probe, ec);
  if (fs::is_directory(file)) return Fail(what + " path " + file.string() + " is a directory");
  return {};
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

reports::RunInfo MakeRunInfo(const std::string& kind, int argc, char** argv,
                             const fs::path& impl_dir, const std::vector<std::string>& protocols,
                             const ImplIdentity& impl) {
  reports::RunInfo info;
  info.kind = kind;
  info.tool_version = LOCKSTEP_VERSION;
  info.model_revision = LOCKSTEP_GIT_REVISION;
  info.impl_version = impl.version;
  info.build_type = LOCKSTEP_BUILD_TYPE;
  info.command_line = "lockstep";  // argv is the subcommand's: argv[0] is its name
  for (int i = 0; i < argc; ++i) info.command_line += " " + std::string(argv[i]);
  for (const auto& protocol : protocols) {
    for (const auto& name : ProtocolOrThrow(protocol).binaries()) {
      info.binaries.emplace_back(name, (impl_dir / name).string());
    }
  }
  reports::DescribeHost(&info);
  info.start_ms = NowMs();
  return info;
}

nlohmann::json LoadReport(const std::string& file) {
  auto report = reports::ReadJson(file);
  if (!report) throw UsageError(report.error().message);
  if (auto valid = reports::ValidateReport(*report); !valid) {
    throw UsageError("report " + file + ": " + valid.error().message);
  }
  return *std::move(report);
}

Status WriteReport(const nlohmann::json& report, const fs::path& path) {
  if (auto valid = reports::ValidateReport(report); !valid) {
    return Fail("internal error: the report does not match its schema:\n" + valid.error().message);
  }
  return reports::WriteJsonAtomically(path, report);
}

bool WriteAndShowReport(const nlohmann::json& report, const fs::path& path) {
  if (auto written = WriteReport(report, path); !written) {
    std::cerr << "lockstep: " << written.error().message << "\n";
    return false;
  }
  std::cout << reports::ShowReport(report) << "report: " << path.string() << "\n";
  return true;
}

int FinishReport(const nlohmann::json& report, const fs::path& path) {
  if (!WriteAndShowReport(report, path)) return kExitUsage;
  return reports::ExitCodeFor(reports::OverallVerdict(report));
}

}  // namespace lockstep::harness::cli
