#pragma once
// A hot segment file (NNNNNNNNN.q) mapped read-only. The descriptor is closed
// right after mapping; the mapping keeps the file's data alive even if the
// file is renamed or unlinked meanwhile (as the compressor does).
//
// Thread safety: immutable after open(); any number of threads may read it.

#include <cstdint>
#include <memory>
#include <string>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/core/mmap_file.hpp>
#include <chronicle/segment/memory_segment.hpp>

namespace chronicle {

class HotSegment final : public MemorySegment {
 public:
  // Opens and validates segment `id` at `path`. NotFound if absent;
  // Corruption for a damaged or short header.
  static Result<std::unique_ptr<HotSegment>> open(FileSystem& fs, const std::string& path,
                                                  std::uint64_t id);
  // A sealed segment's records are mapped in one call rather than faulted in
  // 64 KiB at a time; a live one is left to faults (most of it is not
  // written yet).
  void will_read_through() noexcept override;

 private:
  HotSegment(std::string path, std::uint64_t id, MmapFile map)
      : MemorySegment(std::move(path), id, map.data(), map.size()), map_(std::move(map)) {}
  MmapFile map_;
};

}  // namespace chronicle
