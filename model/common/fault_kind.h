// FaultKind: the two faults the harness injects on a directory of a real system (faults/: a
// full file system, ENOSPC, and a denied access, EACCES). Every protocol model injects the same
// two on its own directories (state transfer: a side's temp or data directory; resync: a
// system's journal directory) and spells them the same way in Describe() text and reports.
#pragma once

#include <cstdint>

#include "model/common/enum_names.h"

namespace lockstep::model {

enum class FaultKind : std::uint8_t { kDiskFull, kAccessDenied };
inline constexpr auto kFaultKindNames = MakeEnumNames<FaultKind>("disk-full", "access-denied");
inline const char* ToString(FaultKind k) { return kFaultKindNames.Name(k); }

}  // namespace lockstep::model
