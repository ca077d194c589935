#pragma once
// A log to run the tool on: small segments (30 records each) so a few dozen
// records make several rolls, with payloads and timestamps that are pure
// functions of the sequence number.

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chronicle/segment/segment_naming.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>

#include "support/temp_dir.hpp"

namespace chronicle::test {

class CliTest : public TempDirTest {
 protected:
  // 2026-01-29T00:00:00Z.
  static constexpr std::uint64_t kBaseTs = 1'769'644'800'000'000'000ull;
  static constexpr std::size_t kRecordsPerSegment = 30;

  static std::uint64_t ts_of(std::uint64_t seq) { return kBaseTs + seq * 1'000'001; }
  static std::uint16_t type_of(std::uint64_t seq) { return static_cast<std::uint16_t>(seq % 7); }
  // 92 bytes, so each record takes 128 bytes and a 4 KiB segment holds 30.
  static std::string text_of(std::uint64_t seq) {
    return fmt::format("record {:04} {}", seq, std::string(80, 'x'));
  }
  static std::span<const std::byte> bytes_of(const std::string& s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
  }

  std::string log_dir() const { return tmp_.sub("log"); }
  std::string segment_file(std::uint64_t id) const { return segment_path(log_dir(), id); }

  static LogOptions small_segments() {
    LogOptions o;
    o.segment_size = 4096;
    return o;
  }

  SegmentWriter open_writer(const std::string& dir) {
    auto w = SegmentWriter::open(dir, small_segments());
    if (!w) throw std::runtime_error(w.error().to_string());
    return std::move(*w);
  }

  static void append_record(SegmentWriter& w, std::uint64_t seq) {
    auto r = w.append(type_of(seq), ts_of(seq), bytes_of(text_of(seq)));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    ASSERT_EQ(*r, seq);
  }

  // Writes records [0, count) to `dir` and closes the log (sealing it).
  void write_log(std::uint64_t count, const std::string& dir) {
    SegmentWriter w = open_writer(dir);
    for (std::uint64_t seq = 0; seq < count; ++seq) append_record(w, seq);
    ASSERT_TRUE(w.close().has_value());
  }
  void write_log(std::uint64_t count) { write_log(count, log_dir()); }

  // Flips one bit with pread/pwrite, leaving the file's size and blocks as
  // they are: for a segment a live writer still has mapped (flip_bit
  // rewrites the whole file).
  static void flip_bit_in_place(const std::string& path, std::uint64_t offset, int bit) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0) << path;
    unsigned char byte = 0;
    ASSERT_EQ(::pread(fd, &byte, 1, static_cast<off_t>(offset)), 1);
    byte = static_cast<unsigned char>(byte ^ (1u << bit));
    ASSERT_EQ(::pwrite(fd, &byte, 1, static_cast<off_t>(offset)), 1);
    ::close(fd);
  }

  std::size_t segment_count() const {
    auto s = list_segments(log_dir());
    return s ? s->size() : 0;
  }
};

}  // namespace chronicle::test
