// The resync protocol's own settings (SettingsFor<RsOwnSettings> is what its model binding and
// its system driver read). Every member has a SettingField in ResyncProtocol::SettingFields();
// tests/harness/protocol_settings_test.cc checks so.
#pragma once

#include <chrono>

#include "harness/property/run_settings.h"

namespace lockstep::harness {

struct RsOwnSettings {
  // txsys --lock-wait-ms: how long a locked or fenced access waits before failing.
  std::chrono::milliseconds lock_wait{150};
  // Systems in the model (SYSTEM73..); the generator starts the last of three only in some
  // cases, so most cases are two-system ones (docs/design.md, resync harness).
  int systems = 3;
  bool operator==(const RsOwnSettings&) const = default;
};

using RsSettings = SettingsFor<RsOwnSettings>;

}  // namespace lockstep::harness
