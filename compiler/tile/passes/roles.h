// Which kernel a lowered tile statement belongs to (reader, compute or writer), for BuildTileDFGTT and
// SplitDeviceKernel.
#pragma once

#include <cstdint>

#include "tilesim/tile_ir.h"

namespace tilesim::tile {

// A set of roles: statements with loops around work of several kernels have several.
enum RoleBits : uint8_t { kReader = 1, kCompute = 2, kWriter = 4 };

// The roles of the work inside `stmt`: tile reads and multicast regions are the reader's, tile writes the
// writer's, DST regions and compute intrinsics the compute kernel's; loops and lets have their bodies' roles.
uint8_t RolesOf(const tir::Stmt& stmt);

inline constexpr const char* kReaderName = "reader";
inline constexpr const char* kComputeName = "compute";
inline constexpr const char* kWriterName = "writer";

}  // namespace tilesim::tile
