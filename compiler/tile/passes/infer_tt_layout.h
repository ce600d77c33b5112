// Pass InferTTLayout: gives every global tensor its layout on the device.
//
// Tensors live in DRAM as 32x32 tiles (four 16x16 faces each), one tile per page, pages interleaved over the
// DRAM banks; a shape that is not a multiple of 32 is padded with zeros by the host. Post-condition: every
// Global buffer has a layout with tile_rows, tile_cols and page_size.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc InferTTLayout(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
