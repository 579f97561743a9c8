// What a test needs to see a process tree from /proc: the live descendants of a process, and
// whether a pid is still alive (a zombie counts as gone).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace lockstep::testing {

// Every live process whose parent chain leads to `root` (root itself excluded).
inline std::set<pid_t> Descendants(pid_t root) {
  std::set<pid_t> found{root};
  bool grew = true;
  while (grew) {
    grew = false;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string line;
      std::getline(stat, line);
      auto close = line.rfind(')');
      if (close == std::string::npos) continue;
      pid_t ppid = 0;
      char state = 0;
      std::istringstream rest(line.substr(close + 2));
      rest >> state >> ppid;
      pid_t pid = std::stoi(name);
      if (found.contains(ppid) && !found.contains(pid) && state != 'Z') {
        found.insert(pid);
        grew = true;
      }
    }
  }
  found.erase(root);
  return found;
}

inline bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  auto close = line.rfind(')');
  return close != std::string::npos && line[close + 2] != 'Z';
}

}  // namespace lockstep::testing
