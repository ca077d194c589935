#pragma once
// The power-loss model (RELIABILITY HX5, B1-B3): a FileSystem that carries out
// every call and, through FileSystem::observe(), keeps two things about the
// tree under a root directory:
//
// - what a power loss would keep: for every file its durable bytes (those an
//   msync, fdatasync or fsync covered, as they were then) and for every
//   directory its durable names (those a directory fsync covered) plus the
//   names created, renamed and removed since, in order;
// - the sequence of calls, for the ordering audit (B3).
//
// cut_power() freezes the model: it reads the current bytes of every file
// (the page cache at the moment of the cut) and from then on ignores every
// call. build_image() then writes one candidate disk image: each directory
// keeps its durable names plus a prefix of the name changes made since its
// last fsync (none: LevelDB's "remove files created after the last dir sync";
// all: what a journal commit would have kept); each 4 KiB page whose current
// bytes differ from its durable ones is independently kept, reverted to the
// durable bytes (zeros for a page never synced: an unwritten fallocated
// extent), or torn at a 512-byte boundary; a file whose length changed since
// it was last synced has either length.
//
// Files and directories are followed by inode, so a rename keeps its
// content and a removed file can come back in an image (through a
// descriptor the model keeps open). The tree's state when the model is
// created counts as durable.
//
// Thread safety: calls may come from any thread (the writer's segment
// preparer, lifecycle workers). cut_power_at_call() counts the calls of the
// thread that armed it only, so a cut never reads a file while another
// thread of the test writes it.

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <chronicle/core/file_system.hpp>

namespace chronicle::powerloss {

using NodeId = std::pair<dev_t, ino_t>;

// One call that succeeded (or a marker the test put in between).
struct RecordedCall {
  std::uint64_t index = 0;
  FsOp op = FsOp::Open;
  std::string path;            // Rename: the new name
  std::string from;            // Rename: the old name
  std::string marker;          // non-empty: not a call, a label from mark()
  NodeId node{};               // the file or directory operated on (Rename: the node renamed)
  std::uint64_t offset = 0;    // Msync: the first byte of the file synced (page aligned)
  std::uint64_t len = 0;       // Msync: bytes of the file synced; otherwise FsCall::len
  int flags = 0;               // FsCall::flags
  bool created = false;        // Open, Mkdir: the call created the name
  bool mapped_before = false;  // Ftruncate: the file had been mapped
};

// How build_image() chooses.
struct ImageOptions {
  enum class Names : std::uint8_t {
    Durable,  // only the names a directory fsync covered
    All,      // every name change made before the cut
    Prefix,   // per directory, a random prefix of the changes since its last fsync
  };
  Names names = Names::Prefix;
  // Relative weights of the fate of a page whose bytes changed since its last sync.
  double keep = 1, revert = 1, tear = 1;
};

struct ImageStats {
  std::uint64_t files = 0;
  std::uint64_t pages_kept = 0;
  std::uint64_t pages_reverted = 0;  // to durable bytes that are not all zero
  std::uint64_t pages_zeroed = 0;    // to zeros (never synced)
  std::uint64_t pages_torn = 0;
  std::uint64_t names_dropped = 0;  // name changes left out
  std::uint64_t lengths_reverted = 0;

  void add(const ImageStats& o);
};

class PowerLossFs : public FileSystem {
 public:
  // Models the tree under `root` (an absolute path to an existing directory).
  explicit PowerLossFs(std::string root);
  ~PowerLossFs() override;
  PowerLossFs(const PowerLossFs&) = delete;
  PowerLossFs& operator=(const PowerLossFs&) = delete;

  const std::string& root() const { return root_; }

  // Cuts the power now. Later calls still happen but change nothing modelled.
  void cut_power();
  // Cuts the power at call number `n` (1-based, counted from now) that this
  // thread makes: before it starts, or once it has succeeded (if it fails,
  // the test's own cut_power() at the end takes the cut).
  void cut_power_at_call(std::uint64_t n, bool after);
  bool power_is_cut() const;
  // Calls made by the arming thread since cut_power_at_call() (or since
  // count_calls_of_this_thread()).
  std::uint64_t calls_counted() const;
  void count_calls_of_this_thread();

  // Writes a candidate image of the root into `dest` (which must not exist).
  // REQUIRES: power_is_cut().
  ImageStats build_image(const std::string& dest, std::mt19937_64& rng,
                         const ImageOptions& options) const;

  // The calls recorded so far (also after the cut), with markers.
  std::vector<RecordedCall> calls() const;
  void mark(std::string label);
  void clear_calls();

  // What a power loss now could lose under `dir`: names not yet covered by a
  // directory fsync (including `dir`'s own, in its parent) and byte ranges
  // of files whose current bytes differ from their durable ones. Names for
  // which `ignore(name)` is true are left out; bytes [ignore_from, ignore_to)
  // of every file are not compared. One line per finding.
  std::vector<std::string> not_durable(const std::string& dir,
                                       const std::function<bool(const std::string& name)>& ignore,
                                       std::uint64_t ignore_from = 0,
                                       std::uint64_t ignore_to = 0) const;

  // Name changes the model did not see (made without the seam), found by
  // comparing the names the model expects now (it follows them after the cut
  // too) with the real directories. Empty when the model is faithful.
  // REQUIRES: no other thread is making calls.
  std::vector<std::string> divergences() const;

 protected:
  int inject(FsOp op, std::string_view path) override;
  void observe(const FsCall& call) override;

 private:
  struct Change {
    enum class Kind : std::uint8_t { Link, Unlink, Rename } kind;
    std::string name;  // Link, Unlink: the name; Rename: the new name
    std::string from;  // Rename: the old name
    NodeId node{};
  };
  struct Dir {
    std::string path;  // where it was last seen (for messages)
    std::map<std::string, NodeId> durable;
    std::vector<Change> pending;
    std::map<std::string, NodeId> live;  // the names now, followed after the cut too
  };
  struct File {
    int fd = -1;  // read-only, kept open so the bytes stay readable after an unlink
    std::string path;
    std::vector<std::byte> durable;  // its size is the durable length
    std::vector<std::byte> frozen;   // at the cut
    bool mapped = false;
  };
  struct Mapping {
    std::uintptr_t base;
    std::size_t len;
    NodeId node;
  };

  void cut_locked();
  void scan_tree(const std::string& path, const NodeId& id);
  File* file_of(const NodeId& id);
  Dir* dir_of(const NodeId& id);
  Dir* parent_of(const std::string& path, std::string* name);
  File& track_file(const NodeId& id, const std::string& path, bool durable_now);
  void sync_file(File& f, std::uint64_t from, std::uint64_t to);
  void record(const FsCall& call, RecordedCall rc);
  void change(Dir& d, Change c);
  static std::map<std::string, NodeId> apply(std::map<std::string, NodeId> names,
                                             const std::vector<Change>& changes, std::size_t n);
  void write_dir(const std::string& dest, const NodeId& id, std::mt19937_64& rng,
                 const ImageOptions& options, ImageStats& stats) const;
  std::vector<std::byte> image_bytes(const File& f, std::mt19937_64& rng,
                                     const ImageOptions& options, ImageStats& stats) const;

  const std::string root_;
  NodeId root_id_{};
  mutable std::mutex mu_;
  bool cut_ = false;
  std::map<NodeId, File> files_;
  std::map<NodeId, Dir> dirs_;
  std::map<std::uintptr_t, Mapping> mappings_;
  std::vector<RecordedCall> calls_;
  std::vector<std::string> divergences_;
  std::uint64_t next_index_ = 0;
  // The cut trigger.
  std::thread::id counted_thread_;
  std::uint64_t counted_ = 0;
  std::uint64_t cut_at_ = 0;  // 0: not armed
  bool cut_after_ = false;
};

}  // namespace chronicle::powerloss
