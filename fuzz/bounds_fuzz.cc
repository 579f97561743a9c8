// Fuzz target: search bounds text (`lockstep check-model --bounds`), read by both models'
// ParseBounds (model/state_transfer/explore.h, model/resync/explore.h; the grammar is
// model/explore/bounds_text.h). Checks, besides never crashing: bounds accepted print
// (ToString) as text that parses back to the same bounds, whatever base it overrides, since
// ToString names every field.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "model/resync/explore.h"
#include "model/state_transfer/explore.h"

namespace {

template <class Bounds, class Parse, class Print>
void Check(std::string_view text, Bounds other_base, Parse parse, Print print) {
  auto bounds = parse(text, Bounds{});
  if (!bounds) {
    FUZZ_CHECK(!bounds.error().message.empty(), "a refusal without a message");
    return;
  }
  const std::string printed = print(*bounds);
  auto again = parse(printed, other_base);
  FUZZ_CHECK(again.has_value(), "ToString text refused: '%s': %s", printed.c_str(),
             again.error().message.c_str());
  FUZZ_CHECK(*again == *bounds, "'%s' parses back as '%s'", printed.c_str(),
             print(*again).c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace st = lockstep::model::st;
  namespace rs = lockstep::model::rs;
  Check<st::Bounds>(
      text, st::CoverageBounds(),
      [](std::string_view t, st::Bounds base) { return st::ParseBounds(t, base); },
      [](const st::Bounds& b) { return st::ToString(b); });
  Check<rs::Bounds>(
      text, rs::CoverageBounds(),
      [](std::string_view t, rs::Bounds base) { return rs::ParseBounds(t, base); },
      [](const rs::Bounds& b) { return rs::ToString(b); });
  return 0;
}
