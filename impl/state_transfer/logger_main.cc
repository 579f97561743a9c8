// logger: one side of the duplexed logger, or an offline tool on a side's data directory.
// Command lines and exit statuses: impl/README.md.
#include <cstdint>
#include <cstdio>
#include <string>
#include <iostream>

#include "impl/common/args.h"
#include "impl/common/crash_point.h"
#include "impl/common/version.h"
#include "impl/state_transfer/database.h"
#include "impl/state_transfer/exit_status.h"
#include "impl/state_transfer/logger.h"

namespace lockstep::impl {
namespace {

// The longest receiver timeout taken: a day. Longer ones would overflow the deadline
// arithmetic (steady_clock::now() + the timeout, in nanoseconds).
constexpr std::uint64_t kMaxTransferTimeoutMs = 86'400'000;

int Usage(const std::string& problem) {
  std::fprintf(stderr,
               "logger: %s\n"
               "usage: logger --side A|B --mds PATH --socket PATH --data-dir DIR --temp-dir DIR "
               "--log FILE [--log-capacity N] [--transfer-timeout-ms MS] [--trace FILE]\n"
               "       logger --dump --data-dir DIR\n"
               "       logger --offline-synchronize --from DIR --to DIR\n",
               problem.c_str());
  return kExitUsage;
}

int Dump(const CommandLine& args) {
  auto dir = args.Required("--data-dir");
  if (!dir) return Usage(dir.error().message);
  auto db = LoadDatabase(*dir);
  if (!db) {
    std::fprintf(stderr, "logger --dump: %s\n", db.error().message.c_str());
    return kExitDataError;
  }
  std::cout << db->ToJson().dump() << "\n";
  return kExitShutdown;
}

int OfflineSynchronize(const CommandLine& args) {
  auto from = args.Required("--from");
  if (!from) return Usage(from.error().message);
  auto to = args.Required("--to");
  if (!to) return Usage(to.error().message);
  if (auto s = CopyDatabase(*from, *to); !s) {
    std::fprintf(stderr, "logger --offline-synchronize: %s\n", s.error().message.c_str());
    return kExitDataError;
  }
  return kExitShutdown;
}

Result<LoggerConfig> ParseConfig(const CommandLine& args) {
  LoggerConfig config;
  for (const auto& [name, field] :
       {std::pair{"--side", &config.side}, std::pair{"--mds", &config.mds_socket},
        std::pair{"--socket", &config.control_socket}, std::pair{"--data-dir", &config.data_dir},
        std::pair{"--temp-dir", &config.temp_dir}, std::pair{"--log", &config.log_path}}) {
    auto value = args.Required(name);
    if (!value) return std::unexpected(value.error());
    *field = *value;
  }
  if (config.side != "A" && config.side != "B") return Fail("argument --side must be A or B");
  auto capacity = args.Number("--log-capacity", config.log_capacity);
  if (!capacity) return std::unexpected(capacity.error());
  config.log_capacity = *capacity;
  auto timeout = args.Number("--transfer-timeout-ms", config.transfer_timeout_ms);
  if (!timeout) return std::unexpected(timeout.error());
  if (*timeout == 0 || *timeout > kMaxTransferTimeoutMs) {
    return Fail("argument --transfer-timeout-ms must be from 1 to " +
                std::to_string(kMaxTransferTimeoutMs) + " (a day), not " +
                std::to_string(*timeout));
  }
  config.transfer_timeout_ms = *timeout;
  auto trace = args.Optional("--trace");
  if (!trace) return std::unexpected(trace.error());
  config.trace_path = trace->value_or("");
  return config;
}

int Main(int argc, char** argv) {
  auto args = CommandLine::Parse(
      argc, argv,
      {"--side", "--mds", "--socket", "--data-dir", "--temp-dir", "--log", "--log-capacity",
       "--transfer-timeout-ms", "--trace", "--from", "--to"},
      {"--dump", "--offline-synchronize"});
  if (!args) return Usage(args.error().message);
  if (args->Has("--dump")) return Dump(*args);
  if (args->Has("--offline-synchronize")) return OfflineSynchronize(*args);
  auto config = ParseConfig(*args);
  if (!config) return Usage(config.error().message);
  Logger logger(std::move(*config));
  return logger.Run();
}

}  // namespace
}  // namespace lockstep::impl

int main(int argc, char** argv) {
  if (lockstep::impl::VersionRequested(argc, argv)) return lockstep::impl::PrintVersion();
  if (lockstep::impl::CrashArmingRefused("logger")) return lockstep::impl::kExitUsage;
  return lockstep::impl::Main(argc, argv);
}
