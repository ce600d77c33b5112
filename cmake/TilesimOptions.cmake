# Compile options shared by every tilesim target: warnings, optimisation, sanitizers.
add_library(tilesim_options INTERFACE)
add_library(tilesim::options ALIAS tilesim_options)
target_compile_options(tilesim_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(TILESIM_WERROR)
  target_compile_options(tilesim_options INTERFACE -Werror)
endif()
if(TILESIM_NATIVE)
  # Bit-exactness does not depend on this: the tile math only adds exact products (see emulator/tile_math).
  target_compile_options(tilesim_options INTERFACE -march=native)
endif()
if(TILESIM_SANITIZE)
  target_compile_options(tilesim_options INTERFACE -fsanitize=${TILESIM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(tilesim_options INTERFACE -fsanitize=${TILESIM_SANITIZE})
  # GCC 12's -Wmaybe-uninitialized misfires on std::variant and std::string members once sanitizer
  # instrumentation changes inlining (e.g. emulator/timing/profile_param.h); the Release build keeps it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(tilesim_options INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
