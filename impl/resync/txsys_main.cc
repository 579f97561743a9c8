// txsys: one transaction system of protocol 2. Command line and exit statuses:
// impl/resync/README.md.
#include <cstdio>

#include "impl/common/args.h"
#include "impl/common/version.h"
#include "impl/resync/exit_status.h"
#include "impl/resync/txsys.h"

namespace lockstep::impl::resync {
namespace {

constexpr const char* kUsage =
    "usage: txsys --name SYSTEM73 --socket PATH --data-dir DIR --journal DIR --log FILE\n"
    "             --partners SYSTEM74=PATH[,SYSTEM75=PATH] [--lock-wait-ms N (default 5000)]\n";

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
                                  "--partners", "--lock-wait-ms"},
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
  auto parsed = ParsePartners(partners, config.name);
  if (!parsed) return std::unexpected(parsed.error());
  config.partners = std::move(*parsed);
  auto wait = args->Number("--lock-wait-ms", config.lock_wait_ms);
  if (!wait) return std::unexpected(wait.error());
  if (*wait == 0) return Fail("argument --lock-wait-ms must be positive");
  config.lock_wait_ms = *wait;
  return config;
}

}  // namespace
}  // namespace lockstep::impl::resync

int main(int argc, char** argv) {
  using namespace lockstep::impl::resync;
  if (lockstep::impl::VersionRequested(argc, argv)) return lockstep::impl::PrintVersion();
  auto config = ParseConfig(argc, argv);
  if (!config) {
    std::fprintf(stderr, "txsys: %s\n%s", config.error().message.c_str(), kUsage);
    return kExitUsage;
  }
  TxSystem system(std::move(*config));
  return system.Run();
}
