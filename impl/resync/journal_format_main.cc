// journal-format: prepares a fresh journal set for a stopped txsys, or (--stamp) prints the
// stamp a set holds. Command line and exit statuses: impl/resync/README.md, "Command lines"
// and "Exit statuses".
#include <cerrno>
#include <cstdio>

#include "impl/common/args.h"
#include "impl/common/version.h"
#include "impl/resync/exit_status.h"
#include "impl/resync/journal.h"

namespace {

using namespace lockstep::impl::resync;

// --stamp: one line on stdout, the set's stamp or empty when it has none yet; exit 0.
int PrintStamp(const std::string& dir) {
  auto stamp = ReadJournalStamp(dir);
  if (!stamp) {
    std::fprintf(stderr, "journal-format: %s\n", stamp.error().message.c_str());
    return kExitDataError;
  }
  std::printf("%s\n", stamp->c_str());
  return kExitShutdown;
}

// --records: one JSON line per record (journal.h, ListJournalRecords); exit 0.
int PrintRecords(const std::string& dir) {
  auto records = ListJournalRecords(dir);
  if (!records) {
    std::fprintf(stderr, "journal-format: %s\n", records.error().message.c_str());
    return kExitDataError;
  }
  std::fputs(records->c_str(), stdout);
  return kExitShutdown;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lockstep::impl;
  using namespace lockstep::impl::resync;
  if (VersionRequested(argc, argv)) return PrintVersion();
  auto args = CommandLine::Parse(argc, argv, {"--dir"}, {"--stamp", "--records"});
  auto dir = args ? args->Required("--dir") : lockstep::Result<std::string>(
                                                  std::unexpected(args.error()));
  if (!dir) {
    std::fprintf(stderr, "journal-format: %s\nusage: journal-format --dir DIR [--stamp | --records]\n",
                 dir.error().message.c_str());
    return kExitUsage;
  }
  if (args->Has("--stamp") && args->Has("--records")) {
    std::fprintf(stderr, "journal-format: --stamp and --records exclude each other\n"
                         "usage: journal-format --dir DIR [--stamp | --records]\n");
    return kExitUsage;
  }
  if (args->Has("--stamp")) return PrintStamp(*dir);
  if (args->Has("--records")) return PrintRecords(*dir);
  if (auto s = FormatJournal(*dir); !s) {
    std::fprintf(stderr, "journal-format: %s\n", s.error().message.c_str());
    if (s.error().errnum == EWOULDBLOCK) {
      std::fprintf(stderr, "journal-format: stop the txsys using %s first\n", dir->c_str());
      return kExitInUse;
    }
    return kExitDataError;
  }
  std::printf("journal-format: formatted journal set %s (the stamp is assigned at its first "
              "open)\n", dir->c_str());
  return kExitShutdown;
}
