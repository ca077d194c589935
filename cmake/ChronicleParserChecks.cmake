# RELIABILITY S6: the parsers of on-disk and command-line input, built with
# extra UBSan checks (clang) that flag what is defined behaviour in C++ but
# a bug in a parser: an unsigned wrap in offset + length, count * size or a
# sum of frame sizes. Set CHRONICLE_PARSER_SANITIZE (the `fuzz` preset does)
# to the checks, e.g. unsigned-integer-overflow; every report is fatal.
#
# The checks apply to the parser sources below (the library's part) and, via
# chronicle_set_parser_checks, to whole fuzz targets, which compile the
# inline parsers of the public headers (record and header decoding).
# zstd is a shared library and is not rebuilt; xxhash is compiled inline,
# and cmake/parser_sanitize_ignore.txt exempts it (and libstdc++): its hashes wrap on
# purpose.
set(CHRONICLE_PARSER_SANITIZE "" CACHE STRING
    "Extra -fsanitize checks (clang) for the parser sources and fuzz targets, e.g. unsigned-integer-overflow")

# Source files of the parsers the fuzz targets drive; docs/RELIABILITY.md
# ("Fuzzing") reports their line coverage (scripts/fuzz-coverage).
set(CHRONICLE_PARSER_SOURCES
  src/core/segment_header.cpp
  src/segment/segment_cursor.cpp
  src/compression/seekable_format.cpp
  src/compression/seekable_reader.cpp
  src/compression/cold_segment.cpp
  src/ipc/v1/v1_frame_index.cpp
  src/ipc/v1/v1_log_dir.cpp
  src/ipc/v1/v1_log_reader.cpp
  src/ipc/v1/v1_log_seek.cpp
  src/ipc/v1/v1_seek_index.cpp
  src/ipc/v1/v1_segment_bytes.cpp
  src/ipc/v1/v1_table_metadata.cpp
  src/table/table_metadata.cpp
  src/table/compression_policy.cpp
  src/table/json_util.cpp
  src/lifecycle/access_file.cpp
  src/table/partition/partition_path.cpp
  src/table/partition/partition_value.cpp
  src/table/partition/partition_values.cpp
  src/table/partition/partition_filter.cpp
  tools/support/parse_number.cpp
  tools/support/parse_policy.cpp
  tools/support/parse_time.cpp
  tools/support/where_clause.cpp)

function(chronicle_parser_check_flags out)
  # Compiled with a copy named after its hash: ccache (4.7) hashes neither
  # the list's contents nor, in its preprocessor mode, -D options, so only a
  # new path makes an edited list recompile what it should.
  set(list ${PROJECT_SOURCE_DIR}/cmake/parser_sanitize_ignore.txt)
  file(MD5 ${list} list_md5)
  set(copy ${PROJECT_BINARY_DIR}/parser_sanitize_ignore-${list_md5}.txt)
  configure_file(${list} ${copy} COPYONLY)
  set(${out} -fsanitize=${CHRONICLE_PARSER_SANITIZE} -fsanitize-ignorelist=${copy}
      -fno-sanitize-recover=all PARENT_SCOPE)
endfunction()

# The checks for a whole target (a fuzz target or its replay driver).
function(chronicle_set_parser_checks target)
  if(CHRONICLE_PARSER_SANITIZE)
    chronicle_parser_check_flags(flags)
    target_compile_options(${target} PRIVATE ${flags})
    target_link_options(${target} PRIVATE -fsanitize=${CHRONICLE_PARSER_SANITIZE})
  endif()
endfunction()

# The checks for the parser sources of the library and of the CLI's parser
# library; call once both targets exist.
function(chronicle_apply_parser_checks)
  if(NOT CHRONICLE_PARSER_SANITIZE)
    return()
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CHRONICLE_PARSER_SANITIZE needs clang")
  endif()
  chronicle_parser_check_flags(flags)
  set(lib_sources "")
  set(cli_sources "")
  foreach(source ${CHRONICLE_PARSER_SOURCES})
    if(source MATCHES "^src/")
      list(APPEND lib_sources ${PROJECT_SOURCE_DIR}/${source})
    else()
      list(APPEND cli_sources ${PROJECT_SOURCE_DIR}/${source})
    endif()
  endforeach()
  set_source_files_properties(${lib_sources} TARGET_DIRECTORY chronicle
                              PROPERTIES COMPILE_OPTIONS "${flags}")
  if(TARGET chronicle_cli_parts)
    set_source_files_properties(${cli_sources} TARGET_DIRECTORY chronicle_cli_parts
                                PROPERTIES COMPILE_OPTIONS "${flags}")
  endif()
  # The runtime comes with -fsanitize=undefined at link time (the fuzz
  # preset's CHRONICLE_SANITIZE); without it, link it here.
  target_link_options(chronicle PUBLIC -fsanitize=${CHRONICLE_PARSER_SANITIZE})
endfunction()
