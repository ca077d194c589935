#include <chronicle/compression/zstd_codec.hpp>

#include <zstd.h>

#include <cerrno>

#include <chronicle/core/errors.hpp>

namespace chronicle {

int min_compression_level() noexcept { return ZSTD_minCLevel(); }
int max_compression_level() noexcept { return ZSTD_maxCLevel(); }

Status validate(const CodecOptions& options) {
  if (options.level == 0 || options.level < min_compression_level() ||
      options.level > max_compression_level()) {
    return invalid_argument("compression level {} is invalid: expected {}..-1 or 1..{}",
                            options.level, min_compression_level(), max_compression_level());
  }
  return {};
}

struct ZstdCompressor::Ctx {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ~Ctx() { ZSTD_freeCCtx(cctx); }
};

ZstdCompressor::ZstdCompressor(std::unique_ptr<Ctx> ctx, const CodecOptions& options)
    : ctx_(std::move(ctx)), options_(options) {}
ZstdCompressor::ZstdCompressor(ZstdCompressor&&) noexcept = default;
ZstdCompressor& ZstdCompressor::operator=(ZstdCompressor&&) noexcept = default;
ZstdCompressor::~ZstdCompressor() = default;

Result<ZstdCompressor> ZstdCompressor::create(const CodecOptions& options) {
  if (auto ok = validate(options); !ok) return std::move(ok).error();
  auto ctx = std::make_unique<Ctx>();
  if (ctx->cctx == nullptr) return Error(Errc::Io, "ZSTD_createCCtx failed: out of memory");
  auto set = [&](ZSTD_cParameter p, int v) -> Status {
    const size_t r = ZSTD_CCtx_setParameter(ctx->cctx, p, v);
    if (ZSTD_isError(r)) {
      return invalid_argument("zstd rejected parameter {}={}: {}", static_cast<int>(p), v,
                              ZSTD_getErrorName(r));
    }
    return {};
  };
  if (auto st = set(ZSTD_c_compressionLevel, options.level); !st) return std::move(st).error();
  if (auto st = set(ZSTD_c_checksumFlag, options.frame_checksum ? 1 : 0); !st) {
    return std::move(st).error();
  }
  if (auto st = set(ZSTD_c_contentSizeFlag, 1); !st) return std::move(st).error();
  return ZstdCompressor(std::move(ctx), options);
}

std::size_t ZstdCompressor::compress_bound(std::size_t src_size) noexcept {
  return ZSTD_compressBound(src_size);
}

Result<std::size_t> ZstdCompressor::compress_frame(std::span<const std::byte> src,
                                                   std::vector<std::byte>& out) {
  const std::size_t start = out.size();
  out.resize(start + compress_bound(src.size()));
  auto n = compress_frame(src, std::span<std::byte>(out).subspan(start));
  out.resize(start + (n ? *n : 0));
  return n;
}

Result<std::size_t> ZstdCompressor::compress_frame(std::span<const std::byte> src,
                                                   std::span<std::byte> dst) {
  if (dst.size() < compress_bound(src.size())) {
    return invalid_argument("zstd compression of {} bytes needs a buffer of {} bytes, got {}",
                            src.size(), compress_bound(src.size()), dst.size());
  }
  const std::size_t n = ZSTD_compress2(ctx_->cctx, dst.data(), dst.size(), src.data(), src.size());
  if (ZSTD_isError(n)) {
    return Error(Errc::Io, fmt::format("zstd compression of {} bytes failed: {}", src.size(),
                                       ZSTD_getErrorName(n)));
  }
  return n;
}

Status check_frame_content_size(std::span<const std::byte> frame, std::uint64_t expected,
                                const std::string& path, std::uint64_t offset) {
  const unsigned long long content = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (content == ZSTD_CONTENTSIZE_ERROR) {
    return corruption(path, offset, "not a zstd data frame (a skippable frame, or a bad header)");
  }
  if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != expected) {
    return corruption(path, offset, "zstd frame holds {} bytes: expected {}", content, expected);
  }
  return {};
}

struct ZstdDecompressor::Ctx {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  ~Ctx() { ZSTD_freeDCtx(dctx); }
};

ZstdDecompressor::ZstdDecompressor(std::unique_ptr<Ctx> ctx) : ctx_(std::move(ctx)) {}
ZstdDecompressor::ZstdDecompressor(ZstdDecompressor&&) noexcept = default;
ZstdDecompressor& ZstdDecompressor::operator=(ZstdDecompressor&&) noexcept = default;
ZstdDecompressor::~ZstdDecompressor() = default;

Result<ZstdDecompressor> ZstdDecompressor::create() {
  ZstdDecompressor d(nullptr);
  if (auto st = d.ensure_context(); !st) return std::move(st).error();
  return d;
}

Status ZstdDecompressor::ensure_context() {
  if (ctx_) return {};
  auto ctx = std::make_unique<Ctx>();
  if (ctx->dctx == nullptr) return Error(Errc::Io, "ZSTD_createDCtx failed: out of memory", ENOMEM);
  ctx_ = std::move(ctx);
  return {};
}

void ZstdDecompressor::release() noexcept { ctx_.reset(); }

Status ZstdDecompressor::decompress_frame(std::span<const std::byte> frame,
                                          std::span<std::byte> dst, const std::string& path,
                                          std::uint64_t offset) {
  const std::size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size) || frame_size != frame.size()) {
    return corruption(path, offset, "not exactly one zstd frame of {} bytes: {}", frame.size(),
                      ZSTD_isError(frame_size) ? ZSTD_getErrorName(frame_size)
                                               : fmt::format("the frame is {} bytes", frame_size));
  }
  if (auto st = check_frame_content_size(frame, dst.size(), path, offset); !st) return st;
  if (auto st = ensure_context(); !st) return st;
  const std::size_t n =
      ZSTD_decompressDCtx(ctx_->dctx, dst.data(), dst.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) {
    return corruption(path, offset, "zstd frame does not decompress: {}", ZSTD_getErrorName(n));
  }
  if (n != dst.size()) {
    return corruption(path, offset, "zstd frame decompressed to {} bytes: expected {}", n,
                      dst.size());
  }
  return {};
}

}  // namespace chronicle
