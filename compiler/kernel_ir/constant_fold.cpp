#include "compiler/kernel_ir/constant_fold.h"

#include <limits>

#include "compiler/kernel_ir/type_rules.h"

namespace tilesim::kir {
namespace {

constexpr uint64_t kLow32 = 0xffffffffull;

int32_t AsI32(uint64_t value) { return static_cast<int32_t>(static_cast<uint32_t>(value)); }
uint64_t FromI32(int32_t value) { return static_cast<uint32_t>(value); }

std::optional<uint64_t> Arithmetic32(BinaryOp op, bool is_signed, uint64_t a, uint64_t b) {
  uint32_t x = static_cast<uint32_t>(a);
  uint32_t y = static_cast<uint32_t>(b);
  bool traps = y == 0 || (is_signed && AsI32(x) == std::numeric_limits<int32_t>::min() && AsI32(y) == -1);
  switch (op) {
    case BinaryOp::Add: return static_cast<uint32_t>(x + y);
    case BinaryOp::Sub: return static_cast<uint32_t>(x - y);
    case BinaryOp::Mul: return static_cast<uint32_t>(x * y);
    case BinaryOp::Div:
      if (traps) return std::nullopt;
      return is_signed ? FromI32(AsI32(x) / AsI32(y)) : x / y;
    case BinaryOp::Mod:
      if (traps) return std::nullopt;
      return is_signed ? FromI32(AsI32(x) % AsI32(y)) : x % y;
    case BinaryOp::BitAnd: return x & y;
    case BinaryOp::BitOr: return x | y;
    case BinaryOp::BitXor: return x ^ y;
    case BinaryOp::Shl: return static_cast<uint32_t>(x << (b & 31));
    case BinaryOp::Shr: return is_signed ? FromI32(AsI32(x) >> (b & 31)) : x >> (b & 31);
    default: return std::nullopt;
  }
}

std::optional<uint64_t> Arithmetic64(BinaryOp op, uint64_t a, uint64_t b) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Sub: return a - b;
    case BinaryOp::Mul: return a * b;
    case BinaryOp::Div: return b == 0 ? std::nullopt : std::optional<uint64_t>(a / b);
    case BinaryOp::Mod: return b == 0 ? std::nullopt : std::optional<uint64_t>(a % b);
    case BinaryOp::BitAnd: return a & b;
    case BinaryOp::BitOr: return a | b;
    case BinaryOp::BitXor: return a ^ b;
    case BinaryOp::Shl: return a << (b & 63);
    case BinaryOp::Shr: return a >> (b & 63);
    default: return std::nullopt;
  }
}

uint64_t Compare(BinaryOp op, Type type, uint64_t a, uint64_t b) {
  bool result = false;
  if (type == Type::I32) {
    int32_t x = AsI32(a);
    int32_t y = AsI32(b);
    switch (op) {
      case BinaryOp::Eq: result = x == y; break;
      case BinaryOp::Ne: result = x != y; break;
      case BinaryOp::Lt: result = x < y; break;
      case BinaryOp::Le: result = x <= y; break;
      case BinaryOp::Gt: result = x > y; break;
      case BinaryOp::Ge: result = x >= y; break;
      default: break;
    }
  } else {
    switch (op) {
      case BinaryOp::Eq: result = a == b; break;
      case BinaryOp::Ne: result = a != b; break;
      case BinaryOp::Lt: result = a < b; break;
      case BinaryOp::Le: result = a <= b; break;
      case BinaryOp::Gt: result = a > b; break;
      case BinaryOp::Ge: result = a >= b; break;
      default: break;
    }
  }
  return result ? 1 : 0;
}

}  // namespace

std::optional<uint64_t> FoldBinary(BinaryOp op, Type lhs_type, uint64_t lhs, Type rhs_type, uint64_t rhs) {
  if (IsLogical(op)) {
    bool a = lhs != 0;
    bool b = rhs != 0;
    return (op == BinaryOp::LogicalAnd ? (a && b) : (a || b)) ? 1 : 0;
  }
  Type type = OperandType(op, lhs_type, rhs_type);
  uint64_t a = ConvertConstant(lhs, lhs_type, type);
  // A shift amount is used as it is: only its low bits count, as in SHL32 / SHL64.
  uint64_t b = IsShift(op) ? rhs : ConvertConstant(rhs, rhs_type, type);
  if (IsComparison(op)) return Compare(op, type, a, b);
  if (type == Type::U64) return Arithmetic64(op, a, b);
  return Arithmetic32(op, type == Type::I32, a, b);
}

uint64_t FoldUnary(UnaryOp op, Type operand_type, uint64_t operand) {
  if (op == UnaryOp::LogicalNot) return operand == 0 ? 1 : 0;
  Type type = ResultType(op, operand_type);
  uint64_t value = ConvertConstant(operand, operand_type, type);
  uint64_t result = op == UnaryOp::Neg ? 0 - value : ~value;
  return type == Type::U64 ? result : result & kLow32;
}

std::optional<uint64_t> FoldConstant(const Expr& expr) {
  if (!expr.defined()) return std::nullopt;
  const ExprNode& node = *expr;
  if (const auto* c = std::get_if<ConstExpr>(&node.node)) return Truncate(c->value, node.type);
  if (const auto* u = std::get_if<UnaryExpr>(&node.node)) {
    auto operand = FoldConstant(u->operand);
    if (!operand) return std::nullopt;
    return FoldUnary(u->op, u->operand.type(), *operand);
  }
  if (const auto* b = std::get_if<BinaryExpr>(&node.node)) {
    auto lhs = FoldConstant(b->lhs);
    if (!lhs) return std::nullopt;
    // A short-circuit decided by its left operand does not need the right one to be constant.
    if (b->op == BinaryOp::LogicalAnd && *lhs == 0) return 0;
    if (b->op == BinaryOp::LogicalOr && *lhs != 0) return 1;
    auto rhs = FoldConstant(b->rhs);
    if (!rhs) return std::nullopt;
    return FoldBinary(b->op, b->lhs.type(), *lhs, b->rhs.type(), *rhs);
  }
  if (const auto* s = std::get_if<SelectExpr>(&node.node)) {
    auto cond = FoldConstant(s->cond);
    if (!cond) return std::nullopt;
    const Expr& chosen = *cond != 0 ? s->if_true : s->if_false;
    auto value = FoldConstant(chosen);
    if (!value) return std::nullopt;
    return ConvertConstant(*value, chosen.type(), node.type);
  }
  if (const auto* cast = std::get_if<CastExpr>(&node.node)) {
    auto operand = FoldConstant(cast->operand);
    if (!operand) return std::nullopt;
    return ConvertConstant(*operand, cast->operand.type(), node.type);
  }
  return std::nullopt;  // variables, calls, loads, compile-time args
}

}  // namespace tilesim::kir
