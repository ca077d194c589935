#include <chronicle/ipc/archive_reader.hpp>

#include <chronicle/core/errors.hpp>
#include <chronicle/lifecycle/access_tracker.hpp>

namespace chronicle::ipc {

ArchiveReader::ArchiveReader(std::shared_ptr<AccessTracker> tracker, TableReader reader,
                             std::vector<StreamId> streams)
    : tracker_(std::move(tracker)), reader_(std::move(reader)), streams_(std::move(streams)) {}
ArchiveReader::ArchiveReader(ArchiveReader&&) noexcept = default;
ArchiveReader& ArchiveReader::operator=(ArchiveReader&&) noexcept = default;
ArchiveReader::~ArchiveReader() = default;

Result<ArchiveReader> ArchiveReader::open(const std::string& root, const ArchiveQuery& query) {
  if (auto ok = ArchiveLayout::validate_name("venue", query.venue); !ok) return std::move(ok).error();
  if (auto ok = ArchiveLayout::validate_name("symbol", query.symbol); !ok) return std::move(ok).error();
  std::vector<PartitionFilter> parts = {PartitionFilter::exact("venue", query.venue),
                                        PartitionFilter::exact("symbol", query.symbol)};
  std::optional<PartitionValue> from, to;
  for (auto [text, out] : {std::pair{&query.from_date, &from}, std::pair{&query.to_date, &to}}) {
    if (!*text) continue;
    auto d = PartitionValue::parse(KeyType::Date, **text);
    if (!d) return std::move(d).error();
    *out = std::move(*d);
  }
  if (from && to && *from > *to) {
    return invalid_argument("from_date {} is after to_date {}: expected from_date <= to_date",
                            from->to_string(), to->to_string());
  }
  if (from || to) parts.push_back(PartitionFilter::range("date", from, to));
  if (!query.streams.empty()) {
    std::vector<PartitionValue> names;
    for (const std::string& s : query.streams) {
      if (auto ok = ArchiveLayout::validate_name("stream", s); !ok) return std::move(ok).error();
      names.emplace_back(s);
    }
    parts.push_back(PartitionFilter::in("stream", std::move(names)));
  }
  auto table = Table::open(root);
  if (!table) return std::move(table).error();
  if (!(table->scheme() == ArchiveLayout::scheme())) {
    return file_error(Errc::InvalidArgument, root, "holds a table that is not an archive");
  }
  std::shared_ptr<AccessTracker> tracker;
  if (table->config().track_access) {
    auto created = AccessTracker::create();
    if (!created) return std::move(created).error();
    tracker = std::move(*created);
    table->set_read_observer(tracker);
  }
  auto reader = table->query(PartitionFilter::and_(std::move(parts)), query.range, query.strategy);
  if (!reader) return std::move(reader).error();
  std::vector<StreamId> streams;
  for (const PartitionInfo& p : reader->partitions()) {
    streams.push_back({p.values[0].as_string(), p.values[1].as_string(), p.values[2].to_string(),
                       p.values[3].as_string()});
  }
  return ArchiveReader(std::move(tracker), std::move(*reader), std::move(streams));
}

Step ArchiveReader::next(ArchiveRecord& out) noexcept {
  TableRecord rec;
  const Step step = reader_.next(rec);
  if (step == Step::Record) {
    out.record = rec.record;
    out.stream = &streams_[rec.partition];
  }
  return step;
}

}  // namespace chronicle::ipc
