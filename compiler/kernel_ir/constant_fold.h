// Constant folding: the value of an expression built only from constants, computed exactly as the
// bytecode the lowering would emit computes it (32-bit ops wrap at 32 bits, shift amounts are masked to
// the operand width, i32 division is signed, bool results are 0 / 1).
//
// Values are in the canonical register form of their type: u32 and i32 as their 32-bit pattern
// zero-extended, u64 as is, bool as 0 or 1.
#pragma once

#include <cstdint>
#include <optional>

#include "tilesim/kernel_ir.h"

namespace tilesim::kir {

// `lhs op rhs` for constant operands of the given types; nullopt where the operation would trap at run
// time (division or remainder by zero, INT_MIN / -1), so that the trap still happens, with its location.
// Logical operators take both operands as already evaluated (no short-circuit here).
std::optional<uint64_t> FoldBinary(BinaryOp op, Type lhs_type, uint64_t lhs, Type rhs_type, uint64_t rhs);
uint64_t FoldUnary(UnaryOp op, Type operand_type, uint64_t operand);

// The value of `expr` if it is a constant expression (no variables, calls, loads or compile-time args,
// except in the operand a constant condition or a short-circuit leaves unevaluated); nullopt otherwise.
std::optional<uint64_t> FoldConstant(const Expr& expr);

}  // namespace tilesim::kir
