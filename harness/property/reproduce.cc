#include "harness/property/reproduce.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>
#include <utility>

namespace lockstep::harness {
namespace {

constexpr const char* kMagic = "lockstep1";
constexpr std::uint64_t kMaxQuietDeadlineMs = 24ull * 60 * 60 * 1000;

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

Result<std::uint64_t> Number(const std::map<std::string, std::string>& fields,
                             const std::string& name) {
  auto it = fields.find(name);
  if (it == fields.end()) return Fail("reproduce string has no '" + name + "=' field");
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (ec != std::errc() || end != it->second.data() + it->second.size()) {
    return Fail("reproduce string field '" + name + "' is not a number: '" + it->second + "'");
  }
  return value;
}

// impl-dir is a path: '%' and the field separator '|' are escaped.
std::string EscapePath(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '%') out += "%25";
    else if (c == '|') out += "%7C";
    else out += c;
  }
  return out;
}

Result<std::string> UnescapePath(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
    } else if (text.compare(i, 3, "%25") == 0) {
      out += '%', i += 2;
    } else if (text.compare(i, 3, "%7C") == 0) {
      out += '|', i += 2;
    } else {
      return Fail("reproduce string field 'impl-dir' has a bad escape at '" + text.substr(i, 3) +
                  "' (only %25 and %7C)");
    }
  }
  return out;
}

}  // namespace

std::string EncodeReproduce(const std::string& protocol, const RunSettings& s,
                            const std::vector<std::pair<std::string, std::string>>& protocol_fields,
                            const std::vector<std::string>& steps) {
  std::ostringstream out;
  out << kMagic << "|protocol=" << protocol << "|seed=" << s.seed << "|bug=" << s.bug
      << "|fault-dir-bytes=" << s.fault_dir_bytes
      << "|quiet-deadline-ms=" << s.quiet_deadline.count();
  if (!s.impl_dir.empty()) out << "|impl-dir=" << EscapePath(s.impl_dir.string());
  if (!s.impl_digest.empty()) out << "|impl-digest=" << s.impl_digest;
  if (s.faults.contains("power-loss")) {  // it changes how a case is set up: say so
    out << "|faults=";
    bool first = true;
    for (const auto& kind : s.faults) out << (std::exchange(first, false) ? "" : ",") << kind;
  }
  for (const auto& [name, value] : protocol_fields) out << "|" << name << "=" << value;
  out << "|steps=";
  for (std::size_t i = 0; i < steps.size(); ++i) out << (i ? ";" : "") << steps[i];
  return out.str();
}

Result<Reproduction> DecodeReproduce(const std::string& text) {
  auto parts = Split(text, '|');
  if (parts.empty() || parts[0] != kMagic) {
    return Fail("not a lockstep reproduce string (it must start with '" + std::string(kMagic) +
                "|'): '" + text.substr(0, 60) + "'");
  }
  std::map<std::string, std::string> fields;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    auto eq = parts[i].find('=');
    if (eq == std::string::npos) return Fail("reproduce string field without '=': '" + parts[i] + "'");
    const std::string name = parts[i].substr(0, eq);
    if (!fields.emplace(name, parts[i].substr(eq + 1)).second) {
      return Fail("reproduce string has the field '" + name + "' twice");
    }
  }
  Reproduction r;
  r.protocol = fields["protocol"];
  if (r.protocol.empty()) return Fail("reproduce string has no 'protocol=' field");
  if (!fields.contains("bug")) return Fail("reproduce string has no 'bug=' field");
  r.settings.bug = fields["bug"];
  auto seed = Number(fields, "seed");
  auto bytes = Number(fields, "fault-dir-bytes");
  auto quiet = Number(fields, "quiet-deadline-ms");
  for (auto* n : {&seed, &bytes, &quiet}) {
    if (!*n) return std::unexpected(n->error());
  }
  if (*bytes == 0) return Fail("reproduce string field 'fault-dir-bytes' must be positive");
  if (*quiet == 0) return Fail("reproduce string field 'quiet-deadline-ms' must be positive");
  // A std::chrono::milliseconds holds a signed count: a larger value wrapped to a negative
  // deadline (found by fuzz/reproduce_fuzz.cc). A day is far beyond any real one.
  if (*quiet > kMaxQuietDeadlineMs) {
    return Fail("reproduce string field 'quiet-deadline-ms' is " + std::to_string(*quiet) +
                ", more than a day (" + std::to_string(kMaxQuietDeadlineMs) + ")");
  }
  r.settings.seed = *seed;
  r.settings.fault_dir_bytes = *bytes;
  r.settings.quiet_deadline = std::chrono::milliseconds(*quiet);
  if (fields.contains("impl-dir")) {
    auto dir = UnescapePath(fields["impl-dir"]);
    if (!dir) return std::unexpected(dir.error());
    if (dir->empty() || (*dir)[0] != '/') {
      return Fail("reproduce string field 'impl-dir' is not an absolute path: '" + *dir + "'");
    }
    r.settings.impl_dir = *dir;
  }
  if (fields.contains("impl-digest")) r.settings.impl_digest = fields["impl-digest"];
  if (fields.contains("faults")) {
    r.settings.faults.clear();
    for (const auto& kind : Split(fields["faults"], ',')) {
      if (!kKnownFaultKinds.contains(kind)) {
        return Fail("reproduce string field 'faults' names an unknown fault kind '" + kind + "'");
      }
      r.settings.faults.insert(kind);
    }
  }
  if (!fields.contains("steps")) return Fail("reproduce string has no 'steps=' field");
  r.steps = Split(fields["steps"], ';');
  if (r.steps.empty()) return Fail("reproduce string has an empty 'steps=' list");
  // An empty step is no command, and a trailing one would not survive re-encoding.
  if (fields["steps"].back() == ';' ||
      std::find(r.steps.begin(), r.steps.end(), "") != r.steps.end()) {
    return Fail("reproduce string has an empty step in 'steps=': '" + fields["steps"] + "'");
  }
  for (const char* common : {"protocol", "bug", "seed", "fault-dir-bytes", "quiet-deadline-ms",
                             "impl-dir", "impl-digest", "faults", "steps"}) {
    fields.erase(common);
  }
  r.settings.protocol_options = std::move(fields);
  return r;
}

}  // namespace lockstep::harness
