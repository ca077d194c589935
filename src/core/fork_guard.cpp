#include <chronicle/core/detail/fork_guard.hpp>

#include <pthread.h>

#include <mutex>

namespace chronicle::detail {

std::atomic<std::uint64_t> g_fork_generation{0};

std::uint64_t fork_generation_at_open() noexcept {
  static std::once_flag once;
  std::call_once(once, [] {
    ::pthread_atfork(nullptr, nullptr,
                     [] { g_fork_generation.fetch_add(1, std::memory_order_relaxed); });
  });
  return fork_generation();
}

}  // namespace chronicle::detail
