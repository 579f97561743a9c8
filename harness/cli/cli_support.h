// Shared pieces of the lockstep subcommands: exit codes, argument parsing, the checks made
// before a run starts (binaries present, report path writable) and writing the report.
#pragma once

#include <chrono>
#include <optional>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "base/result.h"
#include "harness/cli/impl_identity.h"
#include "harness/property/plugin.h"
#include "reports/property_result.h"

namespace lockstep::harness::cli {

inline constexpr int kExitPassed = 0;  // every property held
inline constexpr int kExitFailed = 1;  // a property failed
inline constexpr int kExitUsage = 2;   // usage or environment error (also verdict "other")
// lockstep campaign only: stopped by SIGINT/SIGTERM before its time box ended; its report has
// complete: false (and a verdict over what finished).
inline constexpr int kExitInterrupted = 3;

// Thrown for bad arguments; main() prints "lockstep <subcommand>: <message>" and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses a subcommand's arguments. For --help prints the options and returns nullopt (the
// subcommand then exits 0); bad arguments throw boost::program_options errors, and a negative
// value of an unsigned option a UsageError naming the option. Words that belong to no option
// go to `words` (at most `max_words`, -1 for any); without `words` each is a UsageError.
std::optional<boost::program_options::variables_map> ParseArgs(
    int argc, char** argv, const boost::program_options::options_description& options,
    std::vector<std::string>* words = nullptr, int max_words = -1);

std::set<std::string> ParseFaultList(const std::string& list);  // "disk-full,crash" or "all"/"none"
// The inverse: "access-denied,crash" (sorted), "all" for every kind, "none" for no kind.
std::string FaultListText(const std::set<std::string>& kinds);
inline constexpr std::chrono::seconds kMaxDuration{366L * 24 * 3600};  // a campaign's longest
std::chrono::seconds ParseDuration(const std::string& text);    // "90s", "2m", "1h", "45"
std::vector<std::string> ParseProtocols(const std::string& text);  // a name or "all"
// The registered protocol of that name; a usage error naming the known ones otherwise.
const ProtocolPlugin& ProtocolOrThrow(const std::string& name);

// --set NAME=VALUE assignments as protocol options; a usage error for one without '='.
std::map<std::string, std::string> ParseSettingAssignments(const std::vector<std::string>& sets);
// The protocols a run with seeded bug `bug` covers: all of `protocols` without a bug, else the
// bug's own one; a usage error when the bug is unknown or of none of them. Run and replay
// both judge a bug by it.
std::vector<std::string> ProtocolsForBug(const std::string& bug,
                                         const std::vector<std::string>& protocols);
// Every option is a valid setting of one of `protocols`, in its range; with `exact` (a
// reproduce string) each protocol's every setting is given too. A usage error naming the
// setting otherwise. Run and replay both judge their settings by it.
void CheckProtocolOptions(const std::map<std::string, std::string>& options,
                          const std::vector<std::string>& protocols, bool exact = false);
// "a | b | all": the choices of --protocol.
std::string ProtocolChoices();
// The help of --set: every registered protocol's settings.
std::string ProtocolSettingsHelp();

// The directory of the running lockstep binary (where mds and logger are built).
std::filesystem::path DefaultImplDir();
// Every binary each protocol needs is in dir and executable; the error names the first missing.
Status CheckBinaries(const std::filesystem::path& dir, const std::vector<std::string>& protocols);
// The implementation a run or replay puts under test, identified by its binaries
// (impl_identity.h) after CheckBinaries. Throws UsageError when a binary is missing, or when
// `bug` (a seeded bug, "" for none) is asked of an implementation other than the reference
// one, which alone honours LOCKSTEP_BUG.
ImplIdentity CheckImplementation(const std::filesystem::path& dir,
                                 const std::vector<std::string>& protocols,
                                 const std::string& bug);
// The directory of `file` exists and accepts a new file, and `file` is no directory (checked
// before hours of work; nothing is left behind). `what` names the file in the error ("report
// directory D is not writable: ...", "report path P is a directory").
Status CheckWritable(const std::filesystem::path& file, const std::string& what = "report");

// Run-level report fields: version, model revision, host, build type, binaries, and the
// implementation's own version line (`impl`, from CheckImplementation).
reports::RunInfo MakeRunInfo(const std::string& kind, int argc, char** argv,
                             const std::filesystem::path& impl_dir,
                             const std::vector<std::string>& protocols, const ImplIdentity& impl);
std::int64_t NowMs();

// The lockstep report in `file`. A file that cannot be read, is not JSON, or is not a lockstep
// report (the schema and the rules of reports/schema.h) is a usage error naming the file and
// listing every violation.
nlohmann::json LoadReport(const std::string& file);

// Validates the report against the schema and writes it atomically; the error says which
// failed ("internal error: the report does not match its schema: ..." or the write's).
Status WriteReport(const nlohmann::json& report, const std::filesystem::path& path);
// WriteReport, then prints the report's summary.
// False, after printing why, when it does not validate or cannot be written.
bool WriteAndShowReport(const nlohmann::json& report, const std::filesystem::path& path);
// WriteAndShowReport, then the exit code for the report's overall verdict (2 if it could not
// be written).
int FinishReport(const nlohmann::json& report, const std::filesystem::path& path);

}  // namespace lockstep::harness::cli
