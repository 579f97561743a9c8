// Fuzz target: a reproduce string as `lockstep replay --reproduce` decodes it
// (harness/property/reproduce.h, DecodeReproduce). Checks, besides never crashing: a string
// accepted re-encodes (EncodeReproduce, with the protocol's fields as decoded) into one that
// decodes to the same reproduction, and re-encoding that gives the same text again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "harness/property/reproduce.h"

using lockstep::harness::DecodeReproduce;
using lockstep::harness::EncodeReproduce;
using lockstep::harness::Reproduction;

namespace {

std::string Encode(const Reproduction& r) {
  std::vector<std::pair<std::string, std::string>> fields(r.settings.protocol_options.begin(),
                                                          r.settings.protocol_options.end());
  return EncodeReproduce(r.protocol, r.settings, fields, r.steps);
}

bool Same(const Reproduction& a, const Reproduction& b) {
  const auto& x = a.settings;
  const auto& y = b.settings;
  return a.protocol == b.protocol && a.steps == b.steps && x.seed == y.seed && x.bug == y.bug &&
         x.fault_dir_bytes == y.fault_dir_bytes && x.quiet_deadline == y.quiet_deadline &&
         x.impl_dir == y.impl_dir && x.impl_digest == y.impl_digest &&
         x.protocol_options == y.protocol_options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto decoded = DecodeReproduce(text);
  if (!decoded) {
    FUZZ_CHECK(!decoded.error().message.empty(), "a refusal without a message");
    return 0;
  }
  FUZZ_CHECK(!decoded->protocol.empty() && !decoded->steps.empty(), "accepted without protocol or steps");
  FUZZ_CHECK(decoded->settings.fault_dir_bytes > 0 && decoded->settings.quiet_deadline.count() > 0,
             "accepted a setting that is not positive");
  const std::string encoded = Encode(*decoded);
  auto again = DecodeReproduce(encoded);
  FUZZ_CHECK(again.has_value(), "re-encoded string refused: %s\n  input:      %s\n  re-encoded: %s",
             again.error().message.c_str(), text.c_str(), encoded.c_str());
  FUZZ_CHECK(Same(*decoded, *again), "re-encoded string decodes differently\n  input: %s\n  re-encoded: %s",
             text.c_str(), encoded.c_str());
  FUZZ_CHECK(Encode(*again) == encoded, "encoding is not stable: %s", encoded.c_str());
  return 0;
}
