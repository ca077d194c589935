#include "commands/cat.hpp"

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/core/errors.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/wait_strategy.hpp>

#include "commands/table_cat.hpp"
#include "format/safe_text.hpp"
#include "format/time_format.hpp"
#include "inspect/reader_stop.hpp"
#include "inspect/table_root.hpp"
#include "inspect/type_set.hpp"
#include "support/console.hpp"
#include "support/exit_code.hpp"
#include "support/stop_signal.hpp"

namespace chronicle::cli {
namespace {

using Clock = std::chrono::steady_clock;

// A reader waiting while a later segment is listed is stuck, unless a writer
// is in the middle of a roll: that gets kRollGrace to finish. How often the
// directory is listed while waiting: often when the end is near (no
// --follow), rarely when following.
constexpr auto kRollGrace = std::chrono::milliseconds(100);
constexpr auto kCheckInterval = std::chrono::milliseconds(10);
constexpr auto kFollowCheckInterval = std::chrono::seconds(1);

// Whether a log record is one the options select. A log has no timestamp
// index and its timestamps need not be ordered, so --from and --to filter
// every record rather than seek and stop.
bool selected(const RecordView& r, const CatOptions& o, const TypeSet& types) {
  if (o.from_ns && r.timestamp_ns < *o.from_ns) return false;
  if (o.to_ns && r.timestamp_ns >= *o.to_ns) return false;
  return types.contains(r.type_id);
}

// Options that only a table understands, given for a log: a usage error.
std::optional<std::string> table_only_option(const CatOptions& o) {
  if (!o.where.empty()) return "--where";
  if (o.merge) return "--merge";
  return std::nullopt;
}

// Why the reader cannot go on although the log holds more segments, or
// nullopt when it is at the real end of the log. A follower keeps waiting at
// an unsealed segment with a successor: the writer's recovery will end it.
std::optional<Error> stuck_reason(const std::string& dir, const LogReader& reader, bool follow) {
  auto listed = list_segments(dir);
  if (!listed) return std::move(listed).error();
  const auto next = segment_after(*listed, reader.segment_id());
  if (!next) return std::nullopt;
  ReaderStop stop = explain_reader_stop(dir, reader.segment_id(), *next);
  if (follow && stop.kind == StopKind::Unsealed) return std::nullopt;
  return std::move(stop.error);
}

}  // namespace

int run_cat(const CatOptions& options) {
  if (options.from_ns && options.to_ns && *options.from_ns > *options.to_ns) {
    print_error(fmt::format("--from {} is after --to {}: the time range is empty",
                            format_iso8601_ns(*options.from_ns),
                            format_iso8601_ns(*options.to_ns)));
    return kExitUsage;
  }
  if (is_table_root(options.dir)) return run_table_cat(options);
  if (const auto option = table_only_option(options)) {
    print_error(fmt::format("{} applies to a table, and {} is a log (it has no _table.json)",
                            *option, escape_bytes(options.dir)));
    return kExitUsage;
  }
  // Installed before the first record is printed, so that a caller who saw
  // output can rely on SIGINT/SIGTERM ending the command cleanly.
  if (options.follow) install_stop_handlers();
  auto reader = LogReader::open(options.dir, both_tiers());
  if (!reader) {
    print_error(reader.error());
    return kExitDataError;
  }
  if (options.from_seq) {
    if (Status s = reader->seek_seq(*options.from_seq); !s) {
      print_error(s.error());
      return kExitDataError;
    }
  }
  const std::uint64_t limit = options.limit.value_or(UINT64_MAX);
  const auto check_interval = options.follow ? kFollowCheckInterval : kCheckInterval;
  const TypeSet types(options.types);
  const RecordPrinter printer(options.format, options.preview_bytes, false);
  printer.begin();
  std::uint64_t printed = 0;
  BackoffWait wait;
  bool idle = false;
  Clock::time_point idle_since, last_check;
  RecordView rec;
  while (printed < limit && !stop_requested()) {
    const Step step = reader->next(rec);
    if (step == Step::Record) {
      wait.reset();
      idle = false;
      if (!selected(rec, options, types)) continue;
      printer.print(rec);
      ++printed;
      continue;
    }
    if (step == Step::Failed) {
      finish_stdout();
      print_error(reader->status().error());
      return kExitDataError;
    }
    const auto now = Clock::now();
    // Without --follow the end of the log must be recognized at once; a
    // follower that catches up thousands of times a second must not list
    // the directory each time.
    const bool check_due = now - last_check >= check_interval || (!idle && !options.follow);
    if (!idle) idle_since = now;
    idle = true;
    if (check_due) {
      last_check = now;
      auto stuck = stuck_reason(options.dir, *reader, options.follow);
      if (!stuck && !options.follow) break;  // the end of the log
      if (stuck && now - idle_since >= kRollGrace) {
        finish_stdout();
        print_error(*stuck);
        return kExitDataError;
      }
    }
    // Caught up: show what we have before waiting for more.
    if (!finish_stdout()) return kExitDataError;
    wait.idle();
  }
  return finish_stdout() ? kExitOk : kExitDataError;
}

}  // namespace chronicle::cli
