#pragma once
// A segment file that a writer prepared ahead (allocated, mapped and
// pre-faulted, or partly pre-faulted) but will not use, because the log is
// about to be closed: SegmentWriter::take_spare() hands it over, and
// LogOptions::spare gives it to a new log as its first segment instead of
// allocating and faulting in another one. The table's RollingWriter passes
// the spare of the partition it leaves to the partition it moves to.
//
// A spare that nobody adopts is deleted when it is destroyed, which must
// happen while the writer it came from still holds its directory's lock:
// until then that writer cannot roll (the spare holds the name of its next
// segment; the roll fails). The spare is renamed or deleted only while its
// name still refers to its own file, so a directory replaced meanwhile
// (RELIABILITY I5) loses nothing; a forked child never adopts or deletes
// its parent's spare.
//
// Thread safety: one thread at a time.

#include <cstdint>
#include <memory>

namespace chronicle {

class FileSystem;
class SegmentWriter;
namespace detail {
struct PreparedSegment;
}

class SpareSegment {
 public:
  SpareSegment() noexcept;
  SpareSegment(SpareSegment&&) noexcept;
  SpareSegment& operator=(SpareSegment&&) noexcept;
  ~SpareSegment();

  explicit operator bool() const noexcept { return segment_ != nullptr; }

 private:
  friend class SegmentWriter;
  SpareSegment(FileSystem& fs, std::unique_ptr<detail::PreparedSegment> segment) noexcept;
  // Deletes the file and releases its mapping, if there is one.
  void discard() noexcept;
  // Holds a segment, in the process that took it.
  bool usable() const noexcept;

  FileSystem* fs_ = nullptr;
  std::unique_ptr<detail::PreparedSegment> segment_;
  std::uint64_t fork_generation_ = 0;
};

}  // namespace chronicle
