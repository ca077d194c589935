#pragma once
// A segment file that a writer prepared ahead (allocated, mapped and
// pre-faulted, or partly pre-faulted) but will not use, because the log is
// about to be closed: SegmentWriter::take_spare() hands it over, and
// LogOptions::spare gives it to a new log as its first segment instead of
// allocating and faulting in another one. The table's RollingWriter passes
// the spare of the partition it leaves to the partition it moves to.
//
// A spare that nobody adopts is deleted when it is destroyed, while the
// writer it came from still holds its directory's lock (so no other writer
// can have made a file of that name). It must not outlive that writer.
//
// Thread safety: one thread at a time.

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

  FileSystem* fs_ = nullptr;
  std::unique_ptr<detail::PreparedSegment> segment_;
};

}  // namespace chronicle
