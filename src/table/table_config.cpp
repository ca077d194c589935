#include <chronicle/table/table_config.hpp>

#include <chronicle/core/errors.hpp>
#include <chronicle/compression/seekable_writer.hpp>
#include <chronicle/table/writer/time_series_writer.hpp>

namespace chronicle {

std::string_view timestamp_order_name(TimestampOrder order) noexcept {
  return order == TimestampOrder::Strict ? "strict" : "permissive";
}

Status TableConfig::validate() const {
  TimeSeriesOptions writer;
  writer.log.segment_size = segment_size;
  writer.log.file_mode = file_mode;
  writer.log.dir_mode = dir_mode;
  writer.index_stride = index_stride;
  writer.timestamp_order = timestamp_order;
  if (auto ok = chronicle::validate(writer); !ok) return ok;
  SeekableOptions seekable;
  seekable.codec.level = compression_level;
  seekable.block_size = compression_block_size;
  if (auto ok = chronicle::validate(seekable); !ok) return ok;
  return compression_policy.validate();
}

}  // namespace chronicle
