# Warnings and sanitizers apply to chronicle's own targets only (PRIVATE), never
# to projects that embed chronicle.
function(chronicle_set_warnings target)
  # Option structs (LogOptions, ArchiveQuery, ...) have a default for every
  # member and are meant to be brace-initialized partially.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wcast-align -Wno-missing-field-initializers)
  # GCC 12 reports false positives inside libstdc++ once it inlines deeply:
  # "may be used uninitialized" in std::variant/std::optional moves (GCC bugs
  # 105562, 107919) and -Wrestrict / -Wstringop-overflow in std::string and
  # std::vector copies at -O3 (GCC bugs 105329, 106199). Clang builds (tsan,
  # fuzz) keep these checks.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized -Wno-restrict
                           -Wno-stringop-overflow)
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
