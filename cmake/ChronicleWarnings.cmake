# Warnings and sanitizers apply to chronicle's own targets only (PRIVATE), never
# to projects that embed chronicle.
function(chronicle_set_warnings target)
  # Option structs (LogOptions, ArchiveQuery, ...) have a default for every
  # member and are meant to be brace-initialized partially.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wcast-align -Wno-missing-field-initializers)
  # GCC 12 reports false "may be used uninitialized" warnings inside
  # std::variant and std::optional moves at -O2 (GCC bugs 105562, 107919);
  # clang builds (tsan, fuzz) keep the check.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(CHRONICLE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

function(chronicle_set_sanitizers target)
  if(CHRONICLE_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${CHRONICLE_SANITIZE}
                           -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PUBLIC -fsanitize=${CHRONICLE_SANITIZE})
  endif()
endfunction()
