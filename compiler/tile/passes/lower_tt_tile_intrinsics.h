// Pass LowerTTTileIntrinsics: T.copy, T.gemm, T.clear and T.Parallel become TT tile operations.
//
// Still one body for the whole core, but now in tiles, with every hand-off through a circular buffer made a
// region (CBRegionStmt: produced by one statement, consumed by another; the calls come in LowerCBIntrinsics):
//   T.copy(tensor -> shared)    a Produce region of tile reads (or a multicast region, per the partition)
//   T.copy(on-chip -> tensor)   a Consume region of tile writes
//   T.gemm(A_s, B_s, C)         Consume regions of A_s and B_s around matmul_tiles over the block's tiles,
//                               accumulating C's tiles in DST
//   T.Parallel stores           per output tile, FPU / SFPU tile operations (eltwise_codegen.h) in a Produce
//                               region of the stored buffer's new circular buffer
// A fragment accumulated by T.gemm stays in DST from its T.clear to its next use: a DstRegionStmt spans the
// statement holding the gemm (the K loop), and its pack goes to where that next use wants it — a circular
// buffer in the output tensor's format for a T.copy out, or an intermediate one (the fragment's own
// format) for an element-wise epilogue. A fragment larger than one DST acquire (8 bf16 / 4 fp32 tiles) is
// accumulated in sub-blocks instead: each K step reloads a sub-block's partial sums from a circular buffer,
// accumulates and parks them again; the last step packs each tile to its place in the final buffer. Fragments therefore get their circular buffers here (c_16 up).
// Tile indices that can leave their tensor (a grid that overhangs a padded dimension) are guarded: such
// tiles are neither read nor written, and matmul_tiles skips K tiles past the end.
// Post-condition: no CopyStmt, GemmStmt, FillStmt, ParallelStmt, StoreStmt or AllocStmt is left.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc LowerTTTileIntrinsics(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
