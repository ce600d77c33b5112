// A kernel-local helper header, included with a quoted path relative to the kernel.
#pragma once

#include <cstdint>

#ifndef TILES_PER_BLOCK
#define TILES_PER_BLOCK 2
#endif

#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))
#define LOG(...) DPRINT << __VA_ARGS__ << ENDL()
#define STR(x) #x

namespace common {
inline uint32_t blocks_for(uint32_t tiles) { return CEIL_DIV(tiles, TILES_PER_BLOCK); }
}  // namespace common
