#include <chronicle/core/mmap_file.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

namespace chronicle {

Result<MmapFile> MmapFile::map(FileSystem& fs, int fd, const std::string& path, std::size_t size,
                               bool writable) {
  auto addr = fs.map(fd, path, size, writable);
  if (!addr) return std::move(addr).error();
  return MmapFile(static_cast<std::byte*>(*addr), size);
}

namespace {

// 1 MiB: well under a millisecond of page allocation, the longest a cancel
// (a roll taking the next segment early) waits; the extra madvise calls cost
// microseconds per 64 MiB.
constexpr std::size_t kPopulateChunk = std::size_t{1} << 20;

bool cancelled(const std::atomic<bool>* cancel) noexcept {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

// MADV_POPULATE_WRITE over [data, data + len) chunk by chunk. Returns false
// if cancelled or unsupported, with `*done` set to the bytes populated.
bool populate_chunks(std::byte* data, std::size_t len, const std::atomic<bool>* cancel,
                     std::size_t* done) noexcept {
  for (*done = 0; *done < len; *done += kPopulateChunk) {
    if (cancelled(cancel)) return false;
    if (::madvise(data + *done, std::min(kPopulateChunk, len - *done), MADV_POPULATE_WRITE) != 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

void populate_for_write(std::byte* data, std::size_t len,
                        const std::atomic<bool>* cancel) noexcept {
  // madvise wants a page-aligned start; the mapping itself starts on a page.
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto skew = reinterpret_cast<std::uintptr_t>(data) % page;
  std::size_t done = 0;
  (void)populate_chunks(data - skew, len + skew, cancel, &done);
}

bool MmapFile::prefault_for_write(const std::atomic<bool>* cancel) noexcept {
  if (!data_) return true;
  std::size_t done = 0;
  if (populate_chunks(data_, size_, cancel, &done)) return true;
  if (cancelled(cancel)) return false;
  // Older kernels: a store per page. The pages are the zero pages of a freshly
  // allocated file, so storing a zero changes no content.
  static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  for (std::size_t off = done; off < size_; off += page) {
    if (off % kPopulateChunk == 0 && cancelled(cancel)) return false;
    auto* p = reinterpret_cast<volatile unsigned char*>(data_ + off);
    *p = *p;
  }
  return true;
}

void MmapFile::advise_sequential() const noexcept {
  if (data_) ::madvise(data_, size_, MADV_SEQUENTIAL);
}

void MmapFile::populate_for_read(std::size_t len) const noexcept {
  if (data_ && len > 0) ::madvise(data_, std::min(len, size_), MADV_POPULATE_READ);
}

void MmapFile::reset() noexcept {
  if (data_) ::munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace chronicle
