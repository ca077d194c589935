#include <chronicle/compression/seekable_writer.hpp>

#include <chronicle/compression/seekable_format.hpp>
#include <chronicle/core/checksum.hpp>
#include <chronicle/core/errors.hpp>

namespace chronicle {

Status validate(const SeekableOptions& options) {
  if (auto ok = validate(options.codec); !ok) return ok;
  if (options.block_size < 4096 || options.block_size > kMaxColdFrameSize) {
    return invalid_argument(
        "compression_block_size {} is invalid: expected 4096 to {} bytes (the largest frame "
        "chronicle's readers accept)",
        options.block_size, kMaxColdFrameSize);
  }
  return {};
}

Result<SeekableWriter> SeekableWriter::create(FileSystem& fs, int fd, std::string path,
                                              const SeekableOptions& options) {
  if (auto ok = validate(options); !ok) return std::move(ok).error();
  auto compressor = ZstdCompressor::create(options.codec);
  if (!compressor) return std::move(compressor).error();
  return SeekableWriter(fs, fd, std::move(path), options, std::move(*compressor));
}

Status SeekableWriter::write_frame(std::span<const std::byte> data) {
  if (data.empty() || data.size() > options_.block_size) {
    return invalid_argument("{}: frame of {} bytes: expected 1 to {} bytes", escape_bytes(path_),
                            data.size(), options_.block_size);
  }
  if (compressed_sizes_.size() >= kSeekableMaxFrames) {
    return invalid_argument("{}: more than {} frames", escape_bytes(path_), kSeekableMaxFrames);
  }
  const std::size_t bound = ZstdCompressor::compress_bound(data.size());
  if (buffer_.size() < bound) buffer_.resize(bound);  // once: reused for every frame
  auto n = compressor_.compress_frame(data, std::span<std::byte>(buffer_));
  if (!n) return Error(n.error().code(), escape_bytes(path_) + ": " + n.error().message());
  if (*n > UINT32_MAX) {
    return invalid_argument("{}: compressed frame of {} bytes exceeds the format's 4 GiB",
                            escape_bytes(path_), *n);
  }
  if (auto st = fs_->pwrite_all(fd_, path_, buffer_.data(), *n, offset_); !st) return st;
  offset_ += *n;
  compressed_sizes_.push_back(static_cast<std::uint32_t>(*n));
  decompressed_sizes_.push_back(static_cast<std::uint32_t>(data.size()));
  if (options_.frame_checksums) {
    checksums_.push_back(static_cast<std::uint32_t>(xxh64(data.data(), data.size())));
  }
  return {};
}

Result<std::uint64_t> SeekableWriter::finish() {
  const auto table = serialize_seek_table(compressed_sizes_, decompressed_sizes_, checksums_);
  if (auto st = fs_->pwrite_all(fd_, path_, table.data(), table.size(), offset_); !st) {
    return std::move(st).error();
  }
  offset_ += table.size();
  return offset_;
}

}  // namespace chronicle
