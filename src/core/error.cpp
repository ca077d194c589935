#include <chronicle/core/error.hpp>
#include <chronicle/core/errors.hpp>

#include <cstring>
#include <exception>

namespace chronicle {

std::string_view errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::Io: return "Io";
    case Errc::NoSpace: return "NoSpace";
    case Errc::Corruption: return "Corruption";
    case Errc::InvalidArgument: return "InvalidArgument";
    case Errc::NotFound: return "NotFound";
    case Errc::Locked: return "Locked";
    case Errc::Closed: return "Closed";
    case Errc::Unsupported: return "Unsupported";
  }
  return "Unknown";
}

Error::Error(Errc code, std::string message, int sys_errno)
    : rep_(std::make_unique<Rep>(Rep{code, sys_errno, std::move(message)})) {}

Error::Error(const Error& other)
    : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}

Error& Error::operator=(const Error& other) {
  if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  return *this;
}

std::string Error::to_string() const {
  if (!rep_) return "OK";
  return fmt::format("{}: {}", errc_name(rep_->code), rep_->message);
}

namespace detail {
void throw_bad_result_access(const Error& error) { throw BadResultAccess(error); }
}  // namespace detail

std::string escape_bytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

std::string current_exception_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    return escape_bytes(e.what());
  } catch (...) {
    return "an exception of a type not derived from std::exception";
  }
}

Errc errc_from_errno(int sys_errno) noexcept {
  switch (sys_errno) {
    case ENOSPC:
    case EDQUOT: return Errc::NoSpace;
    case ENOENT: return Errc::NotFound;
    case EWOULDBLOCK: return Errc::Locked;
    default: return Errc::Io;
  }
}

Error io_error(std::string_view op, std::string_view path, int sys_errno) {
  return Error(errc_from_errno(sys_errno),
               fmt::format("{}: {} failed: {} (errno {})", escape_bytes(path), op,
                           std::strerror(sys_errno), sys_errno),
               sys_errno);
}

}  // namespace chronicle
