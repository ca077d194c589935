#pragma once
// The I/O ordering audit (RELIABILITY B3): rules checked on the sequence of
// file-system calls a PowerLossFs recorded, the analogue of SQLite's
// journal-test VFS. The test marks each operation with "begin <what>" and,
// once it returned success, "end <what>". Rule 4 (a successful sync() left
// nothing undurable) needs the model's state, so the test checks it right
// after each sync() with PowerLossFs::not_durable(); the other rules are
// checked here on the calls:
//
// 1. Every rename of a file to its final name is preceded by an fsync of
//    that file, after its last write.
// 2. After that rename, its directory is fsynced before the operation
//    reports success.
// 3. A .q is unlinked only after the directory fsync that follows the rename
//    of its .q.zst, and only after the .q.zst was verified (opened for
//    reading after its fsync); the same for a .q.zst that decompression
//    replaced with a restored .q.
// 5. A file that readers may map is never shrunk with ftruncate: no
//    ftruncate of a file that was ever mapped, or named like a segment.
//
// Renames of files chronicle keeps on purpose without these steps are
// exempt from rules 1 and 2, each for a stated reason (exemption()).

#include <fcntl.h>

#include <map>
#include <string>
#include <vector>

#include "powerloss/power_loss_fs.hpp"

namespace chronicle::powerloss {

struct AuditResult {
  std::vector<std::string> violations;
  int renames = 0;                    // renames checked under rules 1 and 2
  int unlinks = 0;                    // unlinks checked under rule 3
  int truncates = 0;                  // ftruncates checked under rule 5
  std::map<std::string, int> exempt;  // reason -> renames exempted
};

inline std::string audit_dir_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

inline bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Why a rename needs neither an fsync of the file nor one of its directory,
// or nullptr when it needs both.
inline const char* exemption(const RecordedCall& rename) {
  if (ends_with(rename.from, ".q.prep")) {
    return "a prepared segment, named ahead of its roll or by it: it holds no record yet; the "
           "next sync() after the roll msyncs or fdatasyncs it and fsyncs the directory (rule "
           "4), and a header that never reached the disk reads as blank or named ahead, which "
           "recovery treats as the end of the log";
  }
  if (ends_with(rename.path, "/.access")) {
    return "advisory access statistics (docs/FORMAT.md: replaced atomically, not fsynced); a "
           "damaged or stale file counts as never read";
  }
  if (ends_with(rename.path, ".idx")) {
    return "a derived segment index: readers check it entry by entry and the next writer "
           "rebuilds a missing one";
  }
  return nullptr;
}

inline bool segment_like(const std::string& path) {
  return ends_with(path, ".q") || ends_with(path, ".q.zst") || ends_with(path, ".q.prep") ||
         path.find(".q.tmp-") != std::string::npos || path.find(".q.zst.tmp-") != std::string::npos;
}

// How the calls were recorded, when not as io_order_audit_test records them
// (one operation per begin/end pair).
struct AuditOptions {
  // The calls may stop inside an operation (a process killed by a signal):
  // a rename with no "end" marker after it is no break.
  bool unfinished_ok = false;
  // The begin markers are guesses (io_log_audit.hpp), so a read of the
  // other tier since one need not be part of the unlink's operation: rule
  // 3 then applies only where the other tier was renamed into place.
  bool made_only = false;
};

inline AuditResult audit_calls(const std::vector<RecordedCall>& calls,
                               const AuditOptions& options = {}) {
  AuditResult r;
  auto fail = [&](int rule, const std::string& what) {
    r.violations.push_back("rule " + std::to_string(rule) + ": " + what);
  };
  // Index of the first "end" marker after position i (the operation's
  // success), or calls.size().
  auto end_after = [&](std::size_t i) {
    for (std::size_t j = i + 1; j < calls.size(); ++j) {
      if (calls[j].marker.rfind("end ", 0) == 0) return j;
    }
    return calls.size();
  };
  auto begin_before = [&](std::size_t i) {
    for (std::size_t j = i; j-- > 0;) {
      if (calls[j].marker.rfind("begin ", 0) == 0) return j;
    }
    return std::size_t{0};
  };
  auto is_call = [&](std::size_t j, FsOp op) {
    return calls[j].marker.empty() && calls[j].op == op;
  };

  for (std::size_t i = 0; i < calls.size(); ++i) {
    const RecordedCall& c = calls[i];
    if (!c.marker.empty()) continue;

    if (c.op == FsOp::Rename) {
      if (const char* why = exemption(c)) {
        ++r.exempt[why];
        continue;
      }
      ++r.renames;
      // Rule 1: an fsync of the renamed file after its last write.
      bool synced = false;
      for (std::size_t j = i; j-- > 0;) {
        if (!calls[j].marker.empty() || calls[j].node != c.node) continue;
        if (calls[j].op == FsOp::Fsync) {
          synced = true;
          break;
        }
        if (calls[j].op == FsOp::Pwrite || calls[j].op == FsOp::Fallocate ||
            calls[j].op == FsOp::Ftruncate || (calls[j].op == FsOp::Mmap && calls[j].flags == 1)) {
          break;
        }
      }
      if (!synced)
        fail(1, c.from + " renamed to " + c.path + " without an fsync after its last write");
      // Rule 2: a directory fsync after the rename, before success.
      const std::size_t end = end_after(i);
      bool dir_synced = false;
      for (std::size_t j = i + 1; j < end; ++j) {
        if (is_call(j, FsOp::DirSync) && calls[j].path == audit_dir_of(c.path)) {
          dir_synced = true;
          break;
        }
      }
      if (end == calls.size()) {
        if (!options.unfinished_ok)
          fail(2, "the operation that renamed " + c.path + " never reported success");
      } else if (!dir_synced) {
        fail(2, c.path + " renamed, then success reported (" + calls[end].marker +
                    ") with no fsync of its directory in between");
      }
    }

    if (c.op == FsOp::Unlink) {
      // Rule 3: the other tier of this segment must be durable and verified.
      std::string other;
      if (ends_with(c.path, ".q")) other = c.path + ".zst";
      if (ends_with(c.path, ".q.zst")) other = c.path.substr(0, c.path.size() - 4);
      if (other.empty()) continue;
      // Was the other tier made (renamed into place) or checked in this operation?
      const std::size_t begin = begin_before(i);
      std::size_t made = begin;
      std::string tmp;
      for (std::size_t j = i; j-- > begin;) {
        // Made by compression or decompression: from a temporary name (a
        // .q from .q.prep is a new segment, not a tier replacing another).
        if (is_call(j, FsOp::Rename) && calls[j].path == other &&
            calls[j].from.find(".tmp-") != std::string::npos) {
          made = j;
          tmp = calls[j].from;
          break;
        }
      }
      bool read_other = false;
      for (std::size_t j = begin; j < i; ++j) {
        if (is_call(j, FsOp::Open) && calls[j].path == other && (calls[j].flags & O_CREAT) == 0) {
          read_other = true;
        }
      }
      if (options.made_only) read_other = false;
      if (made == begin && !read_other) continue;  // a retention delete: no other tier involved
      ++r.unlinks;
      bool dir_synced = false;
      for (std::size_t j = made + 1; j < i; ++j) {
        if (is_call(j, FsOp::DirSync) && calls[j].path == audit_dir_of(c.path)) dir_synced = true;
      }
      if (!dir_synced) {
        fail(3, c.path + " unlinked with no directory fsync after " + other + " got its name");
      }
      if (!tmp.empty()) {
        // Verified: the temp file read back after its fsync, before the rename.
        std::size_t fsynced = made;
        for (std::size_t j = made; j-- > begin;) {
          if (is_call(j, FsOp::Fsync) && calls[j].path == tmp) {
            fsynced = j;
            break;
          }
        }
        bool verified = false;
        for (std::size_t j = fsynced + 1; j < made; ++j) {
          if (is_call(j, FsOp::Open) && calls[j].path == tmp && (calls[j].flags & O_CREAT) == 0) {
            verified = true;
          }
        }
        if (fsynced == made || !verified) {
          fail(3, c.path + " unlinked, but " + tmp +
                      " was not read back after its fsync and "
                      "before it became " +
                      other);
        }
      }
    }

    if (c.op == FsOp::Ftruncate) {
      ++r.truncates;
      if (c.mapped_before || segment_like(c.path)) {
        fail(5, "ftruncate of " + c.path + " to " + std::to_string(c.len) +
                    " bytes: a file readers may map");
      }
    }
  }
  return r;
}

}  // namespace chronicle::powerloss
