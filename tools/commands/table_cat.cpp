#include "commands/table_cat.hpp"

#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <chronicle/core/errors.hpp>
#include <chronicle/segment/wait_strategy.hpp>
#include <chronicle/table/table.hpp>

#include "format/safe_text.hpp"
#include "inspect/type_set.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"
#include "support/stop_signal.hpp"

namespace chronicle::cli {
namespace {

using Clock = std::chrono::steady_clock;

// A follower lists the table this often to find partitions created since it
// started (a TableReader reads the partitions it was made with).
constexpr auto kPartitionCheckInterval = std::chrono::seconds(1);

// One query and the partition names its records are printed with.
struct Source {
  TableReader reader;
  std::vector<std::string> names;  // by TableReader partition index
};

Source make_source(TableReader reader) {
  std::vector<std::string> names;
  for (const PartitionInfo& p : reader.partitions()) names.push_back(sanitize_line(p.path));
  return Source{std::move(reader), std::move(names)};
}

// Exactly the partition with these values.
PartitionFilter only(const PartitionScheme& scheme, const PartitionValues& values) {
  std::vector<PartitionFilter> keys;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    keys.push_back(PartitionFilter::exact(scheme.keys()[i].name, values[i]));
  }
  return PartitionFilter::and_(std::move(keys));
}

class TableCat {
 public:
  TableCat(const CatOptions& options, Table table, PartitionFilter filter)
      : options_(options),
        table_(std::move(table)),
        filter_(std::move(filter)),
        range_{options.from_ns, options.to_ns},
        strategy_(options.merge.value_or(MergeStrategy::TimestampOrder)),
        types_(options.types),
        printer_(options.format, options.preview_bytes, true) {}

  int run();

 private:
  Status add_source(const PartitionFilter& filter);
  Status add_new_partitions();
  // Prints what `source` has now; false (after reporting) on a read error.
  bool drain(Source& source, bool& any);

  const CatOptions& options_;
  Table table_;
  PartitionFilter filter_;
  TimeRange range_;
  MergeStrategy strategy_;
  TypeSet types_;
  RecordPrinter printer_;
  std::vector<Source> sources_;
  std::set<std::string> known_;  // partition paths some source reads
  std::uint64_t printed_ = 0;
};

Status TableCat::add_source(const PartitionFilter& filter) {
  auto reader = table_.query(filter, range_, strategy_);
  if (!reader) return std::move(reader).error();
  for (const PartitionInfo& p : reader->partitions()) known_.insert(p.path);
  sources_.push_back(make_source(std::move(*reader)));
  return {};
}

// Partitions created since the follower started, as one more source. Their
// records are printed as they are found, not merged with the others.
Status TableCat::add_new_partitions() {
  ListOptions list;
  list.stats = false;
  auto partitions = table_.partitions(filter_, list);
  if (!partitions) return std::move(partitions).error();
  std::vector<PartitionFilter> fresh;
  for (const PartitionInfo& p : *partitions) {
    if (!known_.contains(p.path)) fresh.push_back(only(table_.scheme(), p.values));
  }
  if (fresh.empty()) return {};
  return add_source(PartitionFilter::or_(std::move(fresh)));
}

bool TableCat::drain(Source& source, bool& any) {
  const std::uint64_t limit = options_.limit.value_or(UINT64_MAX);
  TableRecord rec;
  while (printed_ < limit && !stop_requested()) {
    const Step step = source.reader.next(rec);
    if (step == Step::NothingYet) return true;
    if (step == Step::Failed) {
      finish_stdout();
      print_error(source.reader.status().error());
      return false;
    }
    any = true;
    if (!types_.contains(rec.record.type_id)) continue;
    printer_.print(rec.record, source.names[rec.partition]);
    ++printed_;
  }
  return true;
}

int TableCat::run() {
  if (Status s = add_source(filter_); !s) {
    print_error(s.error());
    return kExitDataError;
  }
  printer_.begin();
  const std::uint64_t limit = options_.limit.value_or(UINT64_MAX);
  // Polling every partition is dearer than polling one log: sleep up to
  // 10 ms when idle.
  BackoffWait wait(100, 10, std::chrono::microseconds(1), std::chrono::milliseconds(10));
  Clock::time_point last_check = Clock::now();
  while (printed_ < limit && !stop_requested()) {
    bool any = false;
    for (Source& source : sources_) {
      if (!drain(source, any)) return kExitDataError;
    }
    if (any) {
      wait.reset();
      continue;
    }
    // A TableReader never says "end": drained is the end without --follow.
    if (!options_.follow) break;
    if (!finish_stdout()) return kExitDataError;
    if (const auto now = Clock::now(); now - last_check >= kPartitionCheckInterval) {
      last_check = now;
      if (Status s = add_new_partitions(); !s) {
        print_error(s.error());
        return kExitDataError;
      }
    }
    wait.idle();
  }
  return finish_stdout() ? kExitOk : kExitDataError;
}

}  // namespace

int run_table_cat(const CatOptions& options) {
  if (options.from_seq) {
    print_error(fmt::format(
        "--from-seq applies to a log, and {} is a table, whose partitions each number their "
        "records from 0: use --from",
        escape_bytes(options.dir)));
    return kExitUsage;
  }
  // Installed before the first record is printed, as for a log.
  if (options.follow) install_stop_handlers();
  auto table = Table::open(options.dir);
  if (!table) {
    print_error(table.error());
    return kExitDataError;
  }
  auto filter = where_filter(table->scheme(), options.where);
  if (!filter) {
    print_error(filter.error());
    return kExitUsage;
  }
  return TableCat(options, std::move(*table), std::move(*filter)).run();
}

}  // namespace chronicle::cli
