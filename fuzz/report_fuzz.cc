// Fuzz target: a report file as `lockstep report show|diff|junit|html` loads it (LoadReport in
// harness/cli/cli_support.cc: reports::ReadJson's parsing, reports/report_file.h ParseJson,
// then reports::ValidateReport), and what those verbs do with a report that passed. Checks,
// besides never crashing or throwing: a report accepted renders (ShowReport, ToJUnitXml,
// ToHtml) and differs from itself in nothing worse (DiffReports(r, r).worse is false).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/report_file.h"
#include "reports/schema.h"
#include "reports/show.h"

namespace reports = lockstep::reports;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto report = reports::ParseJson(text, "fuzz/report.json");
  if (!report) {
    FUZZ_CHECK(!report.error().message.empty(), "a refusal without a message");
    return 0;
  }
  if (auto valid = reports::ValidateReport(*report); !valid) {
    FUZZ_CHECK(!valid.error().message.empty(), "a report refused without a message");
    return 0;
  }
  FUZZ_CHECK(!reports::ShowReport(*report).empty(), "report show printed nothing");
  const reports::ReportDiff diff = reports::DiffReports(*report, *report);
  FUZZ_CHECK(!diff.worse, "a report is worse than itself: %s", diff.text.c_str());
  FUZZ_CHECK(!reports::ToJUnitXml(*report).empty(), "report junit printed nothing");
  FUZZ_CHECK(!reports::ToHtml(*report).empty(), "report html printed nothing");
  return 0;
}
