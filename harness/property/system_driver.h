// SystemDriver<Settings>: what every protocol's system driver (P::System, protocol.h) holds for
// one test case, written once: the sandbox it runs in, its settings, the case record it
// writes, the directory faults it has active, and the one rule for how long a request to the
// real processes may take.
//
// A driver derives from SystemDriver<its settings>. Its destructor tears its processes down
// (RoleProcess::TearDown, in the order the report shows them); the faults still active are
// removed after that, as the base is destroyed (ActiveFaults::~ActiveFaults).
//
// Thread safety: single-threaded, like the drivers.
#pragma once

#include <chrono>

#include "harness/os/sandbox.h"
#include "harness/property/active_faults.h"
#include "harness/property/case_record.h"

namespace lockstep::harness {

template <class Settings>
class SystemDriver {
 public:
  SystemDriver(const SystemDriver&) = delete;
  SystemDriver& operator=(const SystemDriver&) = delete;

  CaseRecord& record() { return *record_; }

 protected:
  // `longest_wait`: the longest a request may legitimately take in this protocol with these
  // settings (a transfer's timeout, a lock wait); RequestTimeout() adds the quiet deadline.
  // REQUIRES: sandbox and *record outlive the driver.
  SystemDriver(Sandbox& sandbox, const Settings& settings, CaseRecord* record,
               std::chrono::milliseconds longest_wait)
      : sandbox_(sandbox),
        settings_(settings),
        record_(record),
        faults_(sandbox, *record),
        longest_wait_(longest_wait) {}
  ~SystemDriver() = default;

  // How long to wait for an answer, or for a quiet point, before observing anyway.
  std::chrono::milliseconds RequestTimeout() const {
    return longest_wait_ + settings_.quiet_deadline;
  }

  Sandbox& sandbox_;
  const Settings settings_;
  CaseRecord* const record_;
  ActiveFaults faults_;  // after sandbox_ and record_, which it uses

 private:
  const std::chrono::milliseconds longest_wait_;
};

}  // namespace lockstep::harness
