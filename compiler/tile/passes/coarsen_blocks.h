// Part of LayoutAwareWorkPartitionTT: fusing the rectangle of blocks a core owns into one larger block.
//
// In a 2-D partition a core owns bpc_x x bpc_y neighbouring blocks. When every on-chip buffer dimension is
// tied to the block row (its T.copy offset is `by * extent + ...`), the block column (`bx * extent`), or
// neither (the K dimension), running the core's blocks as one block of bpc_y x bpc_x times the size computes
// exactly the same elements in the same order per output tile, while each A tile is read once for a whole
// block row and each B tile once for a whole block column: the reuse in L1 that makes a blocked GEMM fast.
// Fusion rewrites the buffers' shapes, the copies' extents, the T.Parallel extents and substitutes
// by -> by * bpc_y, bx -> bx * bpc_x; the kernel grid shrinks by the same factors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tilesim/tile_ir.h"

namespace tilesim::tile {

// Fuses `fx` x `fy` blocks into one when legal (see above) and the fused block's circular buffers fit in
// `l1_budget` bytes; returns false, leaving `func` as it was, otherwise (with the reason in `why_not`).
bool CoarsenBlocks(tir::PrimFunc& func, uint32_t fx, uint32_t fy, uint64_t l1_budget, std::string& why_not);

}  // namespace tilesim::tile
