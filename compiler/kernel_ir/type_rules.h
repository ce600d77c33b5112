// The C++ typing rules of Kernel IR, in one place: the node constructors, the verifier and the bytecode
// lowering all ask these functions, so they cannot disagree.
#pragma once

#include <cstdint>

#include "tilesim/kernel_ir.h"

namespace tilesim::kir {

// Integral promotion: bool becomes int; the other types stay.
constexpr Type Promote(Type type) { return type == Type::Bool ? Type::I32 : type; }

// The usual arithmetic conversions on two operands: u64 > u32 > i32 (after promotion).
constexpr Type CommonType(Type a, Type b) {
  a = Promote(a);
  b = Promote(b);
  if (a == Type::U64 || b == Type::U64) return Type::U64;
  if (a == Type::U32 || b == Type::U32) return Type::U32;
  return Type::I32;
}

constexpr bool IsComparison(BinaryOp op) { return op >= BinaryOp::Eq && op <= BinaryOp::Ge; }
constexpr bool IsLogical(BinaryOp op) { return op == BinaryOp::LogicalAnd || op == BinaryOp::LogicalOr; }
constexpr bool IsShift(BinaryOp op) { return op == BinaryOp::Shl || op == BinaryOp::Shr; }

// The type both operands are converted to before the operation is carried out. For comparisons this is
// their common type (so -1 < 1u is false, as in C++); shifts convert only the left operand; logical
// operators convert each operand to bool.
constexpr Type OperandType(BinaryOp op, Type lhs, Type rhs) {
  if (IsLogical(op)) return Type::Bool;
  if (IsShift(op)) return Promote(lhs);
  return CommonType(lhs, rhs);
}

// The type of `lhs op rhs`.
constexpr Type ResultType(BinaryOp op, Type lhs, Type rhs) {
  if (IsComparison(op) || IsLogical(op)) return Type::Bool;
  return OperandType(op, lhs, rhs);
}

constexpr Type ResultType(UnaryOp op, Type operand) {
  return op == UnaryOp::LogicalNot ? Type::Bool : Promote(operand);
}

// The type of `cond ? a : b`: the common type, except that two operands of one type keep it (bool).
constexpr Type SelectType(Type a, Type b) { return a == b ? a : CommonType(a, b); }

// The kir type of an intrinsic's argument or result kind (Void maps to U32: see MakeCall).
constexpr Type TypeOf(bc::ValueKind kind) { return kind == bc::ValueKind::U64 ? Type::U64 : Type::U32; }

constexpr bool Is32Bit(Type type) { return type == Type::U32 || type == Type::I32; }

// `value` converted to `type` as C++ converts integers: truncation to the width (bool: != 0).
constexpr uint64_t Truncate(uint64_t value, Type type) {
  switch (type) {
    case Type::Bool: return value != 0 ? 1 : 0;
    case Type::I32:
    case Type::U32: return value & 0xffffffffull;
    case Type::U64: return value;
  }
  return value;
}

// Converts a constant holding a `from` value (in its canonical bits: i32 as its 32-bit pattern) to `to`.
// Only i32 -> u64 needs more than truncation: it sign-extends.
constexpr uint64_t ConvertConstant(uint64_t value, Type from, Type to) {
  if (from == Type::I32 && to == Type::U64) {
    return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(value))));
  }
  return Truncate(value, to);
}

constexpr bool IsValidType(Type type) { return static_cast<uint8_t>(type) <= static_cast<uint8_t>(Type::U64); }

constexpr bool IsValidIntrinsic(bc::Intrinsic intrinsic) {
  return static_cast<uint32_t>(intrinsic) < bc::kNumIntrinsics;
}

}  // namespace tilesim::kir
