#pragma once
// An owned memory mapping of a file, unmapped on destruction. The mapping stays
// valid after the descriptor it was made from is closed, so readers close their
// descriptors right after mapping.
//
// Thread safety: the mapping object is owned by one thread at a time; the
// mapped bytes follow the protocol of whoever uses them (record_format.hpp).

#include <atomic>
#include <cstddef>
#include <string>
#include <utility>

#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>

namespace chronicle {

// Faults the pages holding [data, data + len) of a writable shared mapping in
// writable with MADV_POPULATE_WRITE, in chunks, stopping early when `cancel`
// (if given) reads true. Unlike MmapFile::prefault_for_write it never stores,
// so it is safe while another thread writes the same pages; where the kernel
// lacks MADV_POPULATE_WRITE it does nothing (the stores fault instead).
void populate_for_write(std::byte* data, std::size_t len,
                        const std::atomic<bool>* cancel = nullptr) noexcept;

class MmapFile {
 public:
  MmapFile() noexcept = default;
  MmapFile(MmapFile&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  MmapFile& operator=(MmapFile&& other) noexcept {
    if (this != &other) {
      reset();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  MmapFile(const MmapFile&) = delete;
  MmapFile& operator=(const MmapFile&) = delete;
  ~MmapFile() { reset(); }

  // Maps [0, size) of fd, MAP_SHARED; readers map read-only so that a stray
  // store through a view faults instead of damaging the log.
  // REQUIRES: size > 0.
  static Result<MmapFile> map(FileSystem& fs, int fd, const std::string& path, std::size_t size,
                              bool writable);

  std::byte* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  explicit operator bool() const noexcept { return data_ != nullptr; }

  // Faults every page in writable, so later stores take no page fault
  // (MADV_POPULATE_WRITE, or one store per page where the kernel lacks it).
  // Works in chunks and returns false as soon as `cancel` (if given) reads
  // true, leaving the rest unfaulted.
  // REQUIRES: the mapping is writable and its pages hold zeros or are owned by
  // the caller (the touch stores a zero into the first byte of untouched pages).
  bool prefault_for_write(const std::atomic<bool>* cancel = nullptr) noexcept;
  // Hints that the mapping will be read front to back.
  void advise_sequential() const noexcept;
  // Maps the pages of [0, len) in one call (MADV_POPULATE_READ), so that
  // reading them takes no page fault. A hint: ignored where unsupported.
  void populate_for_read(std::size_t len) const noexcept;

  void reset() noexcept;

 private:
  MmapFile(std::byte* data, std::size_t size) noexcept : data_(data), size_(size) {}
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace chronicle
