// Pass PropagateTTLayout: gives the on-chip buffers (T.alloc_shared / T.alloc_fragment) their tiled layout.
//
// On-chip buffers hold whole tiles in their own dtype. A shape that is not a multiple of 32 is a
// CompileError at the allocation: the tile engine has no partial tiles (pad the block, not the buffer).
// Post-condition: every buffer has a layout.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc PropagateTTLayout(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
