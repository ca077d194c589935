#include <algorithm>

#include "v1_migration_copy.hpp"

namespace chronicle::ipc::v1::detail {

Status verify_records(TimeSeriesReader& fresh, const MigratedLog& log) {
  auto old = V1LogReader::open(log.source);
  if (!old) return std::move(old).error();
  RecordView a;
  RecordView b;
  for (std::uint64_t n = 0;; ++n) {
    const Step sa = old->next(a);
    if (sa == Step::Failed) return old->status();
    const Step sb = fresh.next(b);
    if (sb == Step::Failed) return fresh.status();
    if (sa != sb) {
      return file_error(Errc::Corruption, log.target,
                        "verification: the {} has {} records, the other more",
                        sa == Step::Record ? "new log" : "v1 log", n);
    }
    if (sa == Step::NothingYet) {
      if (n != log.records) {
        return file_error(Errc::Corruption, log.target,
                          "verification: {} records read back, {} were copied", n, log.records);
      }
      return {};
    }
    if (b.seq != n || a.timestamp_ns != b.timestamp_ns || a.type_id != b.type_id ||
        !std::equal(a.payload.begin(), a.payload.end(), b.payload.begin(), b.payload.end())) {
      return file_error(Errc::Corruption, log.target,
                        "verification: record {} differs from v1 seq {} of {} (seq {} / {}, "
                        "timestamp {} / {}, type {} / {}, {} / {} payload bytes)",
                        n, a.seq, escape_bytes(log.source), b.seq, n, b.timestamp_ns,
                        a.timestamp_ns, b.type_id, a.type_id, b.payload.size(), a.payload.size());
    }
  }
}

}  // namespace chronicle::ipc::v1::detail
