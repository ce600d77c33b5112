// Pass FinalizePersistentSignatureTT: fixes each kernel's runtime-argument list.
//
// The passes name per-core values (block_start, A_addr, A_shared_is_sender...) where they need them. Each
// kernel now reads exactly the ones it uses, numbered in order of first use: the body starts with const NAME
// = get_arg_val(i) for each, and DeviceKernel::runtime_arg_names records the order the host must follow.
// Post-condition: no IndexArg is left.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc FinalizePersistentSignatureTT(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
