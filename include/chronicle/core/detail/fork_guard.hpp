#pragma once
// A counter that a pthread_atfork child handler increments, so that a writer
// inherited by a forked child can tell with one load that it must not append
// (the child shares the parent's mapping and lock, and would corrupt the log).

#include <atomic>
#include <cstdint>

namespace chronicle::detail {

// Installs the handler once per process and returns the current generation.
std::uint64_t fork_generation_at_open() noexcept;

extern std::atomic<std::uint64_t> g_fork_generation;

inline std::uint64_t fork_generation() noexcept {
  return g_fork_generation.load(std::memory_order_relaxed);
}

}  // namespace chronicle::detail
