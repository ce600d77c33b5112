// The Tile IR verifier: every broken invariant, one message each, like kir::VerifyKernel.
//
// Always: buffer and variable references exist, index and value nodes are not null. For lowered kernels
// (`lowered`, after the pipeline): only let / for / if / sequences and intrinsic calls remain, no named
// runtime args; every intrinsic is one the kernel's role may call, with its argument count; variables are
// used inside the scope that binds them; circular buffer arguments of cb_* calls are constants naming a
// circular buffer of the function.
#pragma once

#include <string>
#include <vector>

#include "tilesim/tile_ir.h"

namespace tilesim::tir {

std::vector<std::string> VerifyTileIR(const PrimFunc& func, bool lowered);

}  // namespace tilesim::tir
