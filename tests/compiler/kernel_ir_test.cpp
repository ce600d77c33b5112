// Kernel IR node constructors: literal types, the C++ typing rules, constant truncation, operators.
#include <gtest/gtest.h>

#include <stdexcept>

#include "tilesim/compiler.h"
#include "tilesim/kernel_ir.h"

namespace tilesim::kir {
namespace {

uint64_t ConstValue(const Expr& expr) { return std::get<ConstExpr>(expr->node).value; }

TEST(KernelIrLiterals, IntIsUint32UnlessNegative) {
  EXPECT_EQ(Expr(5).type(), Type::U32);
  EXPECT_EQ(ConstValue(Expr(5)), 5u);
  EXPECT_EQ(Expr(0).type(), Type::U32);
  EXPECT_EQ(Expr(-3).type(), Type::I32);
  EXPECT_EQ(ConstValue(Expr(-3)), 0xfffffffdu);  // the 32-bit pattern, high half clear
}

TEST(KernelIrLiterals, UnsignedUint64AndBoolKeepTheirTypes) {
  EXPECT_EQ(Expr(7u).type(), Type::U32);
  EXPECT_EQ(Expr(uint64_t{1} << 40).type(), Type::U64);
  EXPECT_EQ(ConstValue(Expr(uint64_t{1} << 40)), uint64_t{1} << 40);
  EXPECT_EQ(Expr(true).type(), Type::Bool);
  EXPECT_EQ(ConstValue(Expr(true)), 1u);
  EXPECT_EQ(ConstValue(Expr(false)), 0u);
}

TEST(KernelIrLiterals, ConstantsAreTruncatedToTheirType) {
  EXPECT_EQ(ConstValue(MakeConst(0x1'2345'6789ull, Type::U32)), 0x2345'6789u);
  EXPECT_EQ(ConstValue(MakeConst(0xffff'ffff'8000'0000ull, Type::I32)), 0x8000'0000u);
  EXPECT_EQ(ConstValue(MakeConst(0x1'0000'0000ull, Type::Bool)), 1u);  // a nonzero value converts to true
  EXPECT_EQ(ConstValue(MakeConst(~0ull, Type::U64)), ~0ull);
}

TEST(KernelIrTypes, ArithmeticUsesTheUsualConversions) {
  Expr u32 = Expr(1u), i32 = Expr(-1), u64 = Expr(uint64_t{1}), b = Expr(true);
  EXPECT_EQ((i32 + i32).type(), Type::I32);
  EXPECT_EQ((i32 + u32).type(), Type::U32);
  EXPECT_EQ((u32 * i32).type(), Type::U32);
  EXPECT_EQ((u64 - i32).type(), Type::U64);
  EXPECT_EQ((u32 / u64).type(), Type::U64);
  EXPECT_EQ((b + b).type(), Type::I32);  // bool promotes to int
  EXPECT_EQ((b & u32).type(), Type::U32);
  EXPECT_EQ((-b).type(), Type::I32);
  EXPECT_EQ((~u32).type(), Type::U32);
  EXPECT_EQ((~u64).type(), Type::U64);
}

TEST(KernelIrTypes, ComparisonsAndLogicalOperatorsGiveBool) {
  Expr u32 = Expr(1u), i32 = Expr(-1), u64 = Expr(uint64_t{1});
  EXPECT_EQ((u32 < i32).type(), Type::Bool);
  EXPECT_EQ((u64 == i32).type(), Type::Bool);
  EXPECT_EQ((u32 >= u64).type(), Type::Bool);
  EXPECT_EQ((u32 && i32).type(), Type::Bool);
  EXPECT_EQ((u64 || u32).type(), Type::Bool);
  EXPECT_EQ((!u64).type(), Type::Bool);
}

TEST(KernelIrTypes, ShiftsTakeThePromotedLeftOperandType) {
  Expr u32 = Expr(1u), i32 = Expr(-1), u64 = Expr(uint64_t{1}), b = Expr(true);
  EXPECT_EQ((u32 << u64).type(), Type::U32);
  EXPECT_EQ((i32 >> u32).type(), Type::I32);
  EXPECT_EQ((u64 << i32).type(), Type::U64);
  EXPECT_EQ((b << u32).type(), Type::I32);
}

TEST(KernelIrTypes, SelectKeepsACommonTypeOrBool) {
  Expr c = Expr(true);
  EXPECT_EQ(MakeSelect(c, Expr(true), Expr(false)).type(), Type::Bool);
  EXPECT_EQ(MakeSelect(c, Expr(-1), Expr(2u)).type(), Type::U32);
  EXPECT_EQ(MakeSelect(c, Expr(true), Expr(-2)).type(), Type::I32);
  EXPECT_EQ(MakeSelect(c, Expr(1u), Expr(uint64_t{2})).type(), Type::U64);
}

TEST(KernelIrTypes, CallLoadCastAndCompileTimeArgTypes) {
  EXPECT_EQ(MakeCall(bc::Intrinsic::get_arg_val, {Expr(0)}).type(), Type::U32);
  EXPECT_EQ(MakeCall(bc::Intrinsic::get_noc_addr, {Expr(1), Expr(2), Expr(3)}).type(), Type::U64);
  EXPECT_EQ(MakeLoad(Expr(16)).type(), Type::U32);
  EXPECT_EQ(MakeCast(Type::I32, Expr(uint64_t{3})).type(), Type::I32);
  EXPECT_EQ(MakeCompileTimeArg(2).type(), Type::U32);
}

TEST(KernelIrTypes, VariableReferencesTakeTheDeclaredType) {
  Kernel kernel;
  kernel.vars.push_back({"a", Type::U64, false});
  kernel.vars.push_back({"b", Type::I32, true});
  EXPECT_EQ(MakeVar(kernel, VarId{0}).type(), Type::U64);
  EXPECT_EQ(MakeVar(kernel, VarId{1}).type(), Type::I32);
  EXPECT_THROW(MakeVar(kernel, VarId{2}), std::out_of_range);
}

TEST(KernelIrOperators, BuildTheMatchingBinaryNode) {
  struct Case {
    Expr expr;
    BinaryOp op;
  };
  Expr a = Expr(6u), b = Expr(3u);
  const Case cases[] = {{a + b, BinaryOp::Add},       {a - b, BinaryOp::Sub},    {a * b, BinaryOp::Mul},
                        {a / b, BinaryOp::Div},       {a % b, BinaryOp::Mod},    {a & b, BinaryOp::BitAnd},
                        {a | b, BinaryOp::BitOr},     {a ^ b, BinaryOp::BitXor}, {a << b, BinaryOp::Shl},
                        {a >> b, BinaryOp::Shr},      {a == b, BinaryOp::Eq},    {a != b, BinaryOp::Ne},
                        {a < b, BinaryOp::Lt},        {a <= b, BinaryOp::Le},    {a > b, BinaryOp::Gt},
                        {a >= b, BinaryOp::Ge},       {a && b, BinaryOp::LogicalAnd},
                        {a || b, BinaryOp::LogicalOr}};
  for (const Case& c : cases) {
    const auto& node = std::get<BinaryExpr>(c.expr->node);
    EXPECT_EQ(node.op, c.op) << ToString(c.op);
    EXPECT_EQ(node.lhs.get(), a.get());
    EXPECT_EQ(node.rhs.get(), b.get());
  }
  EXPECT_EQ(std::get<UnaryExpr>((-a)->node).op, UnaryOp::Neg);
  EXPECT_EQ(std::get<UnaryExpr>((~a)->node).op, UnaryOp::BitNot);
  EXPECT_EQ(std::get<UnaryExpr>((!a)->node).op, UnaryOp::LogicalNot);
}

TEST(KernelIrOperators, TakeTheLocationOfTheirFirstLocatedOperand) {
  Expr located = MakeConst(1, Type::U32, SourceLocation{0, 12, 5});
  EXPECT_EQ((Expr(2u) + located)->location.line, 12u);
  EXPECT_EQ((located * Expr(2u))->location.column, 5u);
  EXPECT_EQ((Expr(2u) * Expr(3u))->location.line, 0u);
}

TEST(KernelIrConstructors, RefuseUndefinedOperandsWithTheirName) {
  try {
    MakeBinary(BinaryOp::Add, Expr(1u), Expr());
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "MakeBinary: the right operand is an undefined expression");
  }
  EXPECT_THROW(MakeUnary(UnaryOp::Neg, Expr()), std::invalid_argument);
  EXPECT_THROW(MakeLoad(Expr()), std::invalid_argument);
  EXPECT_THROW(MakeCall(static_cast<bc::Intrinsic>(9999), {}), std::invalid_argument);
  EXPECT_THROW(Expr().type(), std::logic_error);
}

}  // namespace
}  // namespace tilesim::kir
