#pragma once
// How a reader opens the segments of a log. The segment layer opens hot
// (.q) files only; the compression layer provides an opener that also reads
// cold (.q.zst) segments and survives one being replaced by the other. A
// reader calls its opener once per segment, never per record.

#include <cstdint>
#include <memory>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/segment/segment_source.hpp>

namespace chronicle {

class SegmentOpener {
 public:
  virtual ~SegmentOpener() = default;
  // Opens segment `id` of the log in `dir`. NotFound when it exists in no
  // form this opener reads. Must be safe to call from several threads.
  virtual Result<std::unique_ptr<SegmentSource>> open(const std::string& dir,
                                                      std::uint64_t id) const = 0;
};

// Opens hot segments only, through the given filesystem.
class HotSegmentOpener final : public SegmentOpener {
 public:
  explicit HotSegmentOpener(FileSystem& fs = FileSystem::system()) noexcept : fs_(fs) {}
  Result<std::unique_ptr<SegmentSource>> open(const std::string& dir,
                                              std::uint64_t id) const override;
  // A process-wide instance over FileSystem::system().
  static const HotSegmentOpener& instance() noexcept;

 private:
  FileSystem& fs_;
};

}  // namespace chronicle
