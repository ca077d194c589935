#pragma once
// Shared by the v1 tests: where the vectors are, copying them somewhere they
// may be damaged, and expected.jsonl as records.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <chronicle/ipc/v1/v1_log_reader.hpp>

namespace chronicle::test {

#ifndef CHRONICLE_TEST_DATA
#error "CHRONICLE_TEST_DATA must name tests/data"
#endif

inline std::string v1_vectors() { return std::string(CHRONICLE_TEST_DATA) + "/chronicle-rs-v1"; }
inline std::string v1_vector(const std::string& name) { return v1_vectors() + "/" + name; }

// Copies a vector directory (or file tree) to `to`, writable, so a test may
// damage the copy. tests/data itself is never modified.
inline void copy_vector(const std::string& name, const std::string& to) {
  namespace fs = std::filesystem;
  fs::copy(v1_vector(name), to, fs::copy_options::recursive);
  for (const auto& e : fs::recursive_directory_iterator(to)) {
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  }
  fs::permissions(to, fs::perms::owner_write, fs::perm_options::add);
}

struct ExpectedRecord {
  std::uint64_t seq = 0;
  std::uint64_t timestamp_ns = 0;
  std::uint16_t type_id = 0;
  std::vector<std::byte> payload;
  std::string partition;
};

inline std::vector<std::byte> from_hex(const std::string& hex) {
  std::vector<std::byte> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::byte>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

inline std::vector<ExpectedRecord> load_expected(const std::string& vector) {
  std::ifstream in(v1_vector(vector) + "/expected.jsonl");
  if (!in) throw std::runtime_error("cannot read expected.jsonl of " + vector);
  std::vector<ExpectedRecord> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    ExpectedRecord r;
    r.seq = j.at("seq").get<std::uint64_t>();
    r.timestamp_ns = j.at("timestamp_ns").get<std::uint64_t>();
    r.type_id = j.at("type_id").get<std::uint16_t>();
    r.payload = from_hex(j.at("payload_hex").get<std::string>());
    if (j.contains("partition")) r.partition = j.at("partition").get<std::string>();
    out.push_back(std::move(r));
  }
  return out;
}

inline bool same_payload(std::span<const std::byte> a, const std::vector<std::byte>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// Reads `reader` to its end, comparing each record with expected[from...];
// returns the number read. Seq is compared unless `check_seq` is false.
template <class Reader>
std::size_t expect_records(Reader& reader, const std::vector<ExpectedRecord>& expected,
                           std::size_t from = 0, bool check_seq = true) {
  RecordView v;
  std::size_t n = 0;
  Step step;
  while ((step = reader.next(v)) == Step::Record) {
    const std::size_t i = from + n;
    if (i >= expected.size()) {
      ADD_FAILURE() << "more records than expected: " << i;
      return n;
    }
    const ExpectedRecord& e = expected[i];
    if (check_seq) {
      EXPECT_EQ(v.seq, e.seq) << "record " << i;
    }
    EXPECT_EQ(v.timestamp_ns, e.timestamp_ns) << "record " << i;
    EXPECT_EQ(v.type_id, e.type_id) << "record " << i;
    EXPECT_TRUE(same_payload(v.payload, e.payload)) << "payload of record " << i;
    ++n;
  }
  EXPECT_EQ(step, Step::NothingYet) << reader.status().error().to_string();
  return n;
}

}  // namespace chronicle::test
