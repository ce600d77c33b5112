// Pass SplitDeviceKernel: splits the body into the reader, compute and writer kernels.
//
// Each kernel keeps the whole loop nest (the persistent block loop, the K loop) but only its own work: tile
// reads and multicast regions go to the reader, DST regions, tile math and their CB regions to compute, tile
// writes to the writer. A DST region spans loops holding reader work too (the K loop); the reader and writer
// keep what is inside it. The reader is data movement 0 (BRISC, NoC 0) and the writer data movement 1
// (NCRISC, NoC 1), tilesim's convention for the two data movement RISCs. Post-condition: func.body is empty
// and func.kernels holds reader, compute and writer, each body holding work of its own role only.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc SplitDeviceKernel(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
