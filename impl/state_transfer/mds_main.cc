// mds: the message delivery service of the duplexed logger. Command line and exit statuses:
// impl/README.md.
#include <cstdio>

#include "impl/common/args.h"
#include "impl/common/crash_point.h"
#include "impl/common/version.h"
#include "impl/state_transfer/exit_status.h"
#include "impl/state_transfer/mds.h"

int main(int argc, char** argv) {
  using namespace lockstep::impl;
  if (VersionRequested(argc, argv)) return PrintVersion();
  if (CrashArmingRefused("mds")) return kExitUsage;
  auto args = CommandLine::Parse(argc, argv, {"--socket", "--data-dir", "--log", "--trace"}, {});
  MdsConfig config;
  lockstep::Status status = args ? lockstep::Status() : std::unexpected(args.error());
  for (const auto& [name, field] : {std::pair{"--socket", &config.socket},
                                    std::pair{"--data-dir", &config.data_dir},
                                    std::pair{"--log", &config.log_path}}) {
    if (!status) break;
    auto value = args->Required(name);
    if (!value) status = std::unexpected(value.error());
    else *field = *value;
  }
  if (status) {
    auto trace = args->Optional("--trace");
    if (!trace) status = std::unexpected(trace.error());
    else config.trace_path = trace->value_or("");
  }
  if (!status) {
    std::fprintf(stderr,
                 "mds: %s\nusage: mds --socket PATH --data-dir DIR --log FILE [--trace FILE]\n",
                 status.error().message.c_str());
    return kExitUsage;
  }
  Mds mds(std::move(config));
  return mds.Run();
}
