// StopRequest: a SIGINT or SIGTERM asks a lockstep command to stop where it stands and write
// what it has, instead of dying with nothing written.
//
// InstallStopHandlers() makes SIGINT and SIGTERM set a process-wide flag (and nothing else:
// the handler only stores the signal number, which is async-signal-safe). The command polls
// StopSignal() at its own safe points: `lockstep campaign` between worker polls, the property
// runner before every test case and every shrink candidate (harness/property/property_runner.h).
// A second signal of either kind after the first keeps the first's number; the command still
// stops once.
//
// Thread safety: StopSignal() may be read from any thread; the flag is a lock-free atomic.
#pragma once

namespace lockstep::harness {

// Installs the SIGINT and SIGTERM handlers. Idempotent.
void InstallStopHandlers();

// The signal that asked to stop (SIGINT or SIGTERM), or 0 while none has.
int StopSignal();

// "SIGINT", "SIGTERM", or "" for 0: the name a report records.
const char* StopSignalName(int signal);

// For tests and for a command that handles one stop and goes on: back to "none asked".
void ClearStopRequest();

}  // namespace lockstep::harness
