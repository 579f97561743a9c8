// Exit statuses of the state-transfer processes (impl/README.md, "Exit statuses").
#pragma once

namespace lockstep::impl {

inline constexpr int kExitShutdown = 0;        // shut down on request
inline constexpr int kExitSetup = 1;           // control socket or log could not be set up
inline constexpr int kExitUsage = 2;           // bad command line
inline constexpr int kExitDataError = 3;       // database could not be opened or made durable
inline constexpr int kExitReceiverAssert = 4;  // receiver not in service within the timeout
inline constexpr int kExitMdsLink = 5;         // logger: the mds link failed or ended

}  // namespace lockstep::impl
