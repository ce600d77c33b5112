// role: writer
// defines: TILES_PER_BLOCK=4, TRACE
// The preprocessor: a local header (included twice; #pragma once), object-like, function-like and variadic
// macros, # and ##, #if / #elif / #else with defined() and arithmetic, #undef, #pragma, defines given
// to the compiler.

#include "include/kernel_common.h"
#include "include/kernel_common.h"
#include "debug/dprint.h"
#pragma GCC unroll 4

#define NAME_OF(x) #x
#define VALUE_OF(x) NAME_OF(x)
#define ARG(i) get_arg_val<uint32_t>(i)
#define JOIN(a, b) a##b
#define MAX_TILES (TILES_PER_BLOCK * 8)

#if TILES_PER_BLOCK * 2 > 6 && defined(TRACE)
#define TRACE_LEVEL 2
#elif defined TRACE
#define TRACE_LEVEL 1
#else
#define TRACE_LEVEL 0
#endif

#undef STR
#ifdef STR
#error "STR was undefined"
#endif

void kernel_main() {
    uint32_t tiles = ARG(0);
    uint32_t JOIN(block, _count) = common::blocks_for(tiles);
#if TRACE_LEVEL >= 2
    LOG(VALUE_OF(TILES_PER_BLOCK) " " NAME_OF(tiles) " per block: " << block_count << " blocks of " << TILES_PER_BLOCK);
#endif
    if (tiles > MAX_TILES) {
        LOG("too many tiles: " << tiles);
    }
}
