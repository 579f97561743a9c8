#include "reports/show.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include "reports/ctrf.h"
#include "reports/from_ctrf.h"
#include "reports/protocol_totals.h"
#include "reports/text.h"

namespace lockstep::reports {

namespace {

using Row = std::vector<std::string>;

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Milliseconds(double ms) {
  char buf[32];
  if (ms >= 1000) {
    std::snprintf(buf, sizeof buf, "%.1fs", ms / 1000.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.0fms", ms);
  }
  return buf;
}

// Columns padded to their widest cell; numeric columns (index >= 3) right-aligned.
std::string Table(const std::vector<Row>& rows) {
  std::vector<std::size_t> width;
  for (const Row& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::ostringstream out;
  for (const Row& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string pad(width[i] - row[i].size(), ' ');
      line += i >= 3 ? pad + row[i] : row[i] + pad;
      if (i + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << "  " << line << '\n';
  }
  return out.str();
}

std::string Headline(const Report& report) {
  int counts[3] = {0, 0, 0};
  std::vector<Verdict> verdicts;
  for (const PropertyResult& p : report.properties) {
    counts[static_cast<int>(p.verdict)]++;
    verdicts.push_back(p.verdict);
  }
  // An interrupted campaign says so first: what finished is not a verdict on the time box.
  const nlohmann::json* campaign =
      report.run.extra.is_object() && report.run.extra.contains("campaign") ? &report.run.extra["campaign"] : nullptr;
  const bool incomplete = campaign && campaign->is_object() && !campaign->value("complete", true);
  std::ostringstream out;
  out << "lockstep " << (report.run.kind.empty() ? "report" : report.run.kind) << ": "
      << (incomplete ? "INTERRUPTED, incomplete (what finished: " +
                           std::string(VerdictName(CombineVerdicts(verdicts))) + ")"
                     : Upper(VerdictName(CombineVerdicts(verdicts))))
      << " (" << counts[0] << " passed, "
      << counts[1] << " failed, " << counts[2] << " other)\n";
  out << "  seed " << report.run.seed << ", model " << report.run.model_revision << ", host "
      << report.run.host << ", build " << report.run.build_type << ", lockstep "
      << report.run.tool_version << '\n';
  return out.str();
}

std::string Problems(const Report& report) {
  std::ostringstream out;
  for (const PropertyResult& p : report.properties) {
    if (p.verdict == Verdict::kPassed) continue;
    out << '\n' << TestName(p) << " [" << p.protocol << "]: " << Upper(VerdictName(p.verdict));
    if (!p.reason.empty()) out << ": " << p.reason;
    out << '\n';
    if (!p.reproduce.empty()) out << "  reproduce: " << ReplayCommand(p.reproduce) << '\n';
    if (p.counterexample) out << CounterexampleText(*p.counterexample, "  ");
    if (p.failures.size() > 1) {
      out << "  " << p.failures.size() << " failing seeds:\n";
      for (const FailureRef& f : p.failures) out << "    " << ReplayCommand(f.reproduce) << '\n';
    }
  }
  return out.str();
}

// What each protocol's search ran, counted once (the rows above repeat it per property), and
// why any passed property was truncated.
std::string KOfN(std::uint64_t hit, std::uint64_t total) {
  return std::to_string(hit) + " of " + (total ? std::to_string(total) : std::string("?"));
}

// "; model states 40 of 52, transitions 120 of 300, logger crash points 12 of 14": the model
// coverage of a protocol's search (the same in each of its properties), or "" when the report
// has none.
std::string CoverageOf(const Report& report, const std::string& protocol) {
  for (const PropertyResult& p : report.properties) {
    const Coverage& c = p.coverage;
    if (p.protocol != protocol || (c.states_hit == 0 && c.transitions_hit == 0)) continue;
    std::string out = "; model states " + KOfN(c.states_hit, c.states_total) + ", transitions " +
                      KOfN(c.transitions_hit, c.transitions_total);
    for (const auto& [process, names] : c.crash_points_possible) {
      const auto hit = std::count_if(names.begin(), names.end(), [&](const std::string& n) {
        const auto it = c.crash_points.find(n);
        return it != c.crash_points.end() && it->second > 0;
      });
      out += ", " + process + " crash points " +
             KOfN(static_cast<std::uint64_t>(hit), names.size());
    }
    if (c.trace_events > 0) out += ", " + std::to_string(c.trace_events) + " trace events validated";
    for (const auto& [name, n] : c.overlaps) out += ", " + name + " " + std::to_string(n);
    for (const auto& [rule, ms] : c.tolerances_ms) {
      out += ", tolerance " + rule + " " + std::to_string(ms) + " ms";
    }
    return out;
  }
  return "";
}

std::string Totals(const Report& report) {
  std::ostringstream out;
  for (const auto& [protocol, t] : TotalsByProtocol(report.properties)) {
    out << "  " << protocol << ": " << t.cases << " cases, " << t.steps << " steps, "
        << Total(t.faults_by_kind) << " faults, " << Milliseconds(t.duration_ms)
        << CoverageOf(report, protocol) << '\n';
  }
  std::vector<std::string> reasons;
  for (const PropertyResult& p : report.properties) {
    if (!p.truncated) continue;
    const std::string line = "  * " + p.protocol + ": " + p.reason + '\n';
    if (std::find(reasons.begin(), reasons.end(), line) == reasons.end()) reasons.push_back(line);
  }
  for (const std::string& line : reasons) out << line;
  return out.str();
}

}  // namespace

std::string ShowReport(const nlohmann::json& ctrf) {
  const Report report = ReportFromCtrf(ctrf);
  std::vector<Row> rows = {{"PROPERTY", "PROTOCOL", "VERDICT", "CASES", "STEPS", "FAULTS", "TIME"}};
  for (const PropertyResult& p : report.properties) {
    rows.push_back({TestName(p), p.protocol,
                    std::string(VerdictName(p.verdict)) + (p.truncated ? "*" : ""),
                    std::to_string(p.cases), std::to_string(p.steps),
                    std::to_string(Total(p.faults_by_kind)), Milliseconds(p.duration_ms)});
  }
  return Headline(report) + "\n" + Table(rows) + Totals(report) + Problems(report);
}

namespace {

using Key = std::pair<std::string, std::string>;  // (protocol, test name)

std::map<Key, const PropertyResult*> Index(const Report& report) {
  std::map<Key, const PropertyResult*> out;
  for (const PropertyResult& p : report.properties) out.emplace(Key{p.protocol, TestName(p)}, &p);
  return out;
}

std::string Label(const Key& key) { return key.second + " [" + key.first + "]"; }

// One line for a property present in both reports, or "" when nothing changed.
std::string Change(const Key& key, const PropertyResult& a, const PropertyResult& b) {
  std::string line;
  if (a.verdict != b.verdict) {
    line += std::string(VerdictName(a.verdict)) + " -> " + std::string(VerdictName(b.verdict));
  }
  if (a.cases != b.cases) {
    line += (line.empty() ? "" : ", ") + std::string("cases ") + std::to_string(a.cases) +
            " -> " + std::to_string(b.cases);
  }
  return line.empty() ? "" : "~ " + Label(key) + ": " + line + "\n";
}

// passed < other < failed: how bad a verdict is.
int Badness(Verdict v) { return v == Verdict::kPassed ? 0 : v == Verdict::kOther ? 1 : 2; }

}  // namespace

ReportDiff DiffReports(const nlohmann::json& a, const nlohmann::json& b) {
  const Report before = ReportFromCtrf(a), after = ReportFromCtrf(b);
  const auto old_index = Index(before), new_index = Index(after);
  std::ostringstream out;
  ReportDiff diff;
  const Verdict va = OverallVerdict(a), vb = OverallVerdict(b);
  diff.worse = Badness(vb) > Badness(va);
  if (va != vb) out << "verdict: " << VerdictName(va) << " -> " << VerdictName(vb) << '\n';
  for (const PropertyResult& p : after.properties) {
    const Key key{p.protocol, TestName(p)};
    auto old = old_index.find(key);
    if (old == old_index.end()) {
      out << "+ " << Label(key) << ": new, " << VerdictName(p.verdict) << ", cases " << p.cases
          << '\n';
    } else {
      out << Change(key, *old->second, p);
      diff.worse |= Badness(p.verdict) > Badness(old->second->verdict);
    }
  }
  for (const PropertyResult& p : before.properties) {
    const Key key{p.protocol, TestName(p)};
    if (!new_index.contains(key)) {
      out << "- " << Label(key) << ": removed (was " << VerdictName(p.verdict) << ")\n";
      diff.worse = true;
    }
  }
  diff.text = out.str();
  if (diff.text.empty()) diff.text = "no differences in verdicts, properties or case counts\n";
  return diff;
}

}  // namespace lockstep::reports
