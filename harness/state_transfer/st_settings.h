// The state-transfer protocol's own settings (SettingsFor<StOwnSettings> is what its model
// binding and its system driver read). Every member has a SettingField in
// StateTransferProtocol::SettingFields(); tests/harness/protocol_settings_test.cc checks so.
#pragma once

#include <chrono>
#include <cstddef>

#include "harness/property/run_settings.h"

namespace lockstep::harness {

struct StOwnSettings {
  std::chrono::milliseconds transfer_timeout{250};  // the loggers' receiver timeout
  std::size_t log_capacity = 4;  // config message log entries (logger --log-capacity, model)
  bool operator==(const StOwnSettings&) const = default;
};

using StSettings = SettingsFor<StOwnSettings>;

}  // namespace lockstep::harness
