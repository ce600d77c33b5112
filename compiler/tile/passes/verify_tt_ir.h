// Pass VerifyTTIR: checks that the pipeline produced three well-formed kernels.
//
// Runs the Tile IR verifier in its strictest mode (compiler/tile/ir/verifier.h): only scalar code and device
// intrinsics the kernel's role may call, every variable in scope, every circular buffer argument real. Any
// failure is a compiler bug: InternalError listing every problem. Post-condition: the kernels can be
// translated to Kernel IR.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc VerifyTTIR(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
