// Instruction selection for T.Parallel element-wise statements, one output tile at a time: the value tree
// becomes FPU / SFPU tile operations on DST register 0 with circular-buffer operands.
//
// Binary FPU operations (add_tiles, sub_tiles, mul_tiles) take both operands from circular buffers, SFPU
// operations (exp, relu, sqrt, recip) work on DST in place. So a binary operation whose operand is itself
// computed in DST first packs that operand into a scratch circular buffer (one page, one per nesting
// depth) and reads it back. max / min / division are rewritten into these operations:
//   max(x, 0) = relu(x)    min(x, 0) = x - relu(x)    max(a, b) = relu(a - b) + b    min(a, b) = a - relu(a
// - b)
//   a / b = a * recip(b)   casts change nothing in DST: the value is rounded when packed into its buffer.
// Other scalar constants are a CompileError (the tile engine has no scalar operand here).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "tilesim/tile_ir.h"

namespace tilesim::tile {

struct EltwiseContext {
  const tir::PrimFunc* func = nullptr;
  std::function<int32_t(tir::BufferId, tir::SourceLocation)> cb_of;  // the CB holding a loaded buffer's tiles
  std::function<int32_t(uint32_t depth)> scratch_cb;                 // scratch CB for spills at `depth`
};

// The statements computing `value` for tile `tile` of every operand and packing the result (pack_tile, in
// order) into `target_cb`, whose pages the caller has reserved.
std::vector<tir::Stmt> EmitEltwiseTile(const EltwiseContext& context, const tir::Value& value, const tir::Index& tile,
                                       int32_t target_cb, tir::SourceLocation loc);

}  // namespace tilesim::tile
