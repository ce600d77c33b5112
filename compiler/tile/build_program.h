// Assembles the TTProgram (include/tilesim/tile_compiler.h) from the function the pipeline produced: the
// tensors, circular buffers and semaphores the host sets up, the three kernels in Kernel IR, and every
// participating core's work and runtime-argument values (in the order FinalizePersistentSignatureTT fixed).
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

TTProgram BuildProgram(const tir::PrimFunc& parsed, const tir::PrimFunc& lowered, const CompileOptions& options);

}  // namespace tilesim::tile
