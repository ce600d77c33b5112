// Pass GridToCoreGrid: turns T.Kernel's block indices into a persistent loop over the core's own blocks.
//
// After the partition each core runs the kernel body once per block it owns, so the body is wrapped in a
// loop over those blocks and bx / by become values computed from per-core runtime args: Contiguous:
// block_start + i over block_count blocks (by = block // grid_x, bx = block % grid_x); Blocks2D: block_x0 +
// ix, block_y0 + iy over a blocks_per_core_x x blocks_per_core_y rectangle. Post-condition: no KernelStmt is
// left; the runtime args are named IndexArgs.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc GridToCoreGrid(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
