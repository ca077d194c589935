#pragma once
// Umbrella header: everything a user of chronicle needs.

#include <chronicle/version.hpp>

#include <chronicle/compression/cold_segment.hpp>
#include <chronicle/compression/seekable_reader.hpp>
#include <chronicle/compression/seekable_writer.hpp>
#include <chronicle/compression/segment_compression.hpp>
#include <chronicle/compression/unified_segment_reader.hpp>
#include <chronicle/compression/zstd_codec.hpp>
#include <chronicle/core/clock.hpp>
#include <chronicle/core/error.hpp>
#include <chronicle/core/file_system.hpp>
#include <chronicle/core/segment_header.hpp>
#include <chronicle/segment/hot_segment.hpp>
#include <chronicle/segment/log_options.hpp>
#include <chronicle/segment/log_reader.hpp>
#include <chronicle/segment/record_view.hpp>
#include <chronicle/segment/segment_store.hpp>
#include <chronicle/segment/segment_writer.hpp>
#include <chronicle/segment/wait_strategy.hpp>
