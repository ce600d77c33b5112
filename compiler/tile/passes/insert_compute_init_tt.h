// Pass InsertComputeInitTT: puts the compute engine's configuration calls where the operation changes.
//
// The unpacker and the FPU are configured for one kind of operation at a time: mm_init (or
// binary_op_init_common) once at the start of the compute kernel, then mm_init_short before matmul_tiles,
// add_tiles_init / sub_tiles_init / mul_tiles_init before the element-wise FPU operations,
// copy_tile_to_dst_init_short before copy_tile, and exp_tile_init / relu_tile_init / ... before each SFPU
// operation, whenever the previous operation in program order (around loop back-edges too) was configured
// differently. Post-condition: every compute operation is preceded, on every path, by its configuration.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc InsertComputeInitTT(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
