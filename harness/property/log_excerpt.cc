#include "harness/property/log_excerpt.h"

#include <deque>
#include <fstream>

namespace lockstep::harness {

std::string LastLines(const std::filesystem::path& file, std::size_t lines) {
  std::ifstream in(file);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(std::move(line));
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& line : tail) out += line + "\n";
  return out;
}

}  // namespace lockstep::harness
