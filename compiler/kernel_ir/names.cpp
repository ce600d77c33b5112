// Spellings of Kernel IR types and operators, as C++ writes them.
#include "tilesim/kernel_ir.h"

namespace tilesim::kir {

std::string_view ToString(Type type) {
  switch (type) {
    case Type::Bool: return "bool";
    case Type::I32: return "int32_t";
    case Type::U32: return "uint32_t";
    case Type::U64: return "uint64_t";
  }
  return "?";
}

std::string_view ToString(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Mod: return "%";
    case BinaryOp::BitAnd: return "&";
    case BinaryOp::BitOr: return "|";
    case BinaryOp::BitXor: return "^";
    case BinaryOp::Shl: return "<<";
    case BinaryOp::Shr: return ">>";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::LogicalAnd: return "&&";
    case BinaryOp::LogicalOr: return "||";
  }
  return "?";
}

std::string_view ToString(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg: return "-";
    case UnaryOp::BitNot: return "~";
    case UnaryOp::LogicalNot: return "!";
  }
  return "?";
}

}  // namespace tilesim::kir
