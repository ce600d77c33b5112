// The tile pass pipeline without the last step (TTProgram assembly), for tools and tests that look at the IR
// between passes: runs the passes in order up to and including `stop_after` (all of them when empty).
#pragma once

#include <string>

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc RunTilePipeline(const tir::PrimFunc& parsed, const CompileOptions& options,
                              const std::string& stop_after);

}  // namespace tilesim::tile
