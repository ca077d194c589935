#include <chronicle/table/table.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "support/files.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

PartitionScheme venue_date() {
  return PartitionScheme::create({{"venue", KeyType::String, 0}, {"date", KeyType::Date, 330}})
      .value();
}

class TableMetadataTest : public TempDirTest {
 protected:
  std::string root() const { return tmp_.sub("t"); }
  std::string meta() const { return root() + "/_table.json"; }
  std::string valid_text() {
    std::filesystem::remove_all(root());
    TableConfig c;
    c.compression_policy = CompressionPolicy::idle_after(7, true);
    EXPECT_OK(Table::create(root(), venue_date(), c));
    const auto bytes = test::read_file(meta());
    return std::string(bytes.begin(), bytes.end());
  }
  // Installs `text` as _table.json and expects open() to refuse it without
  // changing it.
  void expect_refused(const std::string& text, const std::string& what,
                      const std::string& fragment = "") {
    test::write_file(meta(), std::vector<char>(text.begin(), text.end()));
    auto t = Table::open(root());
    ASSERT_FALSE(t) << what;
    EXPECT_TRUE(t.error().code() == Errc::Corruption || t.error().code() == Errc::Unsupported)
        << what << ": " << t.error().to_string();
    EXPECT_NE(t.error().message().find("_table.json"), std::string::npos) << what;
    if (!fragment.empty()) {
      EXPECT_NE(t.error().message().find(fragment), std::string::npos)
          << what << ": " << t.error().message();
    }
    const auto after = test::read_file(meta());
    EXPECT_EQ(std::string(after.begin(), after.end()), text) << what << ": file changed";
  }
};

TEST_F(TableMetadataTest, CreateThenOpenRoundTripsSchemeAndConfig) {
  TableConfig c;
  c.segment_size = 1 << 20;
  c.index_stride = 17;
  c.validate_partition_order = false;
  c.timestamp_order = TimestampOrder::Permissive;
  c.compression_policy = CompressionPolicy::size_threshold(12345);
  c.compression_level = -3;
  c.compression_block_size = 65536;
  c.track_access = true;
  c.sync_on_seal = true;
  c.file_mode = 0640;
  c.dir_mode = 0750;
  ASSERT_OK_AND_ASSIGN(auto created, Table::create(root(), venue_date(), c));
  ASSERT_OK_AND_ASSIGN(auto t, Table::open(root() + "/"));
  EXPECT_EQ(t.scheme(), venue_date());
  EXPECT_EQ(t.scheme().keys()[1].utc_offset_minutes, 330);
  EXPECT_EQ(t.config().segment_size, c.segment_size);
  EXPECT_EQ(t.config().index_stride, 17u);
  EXPECT_FALSE(t.config().validate_partition_order);
  EXPECT_EQ(t.config().timestamp_order, TimestampOrder::Permissive);
  EXPECT_EQ(t.config().compression_policy, c.compression_policy);
  EXPECT_EQ(t.config().compression_level, -3);
  EXPECT_EQ(t.config().compression_block_size, 65536u);
  EXPECT_TRUE(t.config().track_access);
  EXPECT_TRUE(t.config().sync_on_seal);
  EXPECT_EQ(t.config().file_mode, 0640u);
  EXPECT_EQ(t.config().dir_mode, 0750u);
  EXPECT_EQ(t.created_ns(), created.created_ns());
}

TEST_F(TableMetadataTest, CreateOnAnExistingTableRefusesAndLeavesItAlone) {
  const std::string text = valid_text();
  auto again = Table::create(root(), venue_date(), TableConfig{});
  EXPECT_ERROR(again, Errc::InvalidArgument);
  const auto after = test::read_file(meta());
  EXPECT_EQ(std::string(after.begin(), after.end()), text);
}

TEST_F(TableMetadataTest, CreateRefusesInvalidInputsAndCreatesNothing) {
  TableConfig c;
  c.index_stride = 0;
  EXPECT_ERROR(Table::create(root(), venue_date(), c), Errc::InvalidArgument);
  c = {};
  c.compression_policy = CompressionPolicy::custom([](const SegmentInfo&, std::uint64_t) { return true; });
  EXPECT_ERROR(Table::create(root(), venue_date(), c), Errc::InvalidArgument);
  EXPECT_ERROR(Table::create(root(), PartitionScheme{}, TableConfig{}), Errc::InvalidArgument);
  EXPECT_FALSE(test::exists(root()));
  test::write_file(tmp_.sub("file"), {'x'});
  EXPECT_ERROR(Table::create(tmp_.sub("file"), venue_date(), TableConfig{}), Errc::InvalidArgument);
  EXPECT_ERROR(Table::create(tmp_.sub("no/parent"), venue_date(), TableConfig{}), Errc::NotFound);
}

// RELIABILITY J6: every TableConfig field with a range, one bad value each
// (both ends where there are two); the message names the field and the value,
// and nothing is created.
TEST_F(TableMetadataTest, CreateRefusesEveryBadConfigFieldNamingIt) {
  struct Case {
    const char* field;  // expected in the message
    const char* value;  // expected in the message
    std::function<void(TableConfig&)> set;
  };
  const std::vector<Case> cases = {
      {"segment_size", "0", [](TableConfig& c) { c.segment_size = 0; }},
      {"segment_size", "5000", [](TableConfig& c) { c.segment_size = 5000; }},
      {"segment_size", "1073745920", [](TableConfig& c) { c.segment_size = (1ull << 30) + 4096; }},
      {"index_stride", "0", [](TableConfig& c) { c.index_stride = 0; }},
      {"index_stride", "1048577", [](TableConfig& c) { c.index_stride = (1u << 20) + 1; }},
      {"timestamp_order", "7", [](TableConfig& c) { c.timestamp_order = static_cast<TimestampOrder>(7); }},
      {"compression level", "0", [](TableConfig& c) { c.compression_level = 0; }},
      {"compression level", "99", [](TableConfig& c) { c.compression_level = 99; }},
      {"compression_block_size", "0", [](TableConfig& c) { c.compression_block_size = 0; }},
      {"compression_block_size", "1073741824",
       [](TableConfig& c) { c.compression_block_size = 1ull << 30; }},
      {"file_mode", "666", [](TableConfig& c) { c.file_mode = 0666; }},
      {"dir_mode", "777", [](TableConfig& c) { c.dir_mode = 0777; }},
      {"days", "0", [](TableConfig& c) { c.compression_policy = CompressionPolicy::age_after(0); }},
      {"size_threshold", "0",
       [](TableConfig& c) { c.compression_policy = CompressionPolicy::size_threshold(0); }},
  };
  for (const Case& k : cases) {
    TableConfig c;
    k.set(c);
    EXPECT_ERROR(c.validate(), Errc::InvalidArgument);
    auto t = Table::create(root(), venue_date(), c);
    EXPECT_ERROR(t, Errc::InvalidArgument);
    const std::string message = t.error().message();
    EXPECT_NE(message.find(k.field), std::string::npos) << k.field << ": " << message;
    EXPECT_NE(message.find(k.value), std::string::npos) << k.field << ": " << message;
    EXPECT_FALSE(test::exists(root())) << k.field << " " << k.value;
  }
}

// RELIABILITY J8/J2: an empty root, and PartitionValues made for another
// scheme, passed to each Table call that takes them; nothing is created.
TEST_F(TableMetadataTest, CallsRefuseAnEmptyRootAndValuesOfAnotherScheme) {
  auto opened = Table::open("");
  EXPECT_ERROR(opened, Errc::InvalidArgument);
  EXPECT_NE(opened.error().message().find("root path is empty"), std::string::npos);
  auto created = Table::create("", venue_date());
  EXPECT_ERROR(created, Errc::InvalidArgument);
  EXPECT_NE(created.error().message().find("root path is empty"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto t, Table::create(root(), venue_date()));
  const auto other = PartitionScheme::create({{"shard", KeyType::Int, 0}}).value();
  const auto wrong = PartitionValues::create(other, {{"shard", std::int64_t{3}}}).value();
  const auto expect_refused = [](const auto& r, const char* call) {
    ASSERT_FALSE(r.has_value()) << call;
    EXPECT_EQ(r.error().code(), Errc::InvalidArgument) << call << ": " << r.error().to_string();
    EXPECT_NE(r.error().message().find("key"), std::string::npos) << call << ": " << r.error().message();
  };
  expect_refused(t.partition_dir(wrong), "partition_dir");
  expect_refused(t.existing_partition_dir(wrong), "existing_partition_dir");
  expect_refused(t.segments(wrong), "segments");
  expect_refused(t.partition_writer(wrong), "partition_writer");
  expect_refused(t.reader(wrong), "reader");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(root())) ++entries;
  EXPECT_EQ(entries, 1u) << "only _table.json";
}

TEST_F(TableMetadataTest, OpenOfAMissingTableIsNotFound) {
  EXPECT_ERROR(Table::open(tmp_.sub("nothing")), Errc::NotFound);
  std::filesystem::create_directory(root());
  auto t = Table::open(root());
  EXPECT_ERROR(t, Errc::NotFound);
  EXPECT_NE(t.error().message().find("no _table.json"), std::string::npos);
}

TEST_F(TableMetadataTest, EveryPrefixOfAValidFileIsRefused) {
  const std::string text = valid_text();
  // The last byte is a newline: the prefix without it is still valid JSON.
  for (std::size_t len = 0; len + 1 < text.size(); ++len) {
    expect_refused(text.substr(0, len), "prefix " + std::to_string(len));
    if (HasFailure()) return;
  }
}

TEST_F(TableMetadataTest, DamagedVariantsAreRefusedWithAClearError) {
  const std::string text = valid_text();
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    const auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return t.replace(at, from.size(), to);
  };
  expect_refused("", "empty", "invalid JSON");
  expect_refused(std::string(4037, '\0'), "NULs");
  expect_refused(text + std::string(16, '\0'), "trailing NULs", "NUL byte");
  expect_refused(text + "garbage", "trailing garbage");
  expect_refused("\xEF\xBB\xBF" + text, "BOM", "byte order mark");
  expect_refused(replace("\"venue\"", "\"ven\xFF\xFEue\""), "invalid UTF-8");
  expect_refused(replace("\"format_version\": 1,", "\"format_version\": 1, \"format_version\": 1,"),
                 "duplicate", "duplicate key");
  expect_refused(replace("\"index_stride\": 64", "\"index_stride\": \"64\""), "wrong type",
                 "config.index_stride");
  expect_refused(replace("\"index_stride\": 64,", ""), "missing field", "config.index_stride");
  expect_refused(replace("\"format_version\": 1", "\"format_version\": 2"), "newer version",
                 "newer version");
  expect_refused(replace("\"date\"", "\"venue\""), "duplicate key name");
  expect_refused(replace("\"name\": \"venue\"", "\"name\": \"\""), "empty key name");
  expect_refused(replace("\"type\": \"string\"", "\"type\": \"float\""), "unknown key type");
  expect_refused(replace("\"segment_size\": 67108864", "\"segment_size\": -1"), "negative",
                 "config.segment_size");
  expect_refused(replace("\"segment_size\": 67108864", "\"segment_size\": 1e300"), "1e300",
                 "config.segment_size");
  expect_refused(replace("\"segment_size\": 67108864", "\"segment_size\": 4096.5"), "fractional",
                 "config.segment_size");
  expect_refused(replace("\"days\": 7", "\"days\": 0"), "policy days", "compression_policy.days");
  expect_refused(replace("\"utc_offset\": \"+05:30\"", "\"utc_offset\": \"+25:00\""), "offset");
  expect_refused(replace("\"file_mode\": \"0644\"", "\"file_mode\": \"0666\""), "world-writable");
}

TEST_F(TableMetadataTest, UnknownFieldsAreAccepted) {
  std::string text = valid_text();
  text.insert(1, "\n  \"written_by\": \"a newer minor version\",");
  test::write_file(meta(), std::vector<char>(text.begin(), text.end()));
  EXPECT_OK(Table::open(root()));
}

TEST_F(TableMetadataTest, ResourceBombsAreRefusedQuickly) {
  valid_text();
  test::truncate_file(meta(), 100ull << 20);  // a sparse 100 MiB file
  auto big = Table::open(root());
  EXPECT_ERROR(big, Errc::Corruption);
  EXPECT_NE(big.error().message().find("limited to"), std::string::npos);
  expect_refused(std::string(100'000, '['), "deep nesting", "nests deeper");
  expect_refused("{\"format\": \"" + std::string(10'000'000, 'x') + "\"}", "10 MB string");
}

TEST_F(TableMetadataTest, APartitionPathOverPathMaxIsRefusedNotTruncated) {
  std::vector<PartitionKey> keys;
  for (int i = 0; i < 16; ++i) keys.push_back({"k" + std::to_string(i), KeyType::String, 0});
  ASSERT_OK_AND_ASSIGN(auto t, Table::create(root(), PartitionScheme::create(keys).value()));
  std::vector<std::pair<std::string, PartitionValue>> values;
  for (int i = 0; i < 16; ++i) values.emplace_back("k" + std::to_string(i), std::string(250, 'v'));
  ASSERT_OK_AND_ASSIGN(auto v, PartitionValues::create(t.scheme(), values));
  auto dir = t.partition_dir(v);
  EXPECT_ERROR(dir, Errc::InvalidArgument);
  EXPECT_NE(dir.error().message().find("PATH_MAX"), std::string::npos);
  EXPECT_ERROR(t.partition_writer(v), Errc::InvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto parts, t.partitions());
  EXPECT_TRUE(parts.empty());
}

TEST_F(TableMetadataTest, ASymlinkedMetadataFileIsRefused) {
  valid_text();
  std::filesystem::rename(meta(), tmp_.sub("elsewhere.json"));
  std::filesystem::create_symlink(tmp_.sub("elsewhere.json"), meta());
  EXPECT_FALSE(Table::open(root()));
}

}  // namespace
}  // namespace chronicle
