#include "reports/text.h"

#include <sstream>

namespace lockstep::reports {

std::string EscapeMarkup(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += quotes ? "&quot;" : "\""; break;
      case '\'': out += quotes ? "&#39;" : "'"; break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";  // U+FFFD: XML 1.0 cannot carry this character at all
        } else {
          out += c;
        }
      }
    }
  }
  return out;
}

std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string ReplayCommand(std::string_view reproduce) {
  return "lockstep replay --reproduce " + ShellQuote(reproduce);
}

namespace {

void AppendFaultsAt(std::ostringstream& out, const Counterexample& cx, int step,
                    std::string_view indent) {
  for (const FaultRecord& f : cx.faults) {
    if (f.step != step) continue;
    out << indent << "      [fault] " << f.kind << " on " << f.target;
    if (!f.mechanism.empty()) out << " (" << f.mechanism << ")";
    out << '\n';
  }
}

void AppendProcesses(std::ostringstream& out, const Counterexample& cx,
                     std::string_view indent) {
  if (cx.processes.empty()) return;
  out << indent << "processes:\n";
  for (const ProcessRecord& p : cx.processes) {
    out << indent << "  " << p.name << ": " << p.exit << '\n';
    std::istringstream lines(p.log_excerpt);
    for (std::string line; std::getline(lines, line);) {
      out << indent << "    | " << line << '\n';
    }
  }
}

}  // namespace

std::string CounterexampleText(const Counterexample& cx, std::string_view indent) {
  std::ostringstream out;
  if (!cx.message.empty()) out << indent << "violated: " << cx.message << '\n';
  out << indent << "shrunk counterexample (" << cx.shrunk.size() << " steps, from "
      << cx.original.size() << " in " << cx.shrink_steps << " shrink steps"
      << (cx.shrink_stopped.empty() ? "" : "; shrinking stopped early, " + cx.shrink_stopped +
                                                ", so it may not be minimal")
      << "):\n";
  for (const FaultRecord& f : cx.faults) {
    if (f.step == 0) {
      out << indent << "   0. (before the first command)\n";
      AppendFaultsAt(out, cx, 0, indent);
      break;
    }
  }
  for (std::size_t i = 0; i < cx.shrunk.size(); ++i) {
    const int step = static_cast<int>(i) + 1;
    out << indent << "  " << (step < 10 ? " " : "") << step << ". " << cx.shrunk[i] << '\n';
    AppendFaultsAt(out, cx, step, indent);
  }
  for (const FaultRecord& f : cx.faults) {
    if (f.step < 0 || f.step > static_cast<int>(cx.shrunk.size())) {
      out << indent << "  [fault at step " << f.step << ", outside the sequence] " << f.kind
          << " on " << f.target << '\n';
    }
  }
  AppendProcesses(out, cx, indent);
  return out.str();
}

std::uint64_t Total(const std::map<std::string, std::uint64_t>& counts) {
  std::uint64_t total = 0;
  for (const auto& [name, n] : counts) total += n;
  return total;
}

}  // namespace lockstep::reports
