// Issue 14's bad-input suite for the implementation processes (impl/README.md,
// impl/resync/README.md): mds, logger, txsys and journal-format given bad options, numbers,
// names and directories, and files that are not theirs; and a running txsys, mds and logger
// sent malformed control-protocol lines.
//
// A command-line case runs the binary from a scratch directory of its own that is also its
// TMPDIR and cwd, every path it is given inside it (a log the process writes its message to
// goes beside it instead), and expects the documented exit status (never a signal), a message
// naming what was wrong, no file added to the scratch directory, every input file unchanged,
// and no process left. A control case expects an {"error": ...} answer naming what was wrong,
// the process still running and answering, and every file of its directory unchanged.
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/os/deadline.h"
#include "harness/property/role_process.h"
#include "tests/impl/rs_cluster.h"
#include "tests/impl/st_cluster.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/test_env.h"

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Command lines, environment and files.

struct BadProcess {
  std::string name;               // the case's name in the test list
  std::string binary;             // mds, logger, txsys or journal-format
  std::vector<std::string> args;  // "@S" stands for the scratch directory, "@O" for the
                                  // directory beside it that holds the process's output
  int exit;                       // the documented exit status
  std::string message;            // part of its stderr/stdout or of the --log file @O/proc.log
  std::map<std::string, std::string> files = {};  // input files made in @S first ("d/" a dir)
  std::vector<std::string> no_access = {};        // directories of @S made mode 0 after that
  std::vector<std::string> formatted = {};        // journal sets in @S made by journal-format
  std::map<std::string, std::string> env = {};    // the process's environment, beside TMPDIR
};

void PrintTo(const BadProcess& c, std::ostream* out) {
  *out << c.binary;
  for (const auto& a : c.args) *out << " " << (a.size() > 80 ? a.substr(0, 80) + "..." : a);
}

std::string Expand(std::string text, const fs::path& scratch, const fs::path& out) {
  for (const auto& [mark, path] : {std::pair{"@S", scratch}, std::pair{"@O", out}}) {
    for (std::size_t at = 0; (at = text.find(mark, at)) != std::string::npos;) {
      text.replace(at, 2, path.string());
      at += path.string().size();
    }
  }
  return text;
}

class ProcessBadInput : public ::testing::TestWithParam<BadProcess> {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(BecomeChildSubreaper()) << std::strerror(errno); }
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lockstep-bad-input-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr) << std::strerror(errno);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;  // holds the scratch directory and, beside it, the process's output
};

TEST_P(ProcessBadInput, IsRefusedNamingWhatWasWrongAndLeavesNothing) {
  const BadProcess& c = GetParam();
  const fs::path out = dir_ / "out";
  fs::create_directory(out);
  std::map<std::string, std::string> inputs;
  {
    ScratchDir scratch(dir_);
    const fs::path& s = scratch.path();
    for (const auto& [name, content] : c.files) {
      fs::create_directories((s / name).parent_path());
      if (name.ends_with('/')) continue;
      std::ofstream(s / name, std::ios::binary) << content;
      inputs[name] = content;
    }
    for (const auto& set : c.formatted) {
      auto format = RunTool(BinDir() / "journal-format", {"--dir", (s / set).string()},
                            out / "format.txt");
      ASSERT_TRUE(format && format->exit.code == 0 && !format->exit.signaled)
          << (format ? format->output : format.error().message);
      for (const auto& e : fs::directory_iterator(s / set)) {
        inputs[(fs::path(set) / e.path().filename()).string()] = FileBytes(e.path());
      }
    }
    for (const auto& d : c.no_access) ASSERT_EQ(::chmod((s / d).c_str(), 0), 0) << d;
    const std::set<std::string> before = scratch.Listing();

    std::vector<std::string> args;
    for (const auto& a : c.args) args.push_back(Expand(a, s, out));
    harness::RoleProcess role(c.binary, out / "proc.log");
    Result<harness::ExitStatus> exit = Fail("not started");
    {
      ScopedCwd cwd(s);
      std::map<std::string, std::string> env = c.env;
      env["TMPDIR"] = s.string();
      const Status started = SpawnImpl(role, c.binary, args, env,
                                       out / "output.txt", /*drop_capabilities=*/true);
      ASSERT_TRUE(started) << started.error().message;
      exit = role.WaitExit(std::chrono::seconds(10));
    }
    ASSERT_TRUE(exit) << exit.error().message;
    const std::string text = FileBytes(out / "output.txt") +
                             (fs::exists(out / "proc.log") ? FileBytes(out / "proc.log") : "");
    EXPECT_FALSE(exit->signaled) << exit->Describe() << "\n" << text;
    EXPECT_EQ(exit->Describe(), "exit " + std::to_string(c.exit)) << text;
    const std::string message = Expand(c.message, s, out);
    EXPECT_NE(text.find(message), std::string::npos)
        << "expected a message with \"" << message << "\", got:\n" << text;
    for (const auto& d : c.no_access) ::chmod((s / d).c_str(), 0700);
    EXPECT_EQ(scratch.Listing(), before) << "files appeared in (or vanished from) " << s;
    for (const auto& [name, content] : inputs) {
      EXPECT_TRUE(FileBytes(s / name) == content) << name << " changed";
    }
  }
  std::set<pid_t> left;
  EXPECT_TRUE(harness::PollUntil([&] { return (left = LiveDescendants()).empty(); },
                        std::chrono::seconds(5)))
      << left.size() << " processes outlived " << c.binary << ", e.g. pid " << *left.begin();
}

const auto kCaseName = [](const auto& info) { return info.param.name; };

// A command line with every required argument valid, and `extra` appended (a later value of
// the same name is refused as given twice, so the bad one is given in place by the case).
std::vector<std::string> Mds(std::vector<std::string> extra = {}, const std::string& data = "@S/data",
                             const std::string& log = "@S/mds.log",
                             const std::string& socket = "@S/mds.sock") {
  std::vector<std::string> args{"--socket", socket, "--data-dir", data, "--log", log};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}
std::vector<std::string> Logger(std::vector<std::string> extra = {},
                                const std::string& data = "@S/data",
                                const std::string& log = "@S/logger.log") {
  std::vector<std::string> args{"--side", "A", "--mds", "@S/mds.sock", "--socket", "@S/a.sock",
                                "--data-dir", data, "--temp-dir", "@S/temp", "--log", log};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}
std::vector<std::string> Txsys(std::vector<std::string> extra = {},
                               const std::string& journal = "@S/journal",
                               const std::string& data = "@S/data",
                               const std::string& log = "@S/txsys.log",
                               const std::string& partners = "SYSTEM74=@S/74.sock") {
  std::vector<std::string> args{"--socket", "@S/73.sock", "--data-dir", data, "--journal",
                                journal, "--log", log, "--partners", partners};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}
std::vector<std::string> Named(const std::string& name, std::vector<std::string> rest) {
  rest.insert(rest.begin(), {"--name", name});
  return rest;
}

const std::string kGarbage = "{\"rows\": this is not JSON\n";

INSTANTIATE_TEST_SUITE_P(
    Mds, ProcessBadInput,
    ::testing::Values(
        BadProcess{"NoArguments", "mds", {}, 2, "argument --socket is required"},
        BadProcess{"NoLog", "mds", {"--socket", "@S/s.sock", "--data-dir", "@S/data"}, 2,
                   "argument --log is required"},
        BadProcess{"UnknownArgument", "mds", Mds({"--frobnicate"}), 2,
                   "unknown argument '--frobnicate'"},
        BadProcess{"SocketMissingValue", "mds", {"--socket"}, 2, "argument --socket needs a value"},
        BadProcess{"SocketTwice", "mds", Mds({"--socket", "@S/other.sock"}), 2,
                   "argument --socket given twice"},
        BadProcess{"EmptyTrace", "mds", Mds({"--trace", ""}), 2, "argument --trace needs a value"},
        BadProcess{"TraceInMissingDirectory", "mds", Mds({"--trace", "@S/no/such/t.jsonl"}), 1,
                   "@S/no/such/t.jsonl"},
        BadProcess{"TraceIsADirectory", "mds", Mds({"--trace", "@S/adir"}), 1, "@S/adir",
                   {{"adir/", ""}}},
        BadProcess{"LogInMissingDirectory", "mds", Mds({}, "@S/data", "@S/no/such/mds.log"), 1,
                   "@S/no/such/mds.log"},
        BadProcess{"DataDirIsAFile", "mds", Mds({}, "@S/notes.txt", "@O/proc.log"), 3,
                   "@S/notes.txt", {{"notes.txt", "not a directory\n"}}},
        BadProcess{"DataDirDenied", "mds", Mds({}, "@S/locked", "@O/proc.log"), 3, "@S/locked",
                   {{"locked/", ""}}, {"locked"}},
        BadProcess{"CorruptState", "mds", Mds({}, "@S/data", "@O/proc.log"), 3, "mds.json",
                   {{"data/mds.json", kGarbage}}},
        BadProcess{"SocketInMissingDirectory", "mds",
                   Mds({}, "@S/data", "@O/proc.log", "@S/no/such/mds.sock"), 1,
                   "@S/no/such/mds.sock", {{"data/", ""}}},
        BadProcess{"SocketPathTooLong", "mds",
                   Mds({}, "@S/data", "@O/proc.log", "@S/" + std::string(200, 's')), 1,
                   std::string(100, 's'), {{"data/", ""}}}),
    kCaseName);

INSTANTIATE_TEST_SUITE_P(
    Logger, ProcessBadInput,
    ::testing::Values(
        BadProcess{"NoArguments", "logger", {}, 2, "argument --side is required"},
        BadProcess{"BadSide", "logger",
                   {"--side", "C", "--mds", "@S/mds.sock", "--socket", "@S/a.sock", "--data-dir",
                    "@S/data", "--temp-dir", "@S/temp", "--log", "@S/logger.log"},
                   2, "argument --side must be A or B"},
        BadProcess{"UnknownArgument", "logger", Logger({"--frobnicate"}), 2,
                   "unknown argument '--frobnicate'"},
        BadProcess{"LogCapacityNotANumber", "logger", Logger({"--log-capacity", "abc"}), 2,
                   "argument --log-capacity must be a non-negative integer, not 'abc'"},
        BadProcess{"LogCapacityNegative", "logger", Logger({"--log-capacity", "-1"}), 2,
                   "argument --log-capacity must be a non-negative integer, not '-1'"},
        BadProcess{"LogCapacityOverflow", "logger",
                   Logger({"--log-capacity", "99999999999999999999"}), 2,
                   "argument --log-capacity must be a non-negative integer, not '99999999999999999999'"},
        BadProcess{"TransferTimeoutTwoToThe63", "logger",
                   Logger({"--transfer-timeout-ms", "9223372036854775808"}), 2,
                   "--transfer-timeout-ms must be from 1 to 86400000"},
        BadProcess{"TransferTimeoutOverflow", "logger",
                   Logger({"--transfer-timeout-ms", "99999999999999999999"}), 2,
                   "argument --transfer-timeout-ms must be a non-negative integer"},
        BadProcess{"TransferTimeoutZero", "logger", Logger({"--transfer-timeout-ms", "0"}), 2,
                   "--transfer-timeout-ms must be from 1 to 86400000"},
        BadProcess{"TransferTimeoutEmpty", "logger", Logger({"--transfer-timeout-ms", ""}), 2,
                   "argument --transfer-timeout-ms must be a non-negative integer, not ''"},
        BadProcess{"TraceInMissingDirectory", "logger", Logger({"--trace", "@S/no/such/t.jsonl"}),
                   1, "@S/no/such/t.jsonl"},
        BadProcess{"LogInMissingDirectory", "logger", Logger({}, "@S/data", "@S/no/such/l.log"), 1,
                   "@S/no/such/l.log"},
        BadProcess{"CorruptDatabase", "logger", Logger({}, "@S/data", "@O/proc.log"), 3,
                   "Unable to open the configuration database", {{"data/db.json", kGarbage}}},
        BadProcess{"DataDirDenied", "logger", Logger({}, "@S/locked", "@O/proc.log"), 3,
                   "cannot open data directory @S/locked: Permission denied", {{"locked/", ""}},
                   {"locked"}},
        BadProcess{"DumpWithoutDataDir", "logger", {"--dump"}, 2, "argument --data-dir is required"},
        BadProcess{"DumpCorruptDatabase", "logger", {"--dump", "--data-dir", "@S/data"}, 3,
                   "db.json", {{"data/db.json", kGarbage}}},
        BadProcess{"DumpDataDirIsAFile", "logger", {"--dump", "--data-dir", "@S/notes.txt"}, 3,
                   "@S/notes.txt", {{"notes.txt", "not a directory\n"}}},
        BadProcess{"OfflineSynchronizeWithoutTo", "logger",
                   {"--offline-synchronize", "--from", "@S/a"}, 2, "argument --to is required"},
        BadProcess{"OfflineSynchronizeToMissing", "logger",
                   {"--offline-synchronize", "--from", "@S/a", "--to", "@S/missing"}, 3,
                   "@S/missing", {{"a/", ""}}},
        BadProcess{"OfflineSynchronizeFromCorrupt", "logger",
                   {"--offline-synchronize", "--from", "@S/a", "--to", "@S/b"}, 3, "db.json",
                   {{"a/db.json", kGarbage},
                    {"b/db.json", R"({"rows":{},"last_update_key":0,"log":[]})"}}}),
    kCaseName);

// A malformed crash arming is refused before the process does anything (no log, no socket,
// no trace): it is a harness's or a person's mistake, and running disarmed would hide it.
INSTANTIATE_TEST_SUITE_P(
    CrashArming, ProcessBadInput,
    ::testing::Values(
        BadProcess{"LoggerCrashPointBadHit", "logger", Logger({"--trace", "@S/t.jsonl"}), 2,
                   "LOCKSTEP_CRASH_POINT=receiver.mid_apply:x: bad hit count 'x'", {{"data/", ""}},
                   {}, {}, {{"LOCKSTEP_CRASH_POINT", "receiver.mid_apply:x"}}},
        BadProcess{"LoggerCrashPointZeroHit", "logger", Logger(), 2,
                   "LOCKSTEP_CRASH_POINT=logger.input.after_durable:0: bad hit count '0'",
                   {{"data/", ""}}, {}, {}, {{"LOCKSTEP_CRASH_POINT", "logger.input.after_durable:0"}}},
        BadProcess{"LoggerCrashAtActionNoName", "logger", Logger({"--trace", "@S/t.jsonl"}), 2,
                   "LOCKSTEP_CRASH_AT_ACTION=:2: no name before ':'", {{"data/", ""}}, {}, {},
                   {{"LOCKSTEP_CRASH_AT_ACTION", ":2"}}},
        BadProcess{"MdsCrashAtActionBadHit", "mds", Mds({"--trace", "@S/t.jsonl"}), 2,
                   "LOCKSTEP_CRASH_AT_ACTION=assigned:-1: bad hit count '-1'", {{"data/", ""}},
                   {}, {}, {{"LOCKSTEP_CRASH_AT_ACTION", "assigned:-1"}}},
        BadProcess{"TxsysCrashPointBadHit", "txsys", Named("SYSTEM73", Txsys()), 2,
                   "LOCKSTEP_CRASH_POINT=coord.after_commit_record:1x: bad hit count '1x'",
                   {{"data/", ""}}, {}, {"journal"},
                   {{"LOCKSTEP_CRASH_POINT", "coord.after_commit_record:1x"}}}),
    kCaseName);

INSTANTIATE_TEST_SUITE_P(
    Txsys, ProcessBadInput,
    ::testing::Values(
        BadProcess{"NoArguments", "txsys", {}, 2, "argument --name is required"},
        BadProcess{"BogusName", "txsys", Named("BOGUS", Txsys()), 2,
                   "--name: 'BOGUS' is not a system name"},
        BadProcess{"NameWithFiveDigits", "txsys", Named("SYSTEM12345", Txsys()), 2,
                   "--name: 'SYSTEM12345' is not a system name"},
        BadProcess{"BogusPartner", "txsys",
                   Named("SYSTEM73", Txsys({}, "@S/journal", "@S/data", "@S/txsys.log", "BOGUS=/x")),
                   2, "--partners: 'BOGUS' is not a system name"},
        BadProcess{"PartnerWithoutSocket", "txsys",
                   Named("SYSTEM73", Txsys({}, "@S/journal", "@S/data", "@S/txsys.log", "SYSTEM74")),
                   2, "--partners: 'SYSTEM74' is not NAME=SOCKET"},
        BadProcess{"PartnerIsItself", "txsys",
                   Named("SYSTEM73",
                         Txsys({}, "@S/journal", "@S/data", "@S/txsys.log", "SYSTEM73=@S/x.sock")),
                   2, "--partners: 'SYSTEM73' is this system or repeated"},
        BadProcess{"PartnerRepeated", "txsys",
                   Named("SYSTEM73", Txsys({}, "@S/journal", "@S/data", "@S/txsys.log",
                                           "SYSTEM74=@S/x.sock,SYSTEM74=@S/y.sock")),
                   2, "--partners: 'SYSTEM74' is this system or repeated"},
        BadProcess{"PartnersTrailingComma", "txsys",
                   Named("SYSTEM73",
                         Txsys({}, "@S/journal", "@S/data", "@S/txsys.log", "SYSTEM74=@S/x.sock,")),
                   2, "--partners: '' is not NAME=SOCKET"},
        BadProcess{"LockWaitTwoToThe63", "txsys",
                   Named("SYSTEM73", Txsys({"--lock-wait-ms", "9223372036854775808"})), 2,
                   "--lock-wait-ms must be from 1 to 86400000"},
        BadProcess{"LockWaitOverflow", "txsys",
                   Named("SYSTEM73", Txsys({"--lock-wait-ms", "99999999999999999999"})), 2,
                   "argument --lock-wait-ms must be a non-negative integer"},
        BadProcess{"LockWaitNegative", "txsys", Named("SYSTEM73", Txsys({"--lock-wait-ms", "-1"})),
                   2, "argument --lock-wait-ms must be a non-negative integer, not '-1'"},
        BadProcess{"LockWaitZero", "txsys", Named("SYSTEM73", Txsys({"--lock-wait-ms", "0"})), 2,
                   "--lock-wait-ms must be from 1 to 86400000"},
        BadProcess{"UnknownArgument", "txsys", Named("SYSTEM73", Txsys({"--frobnicate"})), 2,
                   "unknown argument '--frobnicate'"},
        BadProcess{"TraceInMissingDirectory", "txsys",
                   Named("SYSTEM73", Txsys({"--trace", "@S/no/such/t.jsonl"})), 1,
                   "@S/no/such/t.jsonl"},
        BadProcess{"LogInMissingDirectory", "txsys",
                   Named("SYSTEM73", Txsys({}, "@S/journal", "@S/data", "@S/no/such/t.log")), 1,
                   "@S/no/such/t.log"},
        BadProcess{"JournalMissing", "txsys",
                   Named("SYSTEM73", Txsys({}, "@S/missing", "@S/data", "@O/proc.log")), 3,
                   "@S/missing", {{"data/", ""}}},
        // A set as journal-format leaves it holds journal.lock beside journal.dat; an empty
        // directory gets nothing created in it by the refused open.
        BadProcess{"JournalUnformatted", "txsys",
                   Named("SYSTEM73", Txsys({}, "@S/journal", "@S/data", "@O/proc.log")), 3,
                   "journal set @S/journal is not formatted",
                   {{"data/", ""}, {"journal/journal.lock", ""}}},
        BadProcess{"JournalEmptyDirectory", "txsys",
                   Named("SYSTEM73", Txsys({}, "@S/journal", "@S/data", "@O/proc.log")), 3,
                   "journal set @S/journal is not formatted", {{"data/", ""}, {"journal/", ""}}},
        BadProcess{"JournalCorrupt", "txsys",
                   Named("SYSTEM73", Txsys({}, "@S/journal", "@S/data", "@O/proc.log")), 3,
                   "@S/journal/journal.dat holds no valid format record",
                   {{"data/", ""}, {"journal/journal.lock", ""}, {"journal/journal.dat", kGarbage}}},
        BadProcess{"DataDirDenied", "txsys",
                   Named("SYSTEM73", Txsys({}, "@S/journal", "@S/locked", "@O/proc.log")), 3,
                   "@S/locked/db.json", {{"locked/", ""}}, {"locked"}, {"journal"}},
        BadProcess{"DataDirIsAFile", "txsys",
                   Named("SYSTEM73", Txsys({}, "@S/journal", "@S/notes.txt", "@O/proc.log")), 3,
                   "@S/notes.txt/db.json", {{"notes.txt", "not a directory\n"}}, {},
                   {"journal"}}),
    kCaseName);

INSTANTIATE_TEST_SUITE_P(
    JournalFormat, ProcessBadInput,
    ::testing::Values(
        BadProcess{"NoArguments", "journal-format", {}, 2, "argument --dir is required"},
        BadProcess{"DirMissingValue", "journal-format", {"--dir"}, 2, "argument --dir needs a value"},
        BadProcess{"UnknownArgument", "journal-format", {"--dir", "@S/j", "--frobnicate"}, 2,
                   "unknown argument '--frobnicate'"},
        BadProcess{"DirUnderAFile", "journal-format", {"--dir", "@S/notes.txt/j"}, 3,
                   "@S/notes.txt/j", {{"notes.txt", "not a directory\n"}}},
        BadProcess{"DirDenied", "journal-format", {"--dir", "@S/locked/j"}, 3, "@S/locked/j",
                   {{"locked/", ""}}, {"locked"}},
        BadProcess{"StampOfMissingSet", "journal-format", {"--dir", "@S/missing", "--stamp"}, 3,
                   "@S/missing"},
        BadProcess{"StampOfUnformattedSet", "journal-format", {"--dir", "@S/j", "--stamp"}, 3,
                   "@S/j", {{"j/", ""}}},
        BadProcess{"StampOfCorruptSet", "journal-format", {"--dir", "@S/j", "--stamp"}, 3,
                   "journal.dat", {{"j/journal.dat", kGarbage}}}),
    kCaseName);

// ---------------------------------------------------------------------------------------------
// Control-protocol lines to running processes.

struct BadLine {
  std::string name;
  std::string line;     // sent as it is, then a newline
  std::string message;  // part of the answer's "error"
};

void PrintTo(const BadLine& c, std::ostream* out) {
  *out << (c.line.size() > 80 ? c.line.substr(0, 80) + "..." : c.line);
}

// The regular files below `dir` with their contents, the logs (which grow) only by name.
std::map<std::string, std::string> Files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    const std::string ext = e.path().extension().string();
    files[rel] = !e.is_regular_file() ? "<not a file>"
                 : ext == ".log" || ext == ".out" ? "<log>"
                                                  : FileBytes(e.path());
  }
  return files;
}

// Sends the case's line to `socket`; checks the answer names what was wrong, and that the
// files below `dir` are as they were.
void ExpectRefused(const BadLine& c, const std::string& socket, const fs::path& dir,
                   const std::map<std::string, std::string>& before) {
  const auto answer = ReadAnswer(SendLine(socket, c.line), std::chrono::seconds(10));
  ASSERT_TRUE(answer) << "no answer to " << c.line.substr(0, 200);
  ASSERT_TRUE(answer->is_object() && answer->contains("error") && (*answer)["error"].is_string())
      << "not an error answer: " << answer->dump().substr(0, 500);
  EXPECT_NE((*answer)["error"].get<std::string>().find(c.message), std::string::npos)
      << answer->dump().substr(0, 500);
  EXPECT_EQ(Files(dir), before) << "a file changed, appeared or vanished below " << dir;
}

const std::string kDeep = "{\"op\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}";

class TxsysControlBadInput : public ::testing::TestWithParam<BadLine> {};

TEST_P(TxsysControlBadInput, IsAnsweredWithAnErrorAndChangesNothing) {
  RsCluster cluster(2);
  ASSERT_TRUE(cluster.Start("SYSTEM73"));
  cluster.WaitQuiet("SYSTEM73");
  const auto before = Files(cluster.dir());
  ASSERT_TRUE(before.contains("SYSTEM73/journal-1/journal.dat"));
  ExpectRefused(GetParam(), cluster.Socket("SYSTEM73"), cluster.dir(), before);
  EXPECT_TRUE(cluster.Running("SYSTEM73")) << "txsys ended on a bad request";
  EXPECT_EQ(cluster.Status("SYSTEM73").value("system", ""), "SYSTEM73") << "no status answer after it";
}

std::string Resync(const std::string& fields, const std::string& from = "SYSTEM74") {
  return R"({"op":"resync","from":")" + from +
         R"(","stamp":"2026-01-01T00:00:00.000000Z","startup":"2026-01-01T00:00:00.000000Z",)" +
         fields + "}";
}
const std::string kResyncOk =
    R"("journal_fault":false,"saved_stamp":null,"in_doubt":[],"committing":[],"commit_records":[])";

INSTANTIATE_TEST_SUITE_P(
    Control, TxsysControlBadInput,
    ::testing::Values(
        BadLine{"NotJson", "this is not JSON", "request is not valid JSON"},
        BadLine{"EmptyLine", "", "request is not valid JSON"},
        BadLine{"JsonArray", R"(["status"])", "request is not a JSON object"},
        BadLine{"JsonString", R"("status")", "request is not a JSON object"},
        BadLine{"NoOp", "{}", "request has no string \"op\""},
        BadLine{"OpNotAString", R"({"op":5})", "request has no string \"op\""},
        BadLine{"OpDeeplyNested", kDeep, "request has no string \"op\""},
        BadLine{"UnknownOp", R"({"op":"nosuch"})", "unknown op 'nosuch'"},
        BadLine{"TxnWithoutWrites", R"({"op":"txn"})", "txn needs a non-empty \"writes\" object"},
        BadLine{"TxnWritesNotAnObject", R"({"op":"txn","writes":"x"})",
                "txn needs a non-empty \"writes\" object"},
        BadLine{"TxnUnknownSystem", R"({"op":"txn","writes":{"SYSTEM99":{"k":"v"}}})",
                "unknown system 'SYSTEM99' in writes"},
        BadLine{"TxnEmptyWrites", R"({"op":"txn","writes":{"SYSTEM73":{}}})",
                "writes for SYSTEM73 must be a non-empty object"},
        BadLine{"TxnValueNotAString", R"({"op":"txn","writes":{"SYSTEM73":{"k":5}}})",
                "value of k at SYSTEM73 is not a string"},
        BadLine{"ReadWithoutKey", R"({"op":"read"})", "read needs a string \"key\""},
        BadLine{"ReadKeyNotAString", R"({"op":"read","key":5})", "read needs a string \"key\""},
        BadLine{"ReadAtUnknownSystem", R"({"op":"read","key":"k","at":"SYSTEM99"})",
                "unknown system 'SYSTEM99'"},
        BadLine{"ReadAtNotAString", R"({"op":"read","key":"k","at":5})",
                "read's \"at\" must be a system name"},
        BadLine{"ReplyBadAction", R"({"op":"reply","partner":"SYSTEM74","action":"x"})",
                "action must be \"ignore\" or \"defer\""},
        BadLine{"ReplyPartnerNotAString", R"({"op":"reply","partner":5,"action":"ignore"})",
                "reply needs a string \"partner\""},
        BadLine{"ReplyWithoutPrompt", R"({"op":"reply","partner":"SYSTEM74","action":"ignore"})",
                "no resynchronization reply is pending for 'SYSTEM74'"},
        BadLine{"VaryRmWithoutPartner", R"({"op":"vary_rm"})", "vary_rm needs a string \"partner\""},
        BadLine{"VaryRmUnknownPartner", R"({"op":"vary_rm","partner":"SYSTEM99"})",
                "unknown partner 'SYSTEM99'"},
        BadLine{"CompleteWithoutDtrid", R"({"op":"complete","action":"commit"})",
                "complete needs a string \"dtrid\""},
        BadLine{"CompleteBadAction", R"({"op":"complete","dtrid":"D","action":"x"})",
                "action must be \"commit\" or \"backout\""},
        BadLine{"CompleteUnknownBranch", R"({"op":"complete","dtrid":"nosuch","action":"commit"})",
                "no ManualPending branch 'nosuch'"},
        BadLine{"ResyncUnknownMode", Resync(R"("mode":"x",)" + kResyncOk),
                "malformed resync request: \"mode\" must be \"access\", \"start\" or \"vary_rm\""},
        BadLine{"ResyncJournalFaultNotABoolean",
                Resync(R"("mode":"access","journal_fault":"yes","saved_stamp":null,"in_doubt":[],"committing":[],"commit_records":[])"),
                "malformed resync request: \"journal_fault\" must be true or false"},
        BadLine{"ResyncStampNotAString",
                R"({"op":"resync","from":"SYSTEM74","stamp":5,"startup":"s","mode":"access",)" +
                    kResyncOk + "}",
                "malformed resync request: \"stamp\" must be a non-empty string"},
        BadLine{"ResyncInDoubtNotStrings",
                Resync(R"("mode":"access","journal_fault":false,"saved_stamp":null,"in_doubt":[1],"committing":[],"commit_records":[])"),
                "malformed resync request: \"in_doubt\" must be a list of DTRID strings"},
        BadLine{"ResyncSavedStampNotAString",
                Resync(R"("mode":"access","journal_fault":false,"saved_stamp":7,"in_doubt":[],"committing":[],"commit_records":[])"),
                "malformed resync request: \"saved_stamp\" must be a string or null"},
        BadLine{"ResyncFromUnknownPartner", Resync(R"("mode":"access",)" + kResyncOk, "SYSTEM99"),
                "unknown partner 'SYSTEM99'"}),
    kCaseName);

class MdsControlBadInput : public ::testing::TestWithParam<BadLine> {};

TEST_P(MdsControlBadInput, IsAnsweredWithAnErrorAndChangesNothing) {
  StCluster cluster;
  cluster.StartMds();
  const auto before = Files(cluster.dir());
  ExpectRefused(GetParam(), cluster.MdsSocket(), cluster.dir(), before);
  EXPECT_EQ(cluster.MdsStatus().value("role", ""), "mds") << "no status answer after it";
}

INSTANTIATE_TEST_SUITE_P(
    Control, MdsControlBadInput,
    ::testing::Values(
        BadLine{"NotJson", "this is not JSON", "request is not valid JSON"},
        BadLine{"JsonArray", R"([{"op":"status"}])", "request is not a JSON object"},
        BadLine{"NoOp", "{}", "request has no string \"op\""},
        BadLine{"OpDeeplyNested", kDeep, "request has no string \"op\""},
        BadLine{"UnknownOp", R"({"op":"nosuch"})", "unknown op 'nosuch'"},
        BadLine{"SubmitUnknownKind", R"({"op":"submit","kind":"put","key":"k","value":"v"})",
                "kind set|del"},
        BadLine{"SubmitKeyNotAString", R"({"op":"submit","kind":"set","key":5,"value":"v"})",
                "a string key"},
        BadLine{"SubmitSetWithoutValue", R"({"op":"submit","kind":"set","key":"k"})",
                "a string value for set"}),
    kCaseName);

// A connection whose first line has a "type" is a logger link (impl/README.md, "mds <-> logger
// link"): a bad first message is not answered; the mds logs what was wrong and closes the link.
class MdsLinkBadInput : public ::testing::TestWithParam<BadLine> {};

TEST_P(MdsLinkBadInput, IsClosedWithALogLineAndChangesNothing) {
  const BadLine& c = GetParam();
  StCluster cluster;
  cluster.StartMds();
  const auto before = Files(cluster.dir());
  const fs::path log = cluster.dir() / "mds.log";
  const int fd = SendLine(cluster.MdsSocket(), c.line);
  ASSERT_GE(fd, 0) << "cannot connect to the mds";
  EXPECT_TRUE(harness::PollUntil([&] { return FileBytes(log).find(c.message) != std::string::npos; },
                                 std::chrono::seconds(5)))
      << "no log line with \"" << c.message << "\":\n" << FileBytes(log);
  EXPECT_FALSE(ReadAnswer(fd, std::chrono::seconds(5))) << "a bad link message was answered";
  EXPECT_EQ(Files(cluster.dir()), before) << "a file changed, appeared or vanished";
  EXPECT_EQ(cluster.MdsStatus()["sides"]["A"].value("state", ""), "down") << "it registered";
}

INSTANTIATE_TEST_SUITE_P(
    Link, MdsLinkBadInput,
    ::testing::Values(
        BadLine{"RegisterUnknownSide", R"({"type":"register","side":"C","last_update_key":0})",
                "Closing a link with a bad register message"},
        BadLine{"RegisterKeyNotANumber", R"({"type":"register","side":"A","last_update_key":"x"})",
                "Closing a link with a bad register message"},
        BadLine{"RegisterKeyNegative", R"({"type":"register","side":"A","last_update_key":-5})",
                "Closing a link with a bad register message"},
        BadLine{"FirstMessageNotRegister", R"({"type":"ack","update_key":99})",
                "Closing a link whose first message is not register"}),
    kCaseName);

class LoggerControlBadInput : public ::testing::TestWithParam<BadLine> {};

TEST_P(LoggerControlBadInput, IsAnsweredWithAnErrorAndChangesNothing) {
  StCluster cluster;
  cluster.StartMds();
  ASSERT_TRUE(cluster.StartLogger('A'));
  cluster.WaitQuiet();
  const auto before = Files(cluster.dir());
  ExpectRefused(GetParam(), cluster.SideSocket('A'), cluster.dir(), before);
  EXPECT_TRUE(cluster.Running('A')) << "the logger ended on a bad request";
  auto status = cluster.LoggerStatus('A');
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->value("side", ""), "A");
}

INSTANTIATE_TEST_SUITE_P(
    Control, LoggerControlBadInput,
    ::testing::Values(BadLine{"NotJson", "this is not JSON", "request is not valid JSON"},
                      BadLine{"JsonArray", "[]", "request is not a JSON object"},
                      BadLine{"NoOp", R"({"kind":"status"})", "request has no string \"op\""},
                      BadLine{"UnknownOp", R"({"op":"submit"})", "unknown op 'submit'"}),
    kCaseName);

}  // namespace
}  // namespace lockstep::testing
