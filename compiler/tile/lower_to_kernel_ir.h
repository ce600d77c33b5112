// The end of the tile pipeline: one verified DeviceKernel (scalar code and device intrinsics) becomes a
// Kernel IR kernel, the form every back end reads (bytecode, Metalium C++).
#pragma once

#include "tilesim/kernel_ir.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

// Indices are uint32_t (block and tile numbers, L1 addresses) except what intrinsics return (NoC addresses
// are uint64_t); // and % become unsigned division, which is Python's for the non-negative values the
// kernels compute; min / max become selects; a condition that is not a comparison is compared with 0.
kir::Kernel LowerToKernelIR(const tir::PrimFunc& func, const tir::DeviceKernel& kernel);

}  // namespace tilesim::tile
