// V1Table: metadata parsing and scheme mapping, partition listing, and the
// table vector read partition by partition.
#include <chronicle/ipc/v1/v1_table.hpp>

#include <gtest/gtest.h>

#include <filesystem>

#include "ipc/v1_test_util.hpp"
#include "support/files.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle::ipc::v1 {
namespace {

namespace fs = std::filesystem;

TEST(V1TableTest, ReadsTheTableVector) {
  ASSERT_OK_AND_ASSIGN(auto table, V1Table::open(test::v1_vector("table")));
  ASSERT_EQ(table.scheme().size(), 2u);
  EXPECT_EQ(table.scheme().keys()[0], (PartitionKey{"channel", KeyType::String, 0}));
  EXPECT_EQ(table.scheme().keys()[1], (PartitionKey{"date", KeyType::Date, 0}));
  EXPECT_EQ(table.created_ns(), 1795479731477733613ull);
  std::vector<V1Skipped> skipped;
  ASSERT_OK_AND_ASSIGN(auto parts, table.partitions(&skipped));
  ASSERT_EQ(skipped.size(), 1u);  // expected.jsonl
  EXPECT_FALSE(skipped[0].is_directory);
  ASSERT_EQ(parts.size(), 3u);
  const auto expected = test::load_expected("table");
  ASSERT_EQ(expected.size(), 1200u);
  std::size_t at = 0;
  for (const V1Partition& p : parts) {
    SCOPED_TRACE(p.relative_path);
    EXPECT_EQ(p.values.to_string(table.scheme()), p.relative_path);
    ASSERT_OK_AND_ASSIGN(auto reader, table.reader(p));
    EXPECT_EQ(reader.segments().size(), 2u);
    EXPECT_EQ(expected[at].partition, p.relative_path);
    const std::size_t n = test::expect_records(reader, expected, at);
    EXPECT_EQ(n, 400u);
    at += n;
  }
  EXPECT_EQ(at, expected.size());
}

Result<V1Metadata> parse(const std::string& text) { return parse_v1_metadata(text, "meta.json"); }

TEST(V1MetadataTest, MapsEveryKeyType) {
  ASSERT_OK_AND_ASSIGN(auto meta, parse(R"({"version":1,"created_at":5,"scheme":{"keys":[
      {"type":"String","name":"venue"},{"type":"Int","name":"shard"},
      {"type":"Date","name":"d","format":"YYYY-MM-DD","timezone":"Asia/Shanghai"},
      {"type":"Hour","name":"h","timezone":"-0530"},{"type":"Minute","name":"m"}]}})"));
  const auto& k = meta.scheme.keys();
  ASSERT_EQ(k.size(), 5u);
  EXPECT_EQ(k[0], (PartitionKey{"venue", KeyType::String, 0}));
  EXPECT_EQ(k[1], (PartitionKey{"shard", KeyType::Int, 0}));
  EXPECT_EQ(k[2], (PartitionKey{"d", KeyType::Date, 480}));
  EXPECT_EQ(k[3], (PartitionKey{"h", KeyType::Hour, -330}));
  EXPECT_EQ(k[4], (PartitionKey{"m", KeyType::Minute, 0}));
  EXPECT_EQ(meta.created_ns, 5u);
}

TEST(V1MetadataTest, TimezonesMeanWhatV1MeantByThem) {
  EXPECT_EQ(*v1_timezone_offset("UTC"), 0);
  EXPECT_EQ(*v1_timezone_offset("Asia/Tokyo"), 540);
  EXPECT_EQ(*v1_timezone_offset("America/New_York"), -300);  // v1 had no DST
  EXPECT_EQ(*v1_timezone_offset("+0800"), 480);
  for (const char* bad : {"Europe/London", "+08:00", "+8", "", "+2400", "utc"}) {
    EXPECT_ERROR(v1_timezone_offset(bad), Errc::Unsupported);
  }
}

TEST(V1MetadataTest, RefusesWhatItDoesNotUnderstand) {
  const std::vector<std::pair<std::string, Errc>> cases = {
      {R"({"version":2,"created_at":5,"scheme":{"keys":[{"type":"Int","name":"a"}]}})", Errc::Unsupported},
      {R"({"version":1,"created_at":5,"scheme":{"keys":[{"type":"Float","name":"a"}]}})", Errc::Unsupported},
      {R"({"version":1,"created_at":5,"scheme":{"keys":[{"type":"Int","name":"a","extra":1}]}})", Errc::Unsupported},
      {R"({"version":1,"created_at":5,"retention":3,"scheme":{"keys":[{"type":"Int","name":"a"}]}})", Errc::Unsupported},
      {R"({"version":1,"created_at":5,"scheme":{"keys":[{"type":"Date","name":"d","format":"DD/MM/YYYY"}]}})", Errc::Unsupported},
      {R"({"version":1,"created_at":5,"scheme":{"keys":[{"type":"Date","name":"d","timezone":"Mars"}]}})", Errc::Unsupported},
      {R"({"version":1,"created_at":5,"scheme":{"keys":[{"type":"Int","name":"9lives"}]}})", Errc::Unsupported},
      {R"({"version":1,"created_at":5,"scheme":{"keys":[]}})", Errc::Unsupported},
      {R"({"version":1,"created_at":5,"scheme":{"keys":[{"type":"Int"}]}})", Errc::Corruption},
      {R"({"version":1,"created_at":-5,"scheme":{"keys":[{"type":"Int","name":"a"}]}})", Errc::Corruption},
      {R"({"version":1,"version":1,"created_at":5,"scheme":{"keys":[]}})", Errc::Corruption},
      {R"({"version":1,"created_at":5,"scheme":{"keys":[{"type":"Int","name":"a"}]})", Errc::Corruption},
      {R"([1,2])", Errc::Corruption},
  };
  for (const auto& [text, code] : cases) {
    auto r = parse(text);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().code(), code) << text << " -> " << r.error().to_string();
    EXPECT_NE(r.error().message().find("meta.json"), std::string::npos) << r.error().message();
  }
}

TEST(V1MetadataTest, PartitionValuesInV1Text) {
  EXPECT_EQ(*parse_v1_partition_value(KeyType::String, "a b/%"), PartitionValue("a b/%"));
  EXPECT_EQ(*parse_v1_partition_value(KeyType::Int, "-12"), PartitionValue(-12));
  EXPECT_EQ(*parse_v1_partition_value(KeyType::Date, "2026-01-29"),
            *PartitionValue::parse(KeyType::Date, "2026-01-29"));
  EXPECT_EQ(*parse_v1_partition_value(KeyType::Hour, "2026-01-29-15"),
            *PartitionValue::parse(KeyType::Hour, "2026-01-29T15"));
  EXPECT_EQ(*parse_v1_partition_value(KeyType::Minute, "2026-01-29-15-42"),
            *PartitionValue::parse(KeyType::Minute, "2026-01-29T15:42"));
  for (const char* bad : {"2026-01-29T15", "2026-01-29-24", "2026-01-29", "x"}) {
    EXPECT_FALSE(parse_v1_partition_value(KeyType::Hour, bad).has_value()) << bad;
  }
  EXPECT_FALSE(parse_v1_partition_value(KeyType::Int, "+5").has_value());
  EXPECT_FALSE(parse_v1_partition_value(KeyType::Date, "2026-02-30").has_value());
}

class V1TableDirTest : public test::TempDirTest {};

TEST_F(V1TableDirTest, MissingMetadataIsNotFound) {
  EXPECT_ERROR(V1Table::open(tmp_.path()), Errc::NotFound);
}

TEST_F(V1TableDirTest, OtherEntriesAreSkippedAndBadValuesRefused) {
  const std::string root = tmp_.sub("t");
  test::copy_vector("table", root);
  test::write_file(root + "/README", {'h', 'i'});
  fs::create_directory(root + "/backup");
  fs::create_directory(root + "/channel=101/notes");
  ASSERT_OK_AND_ASSIGN(auto table, V1Table::open(root));
  std::vector<V1Skipped> skipped;
  ASSERT_OK_AND_ASSIGN(auto parts, table.partitions(&skipped));
  EXPECT_EQ(parts.size(), 3u);
  EXPECT_EQ(skipped.size(), 4u);  // README, backup, notes, expected.jsonl
  fs::create_directory(root + "/channel=101/date=2026-13-01");
  auto bad = table.partitions();
  EXPECT_ERROR(bad, Errc::Corruption);
  EXPECT_NE(bad.error().message().find("date=2026-13-01"), std::string::npos);
}

}  // namespace
}  // namespace chronicle::ipc::v1
