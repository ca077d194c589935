#pragma once
// Errors as values. An Error is one pointer: null on success, so checking a
// result costs one compare; on failure it owns {code, message, errno}. The
// message is one line naming the file, the byte offset where there is one, and
// what was expected against what was found. Non-printable bytes are escaped.
//
// Result<T> is spelled like std::expected<T, Error> so it can become an alias
// when the project moves to C++23. value() on a failed result throws
// BadResultAccess, so tools may write `Table::open(p).value()`; library code
// itself never throws on the append or read path.
//
// Thread safety: Error, Result and Status are values; a const Error may be
// shared between threads.

#include <cstdint>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace chronicle {

// The category of a failure. Outcomes that are not failures ("nothing yet",
// "end of log") are enums of their own, never errors.
enum class Errc : std::uint8_t {
  Io,               // a system call failed (EIO, EACCES, EROFS, EMFILE, ...)
  NoSpace,          // ENOSPC / EDQUOT: the filesystem is full
  Corruption,       // bytes on disk are not what the format promises
  InvalidArgument,  // a caller passed a value outside the documented range
  NotFound,         // a file, segment or record that was asked for does not exist
  Locked,           // another writer holds the log
  Closed,           // the object was closed, or is unusable after fork()
  Unsupported,      // a format version or feature this build cannot handle
};

// Name of the category as printed in messages ("Corruption", "NoSpace", ...).
std::string_view errc_name(Errc code) noexcept;

class Error {
 public:
  Error() noexcept = default;  // the "no error" value; operator bool is false
  Error(Errc code, std::string message, int sys_errno = 0);
  Error(const Error& other);
  Error& operator=(const Error& other);
  Error(Error&&) noexcept = default;
  Error& operator=(Error&&) noexcept = default;
  ~Error() = default;

  // True when this holds an error.
  explicit operator bool() const noexcept { return rep_ != nullptr; }

  // REQUIRES: *this holds an error.
  Errc code() const noexcept { return rep_->code; }
  const std::string& message() const noexcept { return rep_->message; }
  int sys_errno() const noexcept { return rep_->sys_errno; }

  // "Corruption: <message>" — the category followed by the message.
  std::string to_string() const;

 private:
  struct Rep {
    Errc code;
    int sys_errno;
    std::string message;
  };
  std::unique_ptr<Rep> rep_;
};

// Thrown by Result::value() when the result holds an error.
class BadResultAccess : public std::runtime_error {
 public:
  explicit BadResultAccess(const Error& error)
      : std::runtime_error(error.to_string()), error_(error) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

namespace detail {
[[noreturn]] void throw_bad_result_access(const Error& error);
}  // namespace detail

// Tag that turns an Error into a failed Result, like std::unexpected.
struct Unexpected {
  Error error;
};
inline Unexpected unexpected(Error error) { return Unexpected{std::move(error)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const T& value) : ok_(true) { new (&value_) T(value); }                  // NOLINT
  Result(T&& value) noexcept(std::is_nothrow_move_constructible_v<T>) : ok_(true) {  // NOLINT
    new (&value_) T(std::move(value));
  }
  Result(Error error) noexcept : error_(std::move(error)), ok_(false) {}  // NOLINT
  Result(Unexpected u) noexcept : error_(std::move(u.error)), ok_(false) {}  // NOLINT

  Result(Result&& other) noexcept(std::is_nothrow_move_constructible_v<T>)
      : error_(std::move(other.error_)), ok_(other.ok_) {
    if (ok_) new (&value_) T(std::move(other.value_));
  }
  Result(const Result& other) : error_(other.error_), ok_(other.ok_) {
    if (ok_) new (&value_) T(other.value_);
  }
  Result& operator=(Result other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    destroy();
    error_ = std::move(other.error_);
    ok_ = other.ok_;
    if (ok_) new (&value_) T(std::move(other.value_));
    return *this;
  }
  ~Result() { destroy(); }

  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }

  T& value() & {
    if (!ok_) detail::throw_bad_result_access(error_);
    return value_;
  }
  const T& value() const& {
    if (!ok_) detail::throw_bad_result_access(error_);
    return value_;
  }
  T&& value() && {
    if (!ok_) detail::throw_bad_result_access(error_);
    return std::move(value_);
  }
  // REQUIRES: has_value().
  T& operator*() & noexcept { return value_; }
  const T& operator*() const& noexcept { return value_; }
  T&& operator*() && noexcept { return std::move(value_); }
  T* operator->() noexcept { return &value_; }
  const T* operator->() const noexcept { return &value_; }

  // REQUIRES: !has_value().
  const Error& error() const& noexcept { return error_; }
  Error&& error() && noexcept { return std::move(error_); }

 private:
  void destroy() noexcept {
    if (ok_) value_.~T();
    ok_ = false;
  }

  Error error_;
  union {
    T value_;
  };
  bool ok_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;

  Result() noexcept = default;
  Result(Error error) noexcept : error_(std::move(error)) {}       // NOLINT
  Result(Unexpected u) noexcept : error_(std::move(u.error)) {}  // NOLINT

  bool has_value() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return !error_; }
  void value() const {
    if (error_) detail::throw_bad_result_access(error_);
  }
  const Error& error() const& noexcept { return error_; }
  Error&& error() && noexcept { return std::move(error_); }

 private:
  Error error_;
};

using Status = Result<void>;

inline Status ok_status() noexcept { return Status(); }

}  // namespace chronicle
