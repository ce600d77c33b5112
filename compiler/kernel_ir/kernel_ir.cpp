// Kernel IR node constructors: each infers its node's type by the C++ rules of type_rules.h.
//
// Constructors refuse undefined operands (they could not type the node) with std::invalid_argument
// naming the constructor; every other check on a tree is the verifier's job, so that front ends and
// tests can still build broken IR and see all of its problems reported at once.
#include <stdexcept>
#include <string>

#include "compiler/kernel_ir/type_rules.h"
#include "tilesim/kernel_ir.h"

namespace tilesim::kir {
namespace {

Expr MakeNode(Type type, SourceLocation loc, decltype(ExprNode::node) node) {
  return Expr(std::make_shared<const ExprNode>(ExprNode{type, loc, std::move(node)}));
}

void Require(const Expr& operand, const char* constructor, const char* what) {
  if (!operand.defined()) {
    throw std::invalid_argument(std::string(constructor) + ": " + what + " is an undefined expression");
  }
}

// Operators carry no location of their own; they take the first known location of their operands,
// which the builder stamps on every variable reference and call.
SourceLocation LocationOf(const Expr& a, const Expr& b = Expr()) {
  if (a.defined() && a->location.line != 0) return a->location;
  if (b.defined() && b->location.line != 0) return b->location;
  return {};
}

}  // namespace

Expr::Expr(int value)
    : Expr(value < 0 ? MakeConst(static_cast<uint32_t>(value), Type::I32)
                     : MakeConst(static_cast<uint32_t>(value), Type::U32)) {}
Expr::Expr(unsigned value) : Expr(MakeConst(value, Type::U32)) {}
Expr::Expr(uint64_t value) : Expr(MakeConst(value, Type::U64)) {}
Expr::Expr(bool value) : Expr(MakeConst(value ? 1 : 0, Type::Bool)) {}

Type Expr::type() const {
  if (node_ == nullptr) throw std::logic_error("Expr::type(): the expression is undefined");
  return node_->type;
}

Expr MakeConst(uint64_t value, Type type, SourceLocation loc) {
  if (!IsValidType(type)) throw std::invalid_argument("MakeConst: invalid type " + std::to_string(int(type)));
  return MakeNode(type, loc, ConstExpr{Truncate(value, type)});
}

Expr MakeVar(const Kernel& kernel, VarId var, SourceLocation loc) {
  if (var.index >= kernel.vars.size()) {
    throw std::out_of_range("MakeVar: variable " + std::to_string(var.index) + " does not exist in kernel '" +
                            kernel.name + "' (it has " + std::to_string(kernel.vars.size()) + ")");
  }
  return MakeNode(kernel.vars[var.index].type, loc, VarExpr{var});
}

Expr MakeUnary(UnaryOp op, Expr operand, SourceLocation loc) {
  Require(operand, "MakeUnary", "the operand");
  Type type = ResultType(op, operand.type());
  return MakeNode(type, loc, UnaryExpr{op, std::move(operand)});
}

Expr MakeBinary(BinaryOp op, Expr lhs, Expr rhs, SourceLocation loc) {
  Require(lhs, "MakeBinary", "the left operand");
  Require(rhs, "MakeBinary", "the right operand");
  Type type = ResultType(op, lhs.type(), rhs.type());
  return MakeNode(type, loc, BinaryExpr{op, std::move(lhs), std::move(rhs)});
}

Expr MakeSelect(Expr cond, Expr if_true, Expr if_false, SourceLocation loc) {
  Require(cond, "MakeSelect", "the condition");
  Require(if_true, "MakeSelect", "the true operand");
  Require(if_false, "MakeSelect", "the false operand");
  Type type = SelectType(if_true.type(), if_false.type());
  return MakeNode(type, loc, SelectExpr{std::move(cond), std::move(if_true), std::move(if_false)});
}

Expr MakeCast(Type type, Expr operand, SourceLocation loc) {
  Require(operand, "MakeCast", "the operand");
  if (!IsValidType(type)) throw std::invalid_argument("MakeCast: invalid type " + std::to_string(int(type)));
  return MakeNode(type, loc, CastExpr{std::move(operand)});
}

Expr MakeCall(bc::Intrinsic intrinsic, std::vector<Expr> args, SourceLocation loc) {
  if (!IsValidIntrinsic(intrinsic)) {
    throw std::invalid_argument("MakeCall: unknown intrinsic " + std::to_string(static_cast<uint32_t>(intrinsic)));
  }
  for (const Expr& arg : args) Require(arg, "MakeCall", "an argument");
  // A void intrinsic's call is typed U32 only so that every node has a type; the verifier accepts it
  // solely as the call of an EvaluateStmt.
  Type type = TypeOf(bc::Info(intrinsic).result());
  return MakeNode(type, loc, CallExpr{intrinsic, std::move(args)});
}

Expr MakeLoad(Expr address, SourceLocation loc) {
  Require(address, "MakeLoad", "the address");
  return MakeNode(Type::U32, loc, LoadExpr{std::move(address)});
}

Expr MakeCompileTimeArg(uint32_t index, SourceLocation loc) {
  return MakeNode(Type::U32, loc, CompileTimeArgExpr{index});
}

Stmt MakeStmt(decltype(StmtNode::node) node, SourceLocation loc) {
  return std::make_shared<const StmtNode>(StmtNode{loc, std::move(node)});
}

Expr operator+(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Add, std::move(a), std::move(b), l); }
Expr operator-(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Sub, std::move(a), std::move(b), l); }
Expr operator*(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Mul, std::move(a), std::move(b), l); }
Expr operator/(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Div, std::move(a), std::move(b), l); }
Expr operator%(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Mod, std::move(a), std::move(b), l); }
Expr operator&(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::BitAnd, std::move(a), std::move(b), l); }
Expr operator|(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::BitOr, std::move(a), std::move(b), l); }
Expr operator^(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::BitXor, std::move(a), std::move(b), l); }
Expr operator<<(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Shl, std::move(a), std::move(b), l); }
Expr operator>>(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Shr, std::move(a), std::move(b), l); }
Expr operator==(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Eq, std::move(a), std::move(b), l); }
Expr operator!=(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Ne, std::move(a), std::move(b), l); }
Expr operator<(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Lt, std::move(a), std::move(b), l); }
Expr operator<=(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Le, std::move(a), std::move(b), l); }
Expr operator>(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Gt, std::move(a), std::move(b), l); }
Expr operator>=(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::Ge, std::move(a), std::move(b), l); }
Expr operator&&(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::LogicalAnd, std::move(a), std::move(b), l); }
Expr operator||(Expr a, Expr b) { auto l = LocationOf(a, b); return MakeBinary(BinaryOp::LogicalOr, std::move(a), std::move(b), l); }
Expr operator!(Expr a) { auto l = LocationOf(a); return MakeUnary(UnaryOp::LogicalNot, std::move(a), l); }
Expr operator-(Expr a) { auto l = LocationOf(a); return MakeUnary(UnaryOp::Neg, std::move(a), l); }
Expr operator~(Expr a) { auto l = LocationOf(a); return MakeUnary(UnaryOp::BitNot, std::move(a), l); }

}  // namespace tilesim::kir
