// Pass InsertDSTManagementTT: brackets the use of the DST register with its four-step hand-shake.
//
// Math (unpack + FPU / SFPU) fills DST and pack drains it, on different TRISCs: tile_regs_acquire before the
// math, tile_regs_commit after it, tile_regs_wait before packing and tile_regs_release after. A freshly
// acquired DST reads as zero, which is what T.clear of an accumulator relies on. Post-condition: no
// DstRegionStmt is left.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc InsertDSTManagementTT(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
