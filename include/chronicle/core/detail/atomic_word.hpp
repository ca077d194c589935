#pragma once
// Atomic access to words that live in a shared file mapping. The mapping is
// plain bytes, not std::atomic objects, so these use the compiler's __atomic
// builtins, which are address-free for naturally aligned 4- and 8-byte words
// and therefore also order stores and loads between processes.

#include <cstddef>
#include <cstdint>

namespace chronicle::detail {

inline std::uint32_t load_u32_acquire(const std::byte* p) noexcept {
  return __atomic_load_n(reinterpret_cast<const std::uint32_t*>(p), __ATOMIC_ACQUIRE);
}
inline void store_u32_release(std::byte* p, std::uint32_t v) noexcept {
  __atomic_store_n(reinterpret_cast<std::uint32_t*>(p), v, __ATOMIC_RELEASE);
}
inline std::uint64_t load_u64_acquire(const std::byte* p) noexcept {
  return __atomic_load_n(reinterpret_cast<const std::uint64_t*>(p), __ATOMIC_ACQUIRE);
}
inline void store_u64_release(std::byte* p, std::uint64_t v) noexcept {
  __atomic_store_n(reinterpret_cast<std::uint64_t*>(p), v, __ATOMIC_RELEASE);
}

}  // namespace chronicle::detail
