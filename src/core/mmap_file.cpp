#include <chronicle/core/mmap_file.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

namespace chronicle {

Result<MmapFile> MmapFile::map(FileSystem& fs, int fd, const std::string& path, std::size_t size,
                               bool writable) {
  auto addr = fs.map(fd, path, size, writable);
  if (!addr) return std::move(addr).error();
  return MmapFile(static_cast<std::byte*>(*addr), size);
}

void MmapFile::prefault_for_write() noexcept {
  if (!data_) return;
  if (::madvise(data_, size_, MADV_POPULATE_WRITE) == 0) return;
  // Older kernels: a store per page. The pages are the zero pages of a freshly
  // allocated file, so storing a zero changes no content.
  static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  for (std::size_t off = 0; off < size_; off += page) {
    auto* p = reinterpret_cast<volatile unsigned char*>(data_ + off);
    *p = *p;
  }
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
