// txsys: one transaction system of protocol 2. Command line and exit statuses:
// impl/resync/README.md.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

#include "impl/common/args.h"
#include "impl/common/crash_point.h"
#include "impl/common/version.h"
#include "impl/resync/exit_status.h"
#include "impl/resync/txsys.h"

namespace lockstep::impl::resync {
namespace {

constexpr const char* kUsage =
    "usage: txsys --name SYSTEM73 --socket PATH --data-dir DIR --journal DIR --log FILE\n"
    "             --partners SYSTEM74=PATH[,SYSTEM75=PATH] [--lock-wait-ms N (1..86400000, default 5000)]\n"
    "             [--trace FILE]\n";

// The longest lock wait taken: a day. Longer waits would overflow the deadline arithmetic
// (steady_clock::now() + the wait, in nanoseconds) long before 2^64 ms.
constexpr std::uint64_t kMaxLockWaitMs = 86'400'000;

// A system name as the spec writes them: "SYSTEM" and one to four digits (SYSTEM73). The name
// goes into DTRIDs ("SYSTEM73::..."), log lines and the --partners list, so it is kept to a
// form none of their separators can occur in.
Status CheckSystemName(const std::string& argument, const std::string& name) {
  const std::string digits = name.starts_with("SYSTEM") ? name.substr(6) : std::string();
  if (digits.empty() || digits.size() > 4 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Fail("argument " + argument + ": '" + name +
                "' is not a system name (SYSTEM and 1 to 4 digits, e.g. SYSTEM73)");
  }
  return {};
}

Result<std::map<std::string, std::string>> ParsePartners(const std::string& text,
                                                         const std::string& self) {
  std::map<std::string, std::string> partners;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      return Fail("argument --partners: '" + item + "' is not NAME=SOCKET");
    }
    const std::string name = item.substr(0, eq);
    if (auto s = CheckSystemName("--partners", name); !s) return std::unexpected(s.error());
    if (name == self || partners.contains(name)) {
      return Fail("argument --partners: '" + name + "' is this system or repeated");
    }
    partners[name] = item.substr(eq + 1);
    start = comma + 1;
  }
  return partners;
}

Result<TxConfig> ParseConfig(int argc, char** argv) {
  auto args = CommandLine::Parse(argc, argv,
                                 {"--name", "--socket", "--data-dir", "--journal", "--log",
                                  "--partners", "--lock-wait-ms", "--trace"},
                                 {});
  if (!args) return std::unexpected(args.error());
  TxConfig config;
  std::string partners;
  for (const auto& [name, field] :
       {std::pair{"--name", &config.name}, std::pair{"--socket", &config.socket},
        std::pair{"--data-dir", &config.data_dir}, std::pair{"--journal", &config.journal_dir},
        std::pair{"--log", &config.log_path}, std::pair{"--partners", &partners}}) {
    auto value = args->Required(name);
    if (!value) return std::unexpected(value.error());
    *field = *value;
  }
  if (auto s = CheckSystemName("--name", config.name); !s) return std::unexpected(s.error());
  auto parsed = ParsePartners(partners, config.name);
  if (!parsed) return std::unexpected(parsed.error());
  config.partners = std::move(*parsed);
  auto wait = args->Number("--lock-wait-ms", config.lock_wait_ms);
  if (!wait) return std::unexpected(wait.error());
  if (*wait == 0 || *wait > kMaxLockWaitMs) {
    return Fail("argument --lock-wait-ms must be from 1 to " + std::to_string(kMaxLockWaitMs) +
                " (a day), not " + std::to_string(*wait));
  }
  config.lock_wait_ms = *wait;
  auto trace = args->Optional("--trace");
  if (!trace) return std::unexpected(trace.error());
  config.trace_path = trace->value_or("");
  return config;
}

}  // namespace
}  // namespace lockstep::impl::resync

int main(int argc, char** argv) {
  using namespace lockstep::impl::resync;
  if (lockstep::impl::VersionRequested(argc, argv)) return lockstep::impl::PrintVersion();
  if (lockstep::impl::CrashArmingRefused("txsys")) return lockstep::impl::resync::kExitUsage;
  auto config = ParseConfig(argc, argv);
  if (!config) {
    std::fprintf(stderr, "txsys: %s\n%s", config.error().message.c_str(), kUsage);
    return kExitUsage;
  }
  TxSystem system(std::move(*config));
  return system.Run();
}
