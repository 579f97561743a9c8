// DurableTree: what a simulated disk under the power-loss filesystem holds for real, kept apart
// from what readers see. The filesystem (powerloss_fs.cc) applies every operation to its backing
// directory at once (that is the live state, what the mount shows) and tells this tree; the tree
// keeps, next to the live directory entries, the durable ones and each file's durable bytes.
// Restore() makes the backing directory exactly the durable state: the power cut.
//
// What becomes durable (docs/design.md, "Decision: power loss through a FUSE filesystem"):
//  * a file's bytes and size: as of its last fsync/fdatasync (SyncFile), the whole file;
//  * a directory's entries (names of files and subdirectories it holds, whatever the operation
//    that made or removed them: create, mkdir, rename, link, unlink, rmdir): as of that
//    directory's last fsync (SyncDirectory), all of them at once. A rename between two
//    directories is two independent changes: after a cut the node may be under both names, or
//    under neither, depending on which directory was synced;
//  * mode, owner: durable at once (chmod, chown are not modelled); timestamps are not kept.
// A node is identified by a NodeId of this tree, never by the backing inode number (which a
// Restore or an unlink-and-create reuses). Files and directories only: no symlinks, no devices.
//
// Thread safety: none; the filesystem runs single-threaded (-s) and owns the one tree.
// Invariants: the live entries mirror the backing directory as long as nothing but the
// filesystem changes it; node 0 is the root, never removed; a node no entry names any more (an
// unlinked file still open, say) is kept until the next Restore, which drops it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/result.h"

namespace lockstep::faults::power_loss {

using NodeId = std::uint64_t;
inline constexpr NodeId kRoot = 0;

struct RestoreCounts {
  int files = 0;
  int directories = 0;
  std::uint64_t bytes = 0;
  int dropped_names = 0;  // durable names of a directory already restored elsewhere (a cycle
                          // or a second name that the directory's renames left durable)
};

class DurableTree {
 public:
  // The tree of `backing` as it is now, all of it taken as durable (it is what the disk held
  // before the mount). Fails naming the path of a symlink or special file, or an I/O error.
  static Result<DurableTree> Load(const std::filesystem::path& backing);

  // The node at the live path ("/", "/a/b"), or nullopt when there is none.
  std::optional<NodeId> Resolve(const std::string& path) const;
  bool IsDirectory(NodeId node) const;

  // A successful create/mkdir of `path` (its parent exists in the tree): a new node, with no
  // durable bytes (a file whose name becomes durable before its data is empty after a cut).
  NodeId Created(const std::string& path, bool directory, mode_t mode, uid_t uid, gid_t gid);
  // A successful unlink/rmdir of `path`.
  void Removed(const std::string& path);
  // A successful rename (replacing what `to` named) or link.
  void Renamed(const std::string& from, const std::string& to);
  void Linked(const std::string& existing, const std::string& to);
  void ModeChanged(NodeId node, mode_t mode);
  void OwnerChanged(NodeId node, uid_t uid, gid_t gid);

  // fsync/fdatasync of a file: `bytes` (its whole content now) become durable.
  void SyncFile(NodeId node, std::string bytes);
  // fsync of a directory: its live entries become its durable entries.
  void SyncDirectory(NodeId node);
  // The last write not followed by a sync of its file, for tearing; any sync of that file or a
  // Restore forgets it.
  void Wrote(NodeId node, off_t offset, std::string_view bytes);

  // The power cut: removes everything in `backing` (not `backing` itself) and recreates the
  // durable state; afterwards the live state is the durable one. When torn_write_bytes > 0 and
  // there is a last unsynced write, its first min(torn_write_bytes, its size) bytes are made
  // durable first (a torn write). Forgets nodes nothing names. Fails naming the path and errno
  // (then the backing directory may hold part of the durable state).
  Result<RestoreCounts> Restore(const std::filesystem::path& backing, std::uint64_t torn_write_bytes);

 private:
  struct Node {
    bool directory = false;
    mode_t mode = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    std::map<std::string, NodeId> live, durable;  // directories
    std::string durable_bytes;                     // files
  };
  struct LastWrite {
    NodeId node = 0;
    off_t offset = 0;
    std::string bytes;
  };

  DurableTree() = default;
  NodeId Add(Node node);
  // The parent's node and the last component of `path`, when the parent exists.
  std::optional<std::pair<NodeId, std::string>> Parent(const std::string& path) const;
  // files: the node of each regular file's inode seen so far (hard links are one node).
  Status LoadDirectory(const std::filesystem::path& dir, NodeId node, std::unordered_map<ino_t, NodeId>& files);
  Status RestoreDirectory(const std::filesystem::path& dir, NodeId node,
                          std::unordered_map<NodeId, std::filesystem::path>& made, RestoreCounts& counts);

  std::unordered_map<NodeId, Node> nodes_;
  std::optional<LastWrite> last_write_;
  NodeId next_ = 0;
};

}  // namespace lockstep::faults::power_loss
