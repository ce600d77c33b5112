// Pass ConfigureTensorAccessorTT: gives each kernel the TensorAccessorArgs of the tensors it reads or
// writes, as compile-time args.
//
// In parameter order, each tensor a kernel touches takes two compile-time args at the next offset — the
// ArgsConfig bits (IsDram) and the page size — exactly as tt-metal's
// TensorAccessorArgs(buffer).append_to(args) lays out an interleaved buffer (see
// include/tilesim/metalium.h); the kernel builds TensorAccessor(TensorAccessorArgs<offset>(), address) from
// them. Post-condition: every kernel's accessor_offsets names each tensor it touches, and its
// compile_time_args hold their args.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc ConfigureTensorAccessorTT(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
