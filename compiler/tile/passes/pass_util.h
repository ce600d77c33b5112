// What the tile passes share: the pass signature, error reporting at DSL locations, and small queries on
// buffers and statements.
#pragma once

#include <cstdint>
#include <string>

#include "tilesim/compiler.h"
#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

inline constexpr int64_t kTileDim = 32;

// A user mistake found by a pass: CompileError at "file:line:col".
[[noreturn]] void FailAt(const tir::PrimFunc& func, tir::SourceLocation loc, const std::string& message);
// A broken invariant: the previous pass (or this one) is wrong. InternalError naming the pass.
[[noreturn]] void Internal(const char* pass, const std::string& message);

const tir::Buffer& BufferOf(const tir::PrimFunc& func, tir::BufferId id);
// Tiles of an on-chip buffer or a tensor (its layout's tile_rows x tile_cols); needs the layout.
uint32_t TileCount(const tir::Buffer& buffer);
// A fresh variable named `name` (made unique with a suffix if needed).
tir::VarId NewVar(tir::PrimFunc& func, const std::string& name);

}  // namespace tilesim::tile
