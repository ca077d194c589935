#include "access_file.hpp"

#include <cstring>

#include <chronicle/core/checksum.hpp>
#include <chronicle/core/errors.hpp>

namespace chronicle::detail {

namespace {
constexpr char kMagic[8] = {'C', 'H', 'R', 'A', 'C', 'C', '1', '\0'};
constexpr std::size_t kHeader = 16, kEntry = 24;
// A partition never has more segments than ids a name can hold; this caps
// what a damaged count can make us allocate.
constexpr std::uint64_t kMaxEntries = 1u << 24;
}  // namespace

std::vector<std::byte> encode_access(const std::map<std::uint64_t, SegmentAccess>& entries) {
  std::vector<std::byte> out(kHeader + entries.size() * kEntry + 8);
  std::byte* p = out.data();
  auto put = [&p](const void* v, std::size_t n) {
    std::memcpy(p, v, n);
    p += n;
  };
  put(kMagic, sizeof kMagic);
  const std::uint32_t version = 1, count = static_cast<std::uint32_t>(entries.size());
  put(&version, 4);
  put(&count, 4);
  for (const auto& [id, a] : entries) {
    put(&id, 8);
    put(&a.last_read_ns, 8);
    put(&a.read_count, 8);
  }
  const std::uint64_t sum = xxh64(out.data(), out.size() - 8);
  put(&sum, 8);
  return out;
}

Result<std::map<std::uint64_t, SegmentAccess>> decode_access(std::span<const std::byte> bytes,
                                                             const std::string& path) {
  if (bytes.size() < kHeader + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return corruption(path, 0, "not an access file ({} bytes; expected magic CHRACC1)",
                      bytes.size());
  }
  std::uint32_t version, count;
  std::memcpy(&version, bytes.data() + 8, 4);
  std::memcpy(&count, bytes.data() + 12, 4);
  if (version != 1 || count > kMaxEntries || bytes.size() != kHeader + count * kEntry + 8) {
    return corruption(path, 8, "access file version {} with {} entries does not fit its {} bytes",
                      version, count, bytes.size());
  }
  std::uint64_t sum;
  std::memcpy(&sum, bytes.data() + bytes.size() - 8, 8);
  if (sum != xxh64(bytes.data(), bytes.size() - 8)) {
    return corruption(path, bytes.size() - 8, "access file checksum mismatch");
  }
  std::map<std::uint64_t, SegmentAccess> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::byte* e = bytes.data() + kHeader + i * kEntry;
    std::uint64_t id;
    SegmentAccess a;
    std::memcpy(&id, e, 8);
    std::memcpy(&a.last_read_ns, e + 8, 8);
    std::memcpy(&a.read_count, e + 16, 8);
    // encode_access writes each id once, ascending. A repeated id would
    // otherwise silently drop one entry's reads.
    if (!out.empty() && id <= out.rbegin()->first) {
      return corruption(path, kHeader + i * kEntry,
                        "access file entry {} is for segment {} after segment {}: ids must ascend",
                        i, id, out.rbegin()->first);
    }
    out.emplace_hint(out.end(), id, a);
  }
  return out;
}

}  // namespace chronicle::detail
