// Instruction selection for T.Parallel element-wise statements, one output tile at a time: the value tree
// becomes FPU / SFPU tile operations on DST register 0 with circular-buffer operands.
//
// Binary FPU operations (add_tiles, sub_tiles, mul_tiles) take both operands from circular buffers, SFPU
// operations (exp, relu, sqrt, recip, and x op scalar: add/sub/mul/rsub_unary_tile) work on DST in place. So
// a binary operation whose operand is itself computed in DST first packs that operand into a scratch
// circular buffer (one page, one per nesting depth) and reads it back. max / min of two values use
// binary_max_tile / binary_min_tile on DST 0 and 1; with a constant, and division, are rewritten:
//   max(x, 0) = relu(x)    max(x, c) = relu(x - c) + c    min(x, c) = c - relu(c - x)
//   a / b = a * recip(b)   a / c = a * (1 / c)    -x = x * -1    casts change nothing in DST: the value is
// rounded when packed into its buffer. A statement storing a bare constant is a CompileError. A row vector
// (rank-1 tensor) operand makes its binary operation a row broadcast: x + v, x - v, x * v (v - x as -(x - v)).
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
  // A load that reads row 0 of its buffer for every row (a rank-1 tensor's window): the binary operation it
  // takes part in becomes a row broadcast (add/sub/mul_tiles_bcast_rows), its tile the output tile's column.
  std::function<bool(tir::BufferId, const std::vector<tir::Index>&)> row_broadcast;
  uint32_t tile_cols = 1;  // output tiles per row of the statement's block
};

// The statements computing `value` for tile `tile` of every operand and packing the result (pack_tile, in
// order) into `target_cb`, whose pages the caller has reserved.
std::vector<tir::Stmt> EmitEltwiseTile(const EltwiseContext& context, const tir::Value& value, const tir::Index& tile,
                                       int32_t target_cb, tir::SourceLocation loc);

}  // namespace tilesim::tile
