#pragma once
// Retries a system call that a signal interrupted (EINTR), as every call
// that may block must be: chronicle runs inside processes that use signals.

#include <cerrno>

namespace chronicle::detail {

template <class F>
auto retry_eintr(F f) {
  decltype(f()) r;
  do {
    r = f();
  } while (r == -1 && errno == EINTR);
  return r;
}

}  // namespace chronicle::detail
