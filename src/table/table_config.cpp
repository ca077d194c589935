#include <chronicle/table/table_config.hpp>

#include <chronicle/core/errors.hpp>
#include <chronicle/segment/log_options.hpp>
#include <chronicle/compression/seekable_writer.hpp>

namespace chronicle {

std::string_view timestamp_order_name(TimestampOrder order) noexcept {
  return order == TimestampOrder::Strict ? "strict" : "permissive";
}

Status TableConfig::validate() const {
  LogOptions log;
  log.segment_size = segment_size;
  log.file_mode = file_mode;
  log.dir_mode = dir_mode;
  if (auto ok = chronicle::validate(log); !ok) return ok;
  if (index_stride < 1 || index_stride > (1u << 20)) {
    return invalid_argument("index_stride {} is invalid: expected 1..{}", index_stride, 1u << 20);
  }
  if (timestamp_order != TimestampOrder::Strict && timestamp_order != TimestampOrder::Permissive) {
    return invalid_argument("timestamp_order {} is invalid: expected strict (0) or permissive (1)",
                            static_cast<unsigned>(timestamp_order));
  }
  SeekableOptions seekable;
  seekable.codec.level = compression_level;
  seekable.block_size = compression_block_size;
  if (auto ok = chronicle::validate(seekable); !ok) return ok;
  return compression_policy.validate();
}

}  // namespace chronicle
