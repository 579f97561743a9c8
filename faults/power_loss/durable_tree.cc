#include "faults/power_loss/durable_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>
#include <vector>

namespace lockstep::faults::power_loss {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    const std::size_t j = path.find('/', i);
    const std::size_t end = j == std::string::npos ? path.size() : j;
    if (end > i) parts.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  return parts;
}

Result<std::string> ReadBytes(const fs::path& file) {
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return FailErrno("power-loss fs: cannot open " + file.string());
  std::string bytes;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) bytes.append(buf, static_cast<std::size_t>(n));
  const int err = errno;
  close(fd);
  if (n < 0) return FailErrno("power-loss fs: cannot read " + file.string(), err);
  return bytes;
}

Status WriteNewFile(const fs::path& file, const std::string& bytes, mode_t mode, uid_t uid, gid_t gid) {
  const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return FailErrno("power-loss fs: cannot recreate " + file.string());
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      close(fd);
      return FailErrno("power-loss fs: cannot write " + file.string(), err);
    }
    done += static_cast<std::size_t>(n);
  }
  // Owner first: chown clears set-id bits that the mode then restores.
  if (fchown(fd, uid, gid) != 0 && errno != EPERM) {
    const int err = errno;
    close(fd);
    return FailErrno("power-loss fs: cannot chown " + file.string(), err);
  }
  if (fchmod(fd, mode & 07777) != 0) {
    const int err = errno;
    close(fd);
    return FailErrno("power-loss fs: cannot chmod " + file.string(), err);
  }
  close(fd);
  return {};
}

}  // namespace

Result<DurableTree> DurableTree::Load(const fs::path& backing) {
  DurableTree tree;
  struct stat st {};
  if (lstat(backing.c_str(), &st) != 0) return FailErrno("power-loss fs: backing directory " + backing.string());
  if (!S_ISDIR(st.st_mode)) return Fail("power-loss fs: backing directory " + backing.string() + " is not a directory", ENOTDIR);
  tree.Add(Node{.directory = true, .mode = st.st_mode & 07777, .uid = st.st_uid, .gid = st.st_gid});
  std::unordered_map<ino_t, NodeId> files;  // one backing directory is one filesystem
  if (auto s = tree.LoadDirectory(backing, kRoot, files); !s) return std::unexpected(s.error());
  return tree;
}

Status DurableTree::LoadDirectory(const fs::path& dir, NodeId node, std::unordered_map<ino_t, NodeId>& files) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(it->path());
  if (ec) return Fail("power-loss fs: cannot list " + dir.string() + ": " + ec.message(), ec.value());
  for (const fs::path& entry : entries) {
    struct stat st {};
    if (lstat(entry.c_str(), &st) != 0) return FailErrno("power-loss fs: cannot stat " + entry.string());
    const std::string name = entry.filename().string();
    if (S_ISDIR(st.st_mode)) {
      const NodeId child = Add(Node{.directory = true, .mode = st.st_mode & 07777, .uid = st.st_uid, .gid = st.st_gid});
      nodes_[node].live[name] = nodes_[node].durable[name] = child;
      if (auto s = LoadDirectory(entry, child, files); !s) return s;
    } else if (S_ISREG(st.st_mode)) {
      if (auto linked = files.find(st.st_ino); linked != files.end()) {  // another name of a file seen
        nodes_[node].live[name] = nodes_[node].durable[name] = linked->second;
        continue;
      }
      auto bytes = ReadBytes(entry);
      if (!bytes) return std::unexpected(bytes.error());
      const NodeId child = Add(Node{.mode = st.st_mode & 07777, .uid = st.st_uid, .gid = st.st_gid,
                                    .durable_bytes = std::move(*bytes)});
      nodes_[node].live[name] = nodes_[node].durable[name] = child;
      files[st.st_ino] = child;
    } else {
      return Fail("power-loss fs: " + entry.string() +
                      " is neither a regular file nor a directory (symlinks and special files are not modelled)",
                  EINVAL);
    }
  }
  return {};
}

NodeId DurableTree::Add(Node node) {
  const NodeId id = next_++;
  nodes_.emplace(id, std::move(node));
  return id;
}

std::optional<NodeId> DurableTree::Resolve(const std::string& path) const {
  NodeId at = kRoot;
  for (const std::string& part : Components(path)) {
    const Node& n = nodes_.at(at);
    auto it = n.live.find(part);
    if (it == n.live.end()) return std::nullopt;
    at = it->second;
  }
  return at;
}

bool DurableTree::IsDirectory(NodeId node) const { return nodes_.at(node).directory; }

std::optional<std::pair<NodeId, std::string>> DurableTree::Parent(const std::string& path) const {
  std::vector<std::string> parts = Components(path);
  if (parts.empty()) return std::nullopt;
  const std::string last = parts.back();
  const std::string parent = path.substr(0, path.rfind('/'));
  auto p = Resolve(parent);
  if (!p) return std::nullopt;
  return std::make_pair(*p, last);
}

NodeId DurableTree::Created(const std::string& path, bool directory, mode_t mode, uid_t uid, gid_t gid) {
  const NodeId id = Add(Node{.directory = directory, .mode = mode & 07777, .uid = uid, .gid = gid});
  if (auto p = Parent(path)) nodes_[p->first].live[p->second] = id;
  return id;
}

void DurableTree::Removed(const std::string& path) {
  if (auto p = Parent(path)) nodes_[p->first].live.erase(p->second);
}

void DurableTree::Renamed(const std::string& from, const std::string& to) {
  auto f = Parent(from);
  auto t = Parent(to);
  if (!f || !t) return;
  auto it = nodes_[f->first].live.find(f->second);
  if (it == nodes_[f->first].live.end()) return;
  const NodeId moved = it->second;
  // Two names of one file: rename(2) does nothing.
  if (auto target = nodes_[t->first].live.find(t->second); target != nodes_[t->first].live.end() && target->second == moved) return;
  nodes_[f->first].live.erase(it);
  nodes_[t->first].live[t->second] = moved;
}

void DurableTree::Linked(const std::string& existing, const std::string& to) {
  auto node = Resolve(existing);
  auto t = Parent(to);
  if (node && t) nodes_[t->first].live[t->second] = *node;
}

void DurableTree::ModeChanged(NodeId node, mode_t mode) { nodes_.at(node).mode = mode & 07777; }

void DurableTree::OwnerChanged(NodeId node, uid_t uid, gid_t gid) {
  Node& n = nodes_.at(node);
  if (uid != static_cast<uid_t>(-1)) n.uid = uid;
  if (gid != static_cast<gid_t>(-1)) n.gid = gid;
}

void DurableTree::SyncFile(NodeId node, std::string bytes) {
  nodes_.at(node).durable_bytes = std::move(bytes);
  if (last_write_ && last_write_->node == node) last_write_.reset();
}

void DurableTree::SyncDirectory(NodeId node) {
  Node& n = nodes_.at(node);
  n.durable = n.live;
}

void DurableTree::Wrote(NodeId node, off_t offset, std::string_view bytes) {
  last_write_ = LastWrite{.node = node, .offset = offset, .bytes = std::string(bytes)};
}

Result<RestoreCounts> DurableTree::Restore(const fs::path& backing, std::uint64_t torn_write_bytes) {
  if (last_write_ && torn_write_bytes > 0 && nodes_.contains(last_write_->node)) {
    std::string& durable = nodes_[last_write_->node].durable_bytes;
    const std::size_t keep = std::min<std::size_t>(torn_write_bytes, last_write_->bytes.size());
    const std::size_t offset = static_cast<std::size_t>(last_write_->offset);
    if (durable.size() < offset + keep) durable.resize(offset + keep, '\0');
    durable.replace(offset, keep, last_write_->bytes, 0, keep);
  }
  last_write_.reset();

  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(backing, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(it->path());
  if (ec) return Fail("power-loss fs: cannot list " + backing.string() + ": " + ec.message(), ec.value());
  for (const fs::path& entry : entries) {
    fs::remove_all(entry, ec);
    if (ec) return Fail("power-loss fs: cannot remove " + entry.string() + ": " + ec.message(), ec.value());
  }

  RestoreCounts counts;
  std::unordered_map<NodeId, fs::path> made{{kRoot, backing}};
  if (auto s = RestoreDirectory(backing, kRoot, made, counts); !s) return std::unexpected(s.error());
  // The live state is now the durable one, and nodes nothing names are gone.
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    if (!made.contains(it->first)) {
      it = nodes_.erase(it);
    } else {
      it->second.live = it->second.durable;
      ++it;
    }
  }
  return counts;
}

Status DurableTree::RestoreDirectory(const fs::path& dir, NodeId node,
                                     std::unordered_map<NodeId, fs::path>& made, RestoreCounts& counts) {
  ++counts.directories;
  // Copy: dropped names are erased from the map while it is walked.
  const std::map<std::string, NodeId> entries = nodes_.at(node).durable;
  for (const auto& [name, child] : entries) {
    const fs::path path = dir / name;
    Node& c = nodes_.at(child);
    if (c.directory) {
      if (made.contains(child)) {
        nodes_.at(node).durable.erase(name);
        ++counts.dropped_names;
        continue;
      }
      if (mkdir(path.c_str(), 0700) != 0) return FailErrno("power-loss fs: cannot recreate " + path.string());
      made[child] = path;
      if (auto s = RestoreDirectory(path, child, made, counts); !s) return s;
      if (chown(path.c_str(), c.uid, c.gid) != 0 && errno != EPERM) return FailErrno("power-loss fs: cannot chown " + path.string());
      if (chmod(path.c_str(), c.mode) != 0) return FailErrno("power-loss fs: cannot chmod " + path.string());
    } else if (auto it = made.find(child); it != made.end()) {
      if (link(it->second.c_str(), path.c_str()) != 0) return FailErrno("power-loss fs: cannot link " + path.string());
    } else {
      if (auto s = WriteNewFile(path, c.durable_bytes, c.mode, c.uid, c.gid); !s) return s;
      made[child] = path;
      ++counts.files;
      counts.bytes += c.durable_bytes.size();
    }
  }
  return {};
}

}  // namespace lockstep::faults::power_loss
