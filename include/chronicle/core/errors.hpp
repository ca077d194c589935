#pragma once
// Builders for the errors chronicle reports, so that every message has the same
// shape: "<path>: <what> at offset <n>: expected <x>, found <y>" with the path
// and any found bytes escaped so a message is always one printable line.
//
// Thread safety: pure functions, safe from any thread.

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <chronicle/core/error.hpp>

namespace chronicle {

// Escapes bytes outside printable ASCII (and backslash) as \xNN, so that a
// hostile file name or value cannot forge log lines or drive a terminal.
std::string escape_bytes(std::string_view bytes);

// Inside a catch block: the exception being handled, as text for an error
// message (what() of a std::exception, escaped).
std::string current_exception_text();

// Maps an errno to its category: ENOSPC and EDQUOT are NoSpace, ENOENT is
// NotFound, EWOULDBLOCK is Locked, everything else is Io.
Errc errc_from_errno(int sys_errno) noexcept;

// "<path>: <op> failed: <strerror>" with the category derived from errno.
Error io_error(std::string_view op, std::string_view path, int sys_errno);

// "<path>: <message>" with the given category.
template <class... Args>
Error file_error(Errc code, std::string_view path, fmt::format_string<Args...> f,
                 Args&&... args) {
  return Error(code, fmt::format("{}: {}", escape_bytes(path),
                                 fmt::format(f, std::forward<Args>(args)...)));
}

// "<path>: <message> at offset <offset>" as Corruption.
template <class... Args>
Error corruption(std::string_view path, std::uint64_t offset, fmt::format_string<Args...> f,
                 Args&&... args) {
  return Error(Errc::Corruption, fmt::format("{}: {} at offset {}", escape_bytes(path),
                                             fmt::format(f, std::forward<Args>(args)...),
                                             offset));
}

// An InvalidArgument error without a file.
template <class... Args>
Error invalid_argument(fmt::format_string<Args...> f, Args&&... args) {
  return Error(Errc::InvalidArgument, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace chronicle
