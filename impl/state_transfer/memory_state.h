// MemoryState: the volatile state of a logger side — per key, the number of inputs that
// touched the key since the pair last started from cold. Never written to the data directory;
// it travels only inside a state transfer (through the sender's temp file).
//
// JSON form: {"k": N, ...} with N a non-negative integer.
// Thread safety: plain value.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>

#include "base/result.h"

namespace lockstep::impl {

using MemoryState = std::map<std::string, std::uint64_t>;

inline nlohmann::json MemoryToJson(const MemoryState& memory) { return nlohmann::json(memory); }

[[nodiscard]] inline Result<MemoryState> MemoryFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return Fail("memory state is not a JSON object");
  MemoryState memory;
  for (const auto& [key, count] : json.items()) {
    if (!count.is_number_unsigned()) return Fail("memory count of '" + key + "' is not a count");
    memory[key] = count.get<std::uint64_t>();
  }
  return memory;
}

}  // namespace lockstep::impl
