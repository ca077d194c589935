#pragma once
// A segment whose bytes are already in memory (a mapping owned by someone
// else, or a buffer). HotSegment is one that owns its mapping; recovery scans
// the writer's own mapping through one; tests and fuzzers wrap buffers.
//
// Thread safety: immutable after construction; any number of threads may
// read it.

#include <cstdint>
#include <string>

#include <chronicle/segment/segment_source.hpp>

namespace chronicle {

class MemorySegment : public SegmentSource {
 public:
  // REQUIRES: [data, data + size) outlives this object, size >= header size.
  MemorySegment(std::string path, std::uint64_t id, const std::byte* data, std::uint64_t size)
      : path_(std::move(path)), id_(id), data_(data), size_(size) {}

  const std::string& path() const noexcept override { return path_; }
  std::uint64_t segment_id() const noexcept override { return id_; }
  SegmentTier tier() const noexcept override { return SegmentTier::Hot; }
  SegmentHeader header() const noexcept override { return read_segment_header(data_); }
  std::uint64_t size() const noexcept override { return size_; }
  Result<SegmentWindow> window(std::uint64_t, std::size_t) override {
    return SegmentWindow{data_, 0, size_};
  }
  const std::byte* data() const noexcept { return data_; }

 private:
  std::string path_;
  std::uint64_t id_;
  const std::byte* data_;
  std::uint64_t size_;
};

}  // namespace chronicle
