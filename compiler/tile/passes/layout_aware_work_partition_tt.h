// Pass LayoutAwareWorkPartitionTT: spreads the kernel grid (T.Kernel's blocks) over the core grid.
//
// Two modes. Contiguous: the blocks in row-major order, each core a contiguous range (start, count) as
// tt-metal's split_work_to_cores deals them out; used when each block is one output tile or the grid does
// not divide evenly. Blocks2D: a cores_x x cores_y rectangle where cores_x divides the grid's x extent (and
// likewise y), each core a rectangle of neighbouring blocks, all cores of a row visiting the same block rows
// in the same order — which is what lets a T.copy whose source depends only on by (A's block row) be read
// once per core row and multicast along it (and B, depending only on bx, down the columns) when
// options.multicast is set. Post-condition: func.partition is set; attrs tt.partition_mode, tt.core_grid,
// tt.multicast.NAME describe it.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc LayoutAwareWorkPartitionTT(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
