// Tile IR node constructors and names (include/tilesim/tile_ir.h).
#include "tilesim/tile_ir.h"

#include "tilesim/compiler.h"

namespace tilesim::tir {

std::string_view ToString(DType dtype) {
  switch (dtype) {
    case DType::BFloat16: return "bfloat16";
    case DType::Float32: return "float32";
  }
  return "<dtype?>";
}

DataFormat ToDataFormat(DType dtype) {
  return dtype == DType::Float32 ? DataFormat::Float32 : DataFormat::Float16_b;
}

std::string_view ToString(IndexOp op) {
  switch (op) {
    case IndexOp::Add: return "+";
    case IndexOp::Sub: return "-";
    case IndexOp::Mul: return "*";
    case IndexOp::FloorDiv: return "//";
    case IndexOp::FloorMod: return "%";
    case IndexOp::Min: return "min";
    case IndexOp::Max: return "max";
    case IndexOp::BitAnd: return "&";
    case IndexOp::Lt: return "<";
    case IndexOp::Ne: return "!=";
  }
  return "<op?>";
}

std::string_view ToString(Scope scope) {
  switch (scope) {
    case Scope::Global: return "global";
    case Scope::Shared: return "shared";
    case Scope::Fragment: return "fragment";
  }
  return "<scope?>";
}

std::string_view ToString(ValueUnaryOp op) {
  switch (op) {
    case ValueUnaryOp::Neg: return "-";
    case ValueUnaryOp::Exp: return "T.exp";
    case ValueUnaryOp::Relu: return "T.relu";
    case ValueUnaryOp::Sqrt: return "T.sqrt";
    case ValueUnaryOp::Recip: return "T.recip";
  }
  return "<op?>";
}

std::string_view ToString(ValueBinaryOp op) {
  switch (op) {
    case ValueBinaryOp::Add: return "+";
    case ValueBinaryOp::Sub: return "-";
    case ValueBinaryOp::Mul: return "*";
    case ValueBinaryOp::Div: return "/";
    case ValueBinaryOp::Max: return "T.max";
    case ValueBinaryOp::Min: return "T.min";
  }
  return "<op?>";
}

namespace {

template <typename Node, typename Payload>
std::shared_ptr<const Node> Make(Payload payload, SourceLocation loc) {
  return std::make_shared<const Node>(Node{loc, std::move(payload)});
}

void Require(bool ok, const char* what) {
  if (!ok) throw compiler::InternalError(std::string("tile IR: ") + what);
}

}  // namespace

Index MakeIndexConst(int64_t value, SourceLocation loc) { return Make<IndexNode>(IndexConst{value}, loc); }
Index MakeIndexVar(VarId var, SourceLocation loc) { return Make<IndexNode>(IndexVar{var}, loc); }
Index MakeIndexBinary(IndexOp op, Index lhs, Index rhs, SourceLocation loc) {
  Require(lhs && rhs, "null operand of an index expression");
  return Make<IndexNode>(IndexBinary{op, std::move(lhs), std::move(rhs)}, loc);
}
Index MakeIndexCall(bc::Intrinsic intrinsic, std::vector<Index> args, SourceLocation loc) {
  for (const Index& arg : args) Require(arg != nullptr, "null argument of an intrinsic call");
  return Make<IndexNode>(IndexCall{intrinsic, std::move(args)}, loc);
}

Index MakeIndexArg(std::string name, SourceLocation loc) { return Make<IndexNode>(IndexArg{std::move(name)}, loc); }

Index MakeIndexCompileTimeArg(uint32_t index, SourceLocation loc) {
  return Make<IndexNode>(IndexCompileTimeArg{index}, loc);
}

Value MakeValueConst(double value, SourceLocation loc) { return Make<ValueNode>(ValueConst{value}, loc); }
Value MakeValueLoad(BufferId buffer, std::vector<Index> indices, SourceLocation loc) {
  for (const Index& index : indices) Require(index != nullptr, "null index of a load");
  return Make<ValueNode>(ValueLoad{buffer, std::move(indices)}, loc);
}
Value MakeValueUnary(ValueUnaryOp op, Value operand, SourceLocation loc) {
  Require(operand != nullptr, "null operand of a unary value");
  return Make<ValueNode>(ValueUnary{op, std::move(operand)}, loc);
}
Value MakeValueBinary(ValueBinaryOp op, Value lhs, Value rhs, SourceLocation loc) {
  Require(lhs && rhs, "null operand of a binary value");
  return Make<ValueNode>(ValueBinary{op, std::move(lhs), std::move(rhs)}, loc);
}
Value MakeValueCast(DType dtype, Value operand, SourceLocation loc) {
  Require(operand != nullptr, "null operand of a cast");
  return Make<ValueNode>(ValueCast{dtype, std::move(operand)}, loc);
}

Stmt MakeStmt(decltype(StmtNode::node) node, SourceLocation loc) {
  return std::make_shared<const StmtNode>(StmtNode{loc, std::move(node)});
}

}  // namespace tilesim::tir
