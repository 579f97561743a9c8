// docs/conformance.md, checked against the code so the two cannot drift:
//  * the reference binaries of every protocol, copied into a directory of their own outside
//    the build tree, pass every property through `lockstep run --impl-dir` (what the document
//    promises another implementation that honours it);
//  * everything the harness asks of an implementation, read from the registry, the models and
//    the drivers' sources (binary names, command-line arguments, control ops, status fields,
//    log lines, exit statuses, crash points, environment variables, the fault files in its
//    directories), is named in the document or in a README it links to;
//  * every link of the document points at an existing file and section.
#include <cctype>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "faults/crash.h"
#include "faults/disk_full.h"
#include "harness/protocols.h"
#include "model/resync/commands.h"
#include "model/state_transfer/commands.h"
#include "tests/support/cli_test_fixture.h"

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSource = LOCKSTEP_SOURCE_DIR;
const fs::path kDocument = kSource / "docs" / "conformance.md";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every capture group 1 of `pattern` in `text`.
std::set<std::string> Matches(const std::string& text, const std::string& pattern) {
  std::set<std::string> found;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    found.insert((*it)[1].str());
  }
  return found;
}

// The sources of the code that talks to the implementation: each protocol's driver and
// answer parsers (harness/<protocol>/*_system.cc, *_json.cc), the fault injectors, and the
// --version probe.
std::string DriverSources() {
  std::string text;
  for (const auto& dir : fs::directory_iterator(kSource / "harness")) {
    if (!dir.is_directory()) continue;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with("_system.cc") || name.ends_with("_json.cc")) text += ReadFile(entry.path());
    }
  }
  // Not power_loss.cc: it drives lockstep's own filesystem (faults/power_loss/), whose command
  // line and answers are no part of the implementation's contract.
  for (const auto& entry : fs::directory_iterator(kSource / "faults")) {
    if (entry.path().extension() == ".cc" && entry.path().filename() != "power_loss.cc") {
      text += ReadFile(entry.path());
    }
  }
  return text + ReadFile(kSource / "harness" / "cli" / "impl_identity.cc");
}

// A Markdown link target relative to docs/ ("../impl/README.md#command-lines").
struct Link {
  fs::path file;
  std::string anchor;
};

std::vector<Link> Links(const std::string& markdown) {
  std::vector<Link> links;
  const std::regex re(R"(\]\(([^)#\s]*)(#([^)\s]*))?\))");
  for (auto it = std::sregex_iterator(markdown.begin(), markdown.end(), re);
       it != std::sregex_iterator(); ++it) {
    const std::string target = (*it)[1].str();
    if (target.find("://") != std::string::npos) continue;
    links.push_back({target.empty() ? kDocument : kDocument.parent_path() / target,
                     (*it)[3].str()});
  }
  return links;
}

// GitHub's anchor of a heading: lower case, punctuation other than '-' and '_' dropped,
// spaces to '-'.
std::string Slug(const std::string& heading) {
  std::string slug;
  for (unsigned char c : heading) {
    if (std::isalnum(c) || c == '-' || c == '_') {
      slug += static_cast<char>(std::tolower(c));
    } else if (c == ' ') {
      slug += '-';
    }
  }
  return slug;
}

std::set<std::string> Anchors(const std::string& markdown) {
  std::set<std::string> anchors;
  for (const std::string& heading : Matches(markdown, R"((?:^|\n)#+ ([^\n]+))")) {
    anchors.insert(Slug(heading));
  }
  return anchors;
}

class Conformance : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    document_ = ReadFile(kDocument);
    ASSERT_FALSE(document_.empty()) << kDocument << " is missing or empty";
    contract_ = document_;
    std::set<fs::path> read;
    for (const Link& link : Links(document_)) {
      if (link.file.extension() != ".md" || !read.insert(fs::weakly_canonical(link.file)).second) {
        continue;
      }
      contract_ += ReadFile(link.file);
    }
  }
  // The document and every Markdown file it links to: the whole contract.
  bool InContract(const std::string& text) const {
    return contract_.find(text) != std::string::npos;
  }
  bool InDocument(const std::string& text) const {
    return document_.find(text) != std::string::npos;
  }

  std::string document_, contract_;
};

TEST_F(Conformance, ReferenceBinariesCopiedIntoAnotherDirectoryPassEveryProperty) {
  const fs::path impl = dir() / "another-implementation";
  fs::create_directories(impl);
  std::size_t properties = 0;
  for (const harness::ProtocolPlugin* p : harness::Protocols()) {
    for (const std::string& name : p->binaries()) fs::copy_file(BinDir() / name, impl / name);
    properties += p->properties().size();
  }
  ASSERT_GT(properties, 0u);
  const fs::path report_path = dir() / "conformance.json";
  auto r = RunCli({"run", "--protocol", "all", "--tests", std::to_string(Scaled(10)),
                   "--impl-dir", impl.string(), "--report", report_path.string()});
  ASSERT_EQ(r.exit.code, 0) << r.output;
  std::ifstream in(report_path);
  const json report = json::parse(in);
  const json& tests = report["results"]["tests"];
  EXPECT_EQ(tests.size(), properties);
  for (const json& t : tests) EXPECT_EQ(t["status"], "passed") << t.dump(1);
  std::set<std::string> named;
  for (const json& b : report["results"]["extra"]["binaries"]) {
    EXPECT_EQ(fs::path(b["path"].get<std::string>()).parent_path(), impl) << b.dump();
    named.insert(b["name"].get<std::string>());
  }
  for (const harness::ProtocolPlugin* p : harness::Protocols()) {
    for (const std::string& name : p->binaries()) EXPECT_TRUE(named.contains(name)) << name;
  }
}

TEST_F(Conformance, DocumentNamesEveryBinaryOfTheRegistry) {
  int binaries = 0;
  for (const harness::ProtocolPlugin* p : harness::Protocols()) {
    for (const std::string& name : p->binaries()) {
      ++binaries;
      EXPECT_TRUE(InDocument("`" + name + "`")) << name << " (" << p->name() << ")";
    }
    EXPECT_TRUE(InDocument(p->name())) << p->name();
  }
  EXPECT_GE(binaries, 4);
}

TEST_F(Conformance, ContractNamesEveryCrashPointTheModelsArm) {
  std::vector<std::string> points;
  for (int i = 0; i < model::st::kCrashPointCount; ++i) {
    points.push_back(model::st::CrashPointName(static_cast<model::st::CrashPoint>(i)));
  }
  for (int i = 0; i < model::rs::kCrashPointCount; ++i) {
    points.push_back(model::rs::CrashPointName(static_cast<model::rs::CrashPoint>(i)));
  }
  ASSERT_FALSE(points.empty());
  for (const std::string& point : points) EXPECT_TRUE(InContract("`" + point + "`")) << point;
}

TEST_F(Conformance, ContractNamesEveryControlOpTheDriversSend) {
  const std::set<std::string> ops = Matches(DriverSources(), R"re(\{"op", "([a-z_]+)"\})re");
  ASSERT_GE(ops.size(), 2u) << "the scan of the drivers found no ops: has the request syntax changed?";
  for (const std::string& op : ops) EXPECT_TRUE(InContract("\"op\":\"" + op + "\"")) << op;
}

TEST_F(Conformance, ContractNamesEveryFieldTheDriversRead) {
  const std::string code = DriverSources();
  std::set<std::string> fields;
  for (const char* pattern : {R"re(\bvalue\("([a-z_]+)")re", R"re(\bStr\(\w+, "([a-z_]+)")re",
                              R"re(\bField<.*?>\(\w+, "([a-z_]+)")re",
                              R"re(\bcontains\("([a-z_]+)"\))re", R"re(\["([a-z_]+)"\])re"}) {
    fields.merge(Matches(code, pattern));
  }
  ASSERT_GE(fields.size(), 10u) << "the scan of the drivers found almost no fields";
  for (const std::string& field : fields) EXPECT_TRUE(InContract("\"" + field + "\"")) << field;
}

TEST_F(Conformance, ContractNamesEveryArgumentTheHarnessPasses) {
  const std::set<std::string> args = Matches(DriverSources(), R"re("(--[a-z][a-z-]+)")re");
  ASSERT_GE(args.size(), 10u);
  for (const std::string& arg : args) EXPECT_TRUE(InContract(arg)) << arg;
}

// The literal start of every regular expression the drivers match against a log.
TEST_F(Conformance, ContractHoldsEveryLogLineTheHarnessReads) {
  const std::set<std::string> patterns = Matches(DriverSources(), R"re(std::regex \w+\(R"\((.*)\)"\))re");
  ASSERT_FALSE(patterns.empty());
  for (const std::string& pattern : patterns) {
    const std::string literal = pattern.substr(0, pattern.find_first_of(".*[(\\"));
    ASSERT_GE(literal.size(), 10u) << pattern;
    EXPECT_TRUE(InContract(literal)) << literal;
    EXPECT_TRUE(InDocument(literal)) << literal;
  }
}

// Every exit code the drivers interpret, and how the rest are read, is in the checklist.
TEST_F(Conformance, DocumentGivesEveryExitStatusTheDriversInterpret) {
  const std::set<std::string> codes = Matches(DriverSources(), R"(->code == (\d+))");
  ASSERT_FALSE(codes.empty());
  for (const std::string& code : codes) EXPECT_TRUE(InDocument("exit status " + code)) << code;
  EXPECT_TRUE(InDocument("SIGKILL"));
}

TEST_F(Conformance, DocumentNamesTheEnvironmentAndTheFaultFiles) {
  for (const std::string& variable : Matches(DriverSources(), R"re(emplace_back\("([A-Z_]+)")re")) {
    EXPECT_TRUE(InDocument("`" + variable + "`")) << variable;
  }
  EXPECT_TRUE(InDocument(std::string("`") + faults::kCrashPointVariable));
  EXPECT_TRUE(InDocument(std::string("`") + faults::DiskFull::kFillerName + "`"));
  EXPECT_TRUE(InDocument("`--version`"));
}

TEST_F(Conformance, EveryLinkPointsAtAnExistingSection) {
  const std::vector<Link> links = Links(document_);
  ASSERT_GE(links.size(), 10u) << "the checklist should point into the READMEs";
  for (const Link& link : links) {
    ASSERT_TRUE(fs::exists(link.file)) << link.file;
    if (link.anchor.empty()) continue;
    EXPECT_TRUE(Anchors(ReadFile(link.file)).contains(link.anchor))
        << link.file << "#" << link.anchor;
  }
}

}  // namespace
}  // namespace lockstep::testing
