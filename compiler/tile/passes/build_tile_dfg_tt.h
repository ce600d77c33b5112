// Pass BuildTileDFGTT: builds the tile dataflow graph: for every circular buffer, the kernel producing into
// it and the one consuming from it.
//
// A circular buffer is a single-producer, single-consumer queue between RISCs. Every CB region of the body
// is classified by the work inside it (tile reads: reader; packs and tile math: compute; tile writes:
// writer). A buffer with two producing or two consuming kernels, a reader that consumes or a writer that
// produces, cannot be split into kernels: that is a CompileError naming the buffer. Post-condition: attrs
// "tt.dfg.c_N" = "producer -> consumer (buffer)" for every circular buffer used.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc BuildTileDFGTT(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
