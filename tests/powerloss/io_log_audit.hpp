#pragma once
// The I/O ordering audit (RELIABILITY B3) on a log of io_fault_shim
// (tests/shim/io_log.hpp): every file-system call that the processes of a
// test run made under one directory. The log is cut into processes (a
// "start" or "fork" line begins one) and each process into threads; each
// thread's calls become RecordedCalls that audit_calls() (io_order_audit.hpp)
// checks against rules 1, 2, 3 and 5, as it checks the calls a PowerLossFs
// recorded. The log has no "success reported" to mark, so the markers are
// placed here:
//
// - "end step" before every rename and unlink a thread makes, and "end exit"
//   after its last call if its process exited (exit, _exit, exec). Rule 2
//   thus asks for the directory fsync after a rename before the same thread
//   renames or unlinks anything else, and before the process exits. A
//   process killed by a signal (crash tests, death tests) never reported
//   success: its last operation may be unfinished.
// - "begin step" at a thread's start and after every unlink, so that rule 3
//   looks, for the other tier of a .q or .q.zst being unlinked, at the calls
//   the thread made since its previous unlink. Since that window is a guess,
//   rule 3 applies where the other tier was renamed into place from a
//   temporary name in it (compression, decompression); an unlink after
//   only reading the other tier (a crashed run's job finished, a damaged
//   leftover .q.zst removed) is not checked here.
//
// Rules 1 and 2 apply to the renames of a temporary name (".tmp-", or a
// prepared ".q.prep") to its final one, as chronicle makes them (rule 1:
// "every rename of X.tmp to X"), with the exemptions of exemption(). A
// rename of any other name is a test's own (file_system_test renames "a"
// to "b"): counted, not checked. Rule 3 applies to unlinks made directly
// (chronicle's tier deletions go through FileSystem::unlink and unlink_at),
// not to those std::filesystem makes: in src/ only a failed v1 migration
// cleans its target up so, and in the tests they are TempDir's removal of a
// test's tree. Rule 5: no ftruncate of a file the process mapped before, or
// named like a segment.
//
// Rule 4 has no sync() to see either. What the log shows of one is its
// msync(2) of the live segment (only SegmentWriter::sync() calls msync), so
// audit_process() checks at each msync of a segment, within its process:
// (a) the flags include MS_SYNC and the range lies in one mapping of the
// file; (b) every segment of the directory with a lower id that the process
// mapped writable (so rolled from or closed: sealed by a store into its
// header after its last msync), and has not unlinked since (compressed or
// deleted), got an fdatasync or fsync after its last msync (or its mapping,
// if never msynced) and before this msync; (c) if the thread created
// segment names in the directory since the directory's last fsync (a roll
// publishes by renaming ".q.prep" to ".q"), the thread fsyncs the directory
// after the msync, before its next rename or unlink or the end of the
// process. What (b) and (c) cannot see, the durability of every byte a
// sync() promises, io_order_audit_test checks on the power-loss model.
#include <fcntl.h>
#include <sys/mman.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <chronicle/segment/segment_naming.hpp>

#include "powerloss/io_order_audit.hpp"

namespace chronicle::powerloss {

// One line of the log.
struct LogEntry {
  long pid = 0;
  long tid = 0;
  std::string op;
  std::vector<std::string> fields;  // paths unescaped
};

inline std::string unescape_log_path(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

inline std::uint64_t num(const std::string& s) { return std::stoull(s); }

// A process of the run, as its calls appear in the log.
struct LoggedProcess {
  long pid = 0;
  bool exited = false;                         // exit, _exit or exec: it finished its operations
  std::vector<LogEntry> entries;               // in the order of the log
  std::map<std::uint64_t, LogEntry> mappings;  // at fork: the parent's, by address
};

struct LogAuditResult {
  AuditResult rules;  // rules 1, 2, 3 and 5, summed over threads
  std::vector<std::string> violations;
  std::uint64_t lines = 0;
  std::uint64_t calls = 0;  // calls audited (lines but start, fork, exit)
  std::uint64_t processes = 0;
  std::uint64_t killed = 0;           // processes that never exited (signal)
  std::uint64_t other_renames = 0;    // renames not of a temporary name: not checked
  std::uint64_t cleanup_unlinks = 0;  // unlinks by std::filesystem: not under rule 3
  std::uint64_t syncs = 0;            // msyncs checked under rule 4
  std::uint64_t lost = 0;             // lines the shim could not write
};

inline std::vector<LoggedProcess> split_log(const std::string& path, LogAuditResult& r) {
  std::vector<LoggedProcess> procs;
  std::map<long, std::size_t> open;  // pid -> its process still running
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    ++r.lines;
    std::istringstream words(line);
    LogEntry e;
    words >> e.pid >> e.tid >> e.op;
    for (std::string w; words >> w;) e.fields.push_back(unescape_log_path(w));
    if (e.op == "lost") {
      r.lost += num(e.fields.at(0));
      continue;
    }
    auto it = open.find(e.pid);
    if (e.op == "start" || e.op == "fork" || it == open.end()) {
      if (it != open.end()) procs[it->second].exited = true;  // exec
      LoggedProcess p;
      p.pid = e.pid;
      if (e.op == "fork") {
        // The child inherits its parent's mappings (msync resolves by address).
        if (auto parent = open.find(static_cast<long>(num(e.fields.at(0)))); parent != open.end()) {
          const LoggedProcess& pp = procs[parent->second];
          for (const LogEntry& m : pp.entries) {
            if (m.op == "mmap") p.mappings[num(m.fields[0])] = m;
          }
        }
      }
      procs.push_back(std::move(p));
      it = open.insert_or_assign(e.pid, procs.size() - 1).first;
    }
    LoggedProcess& p = procs[it->second];
    if (e.op == "exit") {
      p.exited = true;
      open.erase(it);
      continue;
    }
    if (e.op != "start" && e.op != "fork") p.entries.push_back(std::move(e));
  }
  return procs;
}

inline bool temp_name(const std::string& path) {
  return path.find(".tmp-") != std::string::npos || ends_with(path, ".q.prep");
}

// The hot segment id of `path`, or -1.
inline long long hot_segment_id(const std::string& path) {
  // parse_segment_file_name returns views into its argument: keep it alive.
  const std::string name = path.substr(path.find_last_of('/') + 1);
  const auto parsed = parse_segment_file_name(name);
  if (!parsed || parsed->suffix != kHotSuffix) return -1;
  return static_cast<long long>(parsed->id);
}

// Rules 1, 2, 3 and 5 on one process, thread by thread; rule 4 across its threads.
inline void audit_process(const LoggedProcess& p, LogAuditResult& r) {
  auto fail = [&](const std::string& what) {
    r.violations.push_back("pid " + std::to_string(p.pid) + ": " + what);
  };
  std::map<long, std::vector<RecordedCall>> threads;
  std::map<std::uint64_t, LogEntry> maps = p.mappings;  // address -> mmap line
  std::set<NodeId> mapped;                              // nodes mapped by this process
  std::map<NodeId, std::string> names;                  // renamed nodes: their names now
  // Rule 4 state.
  struct Segment {
    std::string path;
    bool writable = false;
    std::uint64_t last_msync = 0, last_datasync = 0, mapped_at = 0;
  };
  std::map<NodeId, Segment> segments;
  std::map<std::string, std::map<long, std::set<std::string>>> created;  // dir -> tid -> names
  struct DirDue {
    std::string dir, at;
  };
  std::map<long, std::vector<DirDue>> due;  // tid -> directory fsyncs owed (rule 4 c)
  auto settle_due = [&](long tid, const std::string& before) {
    for (const DirDue& d : due[tid]) {
      fail(std::string("rule 4: ") + d.at + " with new segment names in " + d.dir +
           ", and no fsync of the directory before " + before);
    }
    due[tid].clear();
  };

  std::uint64_t index = 0;
  for (const LogEntry& e : p.entries) {
    ++index;
    ++r.calls;
    std::vector<RecordedCall>& calls = threads[e.tid];
    if (calls.empty()) {
      RecordedCall m;
      m.marker = "begin thread";
      calls.push_back(m);
    }
    RecordedCall c;
    c.index = index;
    const auto& f = e.fields;
    auto node_at = [&](std::size_t i) {
      return NodeId{static_cast<dev_t>(num(f.at(i))), static_cast<ino_t>(num(f.at(i + 1)))};
    };
    if (e.op == "open") {
      c.op = FsOp::Open;
      c.flags = static_cast<int>(num(f[0]));
      c.node = node_at(1);
      c.path = f[4];
      if ((c.flags & O_CREAT) && f[3] == "0") {
        created[audit_dir_of(c.path)][e.tid].insert(c.path);
      }
    } else if (e.op == "pwrite" || e.op == "write" || e.op == "fallocate" ||
               e.op == "sync_file_range") {
      c.op = e.op == "fallocate"         ? FsOp::Fallocate
             : e.op == "sync_file_range" ? FsOp::SyncRange
                                         : FsOp::Pwrite;
      c.offset = num(f[0]);
      c.len = num(f[1]);
      c.node = node_at(2);
      c.path = f[5];
    } else if (e.op == "ftruncate") {
      c.op = FsOp::Ftruncate;
      c.len = num(f[0]);
      c.node = node_at(2);
      c.path = f[5];
      c.mapped_before = mapped.count(c.node) != 0;
    } else if (e.op == "fsync" || e.op == "fdatasync") {
      c.node = node_at(0);
      c.path = f[3];
      if (f[2] == "1") {
        c.op = FsOp::DirSync;
        created.erase(c.path);
        // A directory fsync on the thread settles what it owed there.
        auto& owed = due[e.tid];
        std::erase_if(owed, [&](const DirDue& d) { return d.dir == c.path; });
      } else {
        c.op = FsOp::Fsync;
        c.flags = e.op == "fdatasync" ? 1 : 0;
        if (auto s = segments.find(c.node); s != segments.end()) s->second.last_datasync = index;
      }
    } else if (e.op == "mmap") {
      c.op = FsOp::Mmap;
      const bool writable = (num(f[2]) & PROT_WRITE) != 0;
      c.flags = writable ? 1 : 0;
      c.len = num(f[1]);
      c.node = node_at(5);
      c.path = f[8];
      maps[num(f[0])] = e;
      mapped.insert(c.node);
      if (writable && (hot_segment_id(c.path) >= 0 || ends_with(c.path, ".q.prep"))) {
        Segment& s = segments[c.node];
        s.path = c.path;
        s.writable = s.writable || writable;
        if (s.mapped_at == 0) s.mapped_at = index;
      }
    } else if (e.op == "munmap") {
      const std::uint64_t addr = num(f[0]), len = num(f[1]);
      for (auto it = maps.lower_bound(addr); it != maps.end() && it->first < addr + len;) {
        it = maps.erase(it);
      }
      continue;
    } else if (e.op == "msync") {
      const std::uint64_t addr = num(f[0]), len = num(f[1]);
      const int flags = static_cast<int>(num(f[2]));
      auto it = maps.upper_bound(addr);
      if (it == maps.begin()) continue;  // not a mapping of a file under the tree
      --it;
      const LogEntry& m = it->second;
      const std::uint64_t base = it->first, map_len = num(m.fields[1]);
      if (addr >= base + map_len) continue;
      c.op = FsOp::Msync;
      c.node = NodeId{static_cast<dev_t>(num(m.fields[5])), static_cast<ino_t>(num(m.fields[6]))};
      // Its name now: a segment is mapped under its .q.prep name.
      const auto now = names.find(c.node);
      c.path = now != names.end() ? now->second : m.fields[8];
      c.offset = num(m.fields[4]) + (addr - base);
      c.len = len;
      ++r.syncs;
      const std::string what = "msync of " + c.path + " [" + std::to_string(c.offset) + ", +" +
                               std::to_string(len) + ")";
      // (a)
      if ((flags & MS_SYNC) == 0) fail("rule 4: " + what + " without MS_SYNC");
      if (addr + len > base + map_len) fail("rule 4: " + what + " runs past its mapping");
      // (b)
      const std::string dir = audit_dir_of(c.path);
      const long long live = hot_segment_id(c.path);
      for (auto& [node, s] : segments) {
        if (node == c.node || !s.writable || audit_dir_of(s.path) != dir) continue;
        const long long id = hot_segment_id(s.path);
        if (id < 0 || id >= live) continue;
        if (s.last_datasync <= std::max(s.last_msync, s.mapped_at)) {
          fail("rule 4: " + what + " (a sync()), but " + s.path +
               ", written by this process, had no fdatasync or fsync after its last msync");
          s.last_datasync = index;  // reported once
        }
      }
      if (auto s = segments.find(c.node); s != segments.end()) s->second.last_msync = index;
      // (c)
      if (auto d = created.find(dir); d != created.end()) {
        const auto t = d->second.find(e.tid);
        if (t != d->second.end()) {
          for (const std::string& name : t->second) {
            if (hot_segment_id(name) >= 0) {
              due[e.tid].push_back({dir, what + " (a sync())"});
              break;
            }
          }
        }
      }
    } else if (e.op == "rename") {
      c.op = FsOp::Rename;
      c.flags = static_cast<int>(num(f[0]));
      c.node = node_at(1);
      c.from = f[4];
      c.path = f[5];
      settle_due(e.tid, "renaming " + c.from);
      RecordedCall end;
      end.marker = "end step";
      calls.push_back(end);
      if (auto s = segments.find(c.node); s != segments.end()) s->second.path = c.path;
      names[c.node] = c.path;
      created[audit_dir_of(c.path)][e.tid].insert(c.path);
      if (!temp_name(c.from)) {
        ++r.other_renames;
        continue;
      }
    } else if (e.op == "unlink") {
      c.op = FsOp::Unlink;
      c.path = f[2];
      settle_due(e.tid, "unlinking " + c.path);
      RecordedCall end;
      end.marker = "end step";
      calls.push_back(end);
      // A segment compressed or deleted meanwhile: sync() need not cover it.
      std::erase_if(segments, [&](const auto& s) { return s.second.path == c.path; });
      if (f[1] == "1") {
        ++r.cleanup_unlinks;
        continue;
      }
      calls.push_back(c);
      RecordedCall begin;
      begin.marker = "begin step";
      calls.push_back(begin);
      continue;
    } else if (e.op == "mkdir") {
      c.op = FsOp::Mkdir;
      c.path = f[0];
      created[audit_dir_of(c.path)][e.tid].insert(c.path);
    } else if (e.op == "close") {
      continue;
    } else {
      fail("unknown log line: " + e.op);
      continue;
    }
    calls.push_back(std::move(c));
  }

  if (!p.exited) ++r.killed;
  for (auto& [tid, calls] : threads) {
    if (p.exited) {
      settle_due(tid, "the process exited");
      RecordedCall end;
      end.marker = "end exit";
      calls.push_back(end);
    }
    const AuditResult a = audit_calls(calls, {.unfinished_ok = !p.exited, .made_only = true});
    for (const std::string& v : a.violations) fail("thread " + std::to_string(tid) + ": " + v);
    r.rules.renames += a.renames;
    r.rules.unlinks += a.unlinks;
    r.rules.truncates += a.truncates;
    for (const auto& [why, n] : a.exempt) r.rules.exempt[why] += n;
  }
}

// Audits the whole log of a run.
inline LogAuditResult audit_log(const std::string& path) {
  LogAuditResult r;
  const std::vector<LoggedProcess> procs = split_log(path, r);
  r.processes = procs.size();
  for (const LoggedProcess& p : procs) audit_process(p, r);
  if (r.lost != 0) {
    r.violations.push_back(std::to_string(r.lost) + " lines of the log could not be written");
  }
  return r;
}

}  // namespace chronicle::powerloss
