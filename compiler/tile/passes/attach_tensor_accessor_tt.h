// Pass AttachTensorAccessorTT: gives every global tensor a TensorAccessor slot.
//
// Kernels address a tensor's pages through a TensorAccessor built from TensorAccessorArgs (interleaved,
// DRAM, page size). The slot is the tensor's position among the parameters; ConfigureTensorAccessorTT later
// turns the slots a kernel uses into its compile-time args. Post-condition: every Global buffer has
// accessor_index >= 0; attrs "tt.accessor.NAME" describe each.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc AttachTensorAccessorTT(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
