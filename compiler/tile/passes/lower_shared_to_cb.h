// Pass LowerSharedToCB: turns shared buffers into circular buffers.
//
// A T.alloc_shared buffer is filled by the reader and drained by its consumer, so it becomes a circular
// buffer of its tiles times the pipeline depth: num_stages of the T.Pipelined loop its T.copy sits in, else
// 2 (the reader may run one block ahead). A tensor read directly inside T.Parallel (Bias[by * 128 + i, bx *
// 128 + j]) first gets a shared buffer of its own and a T.copy into it, so every element-wise operand is a
// circular buffer; such a read must be the block's own window of the tensor (the parallel variables with
// unit stride, a tile-aligned base). Shared buffers take CBs c_0 upwards; fragments are placed by
// LowerTTTileIntrinsics (c_16 upwards). Post-condition: every shared buffer has cb_index and cb_num_pages;
// T.Parallel reads only on-chip buffers.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc LowerSharedToCB(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
