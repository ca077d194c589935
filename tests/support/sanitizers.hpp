#pragma once
// Which sanitizer this test binary was built with, if any. Some faults cannot
// be made under one: ASan and TSan reserve terabytes of address space (so an
// RLIMIT_AS cannot be set low enough to fail one mapping), and the ASan
// runtime must come first in the library list (so an LD_PRELOAD shim cannot).

#include <string_view>

namespace chronicle::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr std::string_view kSanitizer = "AddressSanitizer";
#elif defined(__SANITIZE_THREAD__)
inline constexpr std::string_view kSanitizer = "ThreadSanitizer";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr std::string_view kSanitizer = "AddressSanitizer";
#elif __has_feature(thread_sanitizer)
inline constexpr std::string_view kSanitizer = "ThreadSanitizer";
#else
inline constexpr std::string_view kSanitizer = "";
#endif
#else
inline constexpr std::string_view kSanitizer = "";
#endif

}  // namespace chronicle::test
