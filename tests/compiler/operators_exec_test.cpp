// Every Kernel IR operator and conversion, for every operand type, lowered to bytecode and run, against
// the same operation done by C++ itself on C++ values of those types: the host compiler applies the
// usual arithmetic conversions, so it is an independent reference for both the value and the type.
//
// Each case runs three ways: operands loaded from L1 (the general code path), both operands constant
// (constant folding must give the same bits) and a loaded left operand with a constant right one (the
// ADDI32 / immediate paths). Operand pairs whose C++ result is undefined are left out: division by zero,
// INT_MIN / -1, signed overflow, negative or too-wide shift amounts.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <climits>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "lowering_test_util.h"
#include "tilesim/kernel_builder.h"

namespace tilesim::kir {
// Test names and failure messages show the operator, not its byte.
void PrintTo(BinaryOp op, std::ostream* out) { *out << ToString(op); }
}  // namespace tilesim::kir

namespace tilesim::compiler {
namespace {

using kir::BinaryOp;
using kir::Expr;
using kir::KernelBuilder;
using kir::Type;
using kir::UnaryOp;
using testing::L1Memory;

// The variant's alternatives are in kir::Type order: Bool, I32, U32, U64.
using Value = std::variant<bool, int32_t, uint32_t, uint64_t>;
static_assert(std::is_same_v<int32_t, int> && std::is_same_v<uint32_t, unsigned> &&
              std::is_same_v<uint64_t, unsigned long>, "the reference relies on these being the C++ types");

Type TypeOf(const Value& value) { return static_cast<Type>(value.index()); }

// The canonical register bits of a value: i32 as its 32-bit pattern, bool as 0 / 1.
uint64_t Bits(const Value& value) {
  return std::visit(
      [](auto v) -> uint64_t {
        if constexpr (std::is_same_v<decltype(v), int32_t>) return static_cast<uint32_t>(v);
        return static_cast<uint64_t>(v);
      },
      value);
}

std::string Describe(const Value& value) {
  return fmt::format("{}({})", kir::ToString(TypeOf(value)), std::visit([](auto v) { return std::to_string(v); }, value));
}

const std::vector<Value>& Samples(Type type) {
  static const std::vector<Value> kSamples[] = {
      {false, true},
      {0, 1, -1, 7, -7, 31, 33, 100000, -100000, INT_MIN, INT_MAX},
      {0u, 1u, 2u, 7u, 31u, 33u, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu, 123456789u},
      {uint64_t{0}, uint64_t{1}, uint64_t{5}, uint64_t{63}, uint64_t{0xffffffff}, uint64_t{1} << 32,
       uint64_t{1} << 63, ~uint64_t{0}, uint64_t{0x0123456789abcdef}},
  };
  return kSamples[static_cast<int>(type)];
}

constexpr Type kTypes[] = {Type::Bool, Type::I32, Type::U32, Type::U64};

// ---- The reference: C++ on C++ values ----
// Mixed-signedness comparisons and arithmetic on bool are exactly what is being tested.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wbool-operation"
#pragma GCC diagnostic ignored "-Wint-in-bool-context"
#pragma GCC diagnostic ignored "-Wbool-compare"
#pragma GCC diagnostic ignored "-Wtype-limits"

template <typename T>
Value Make(T value) {
  return Value(std::in_place_type<T>, value);
}

// True if `a op b` would overflow the signed type C.
template <typename C, typename A, typename B>
bool SignedOverflow(BinaryOp op, A a, B b) {
  if constexpr (!std::is_signed_v<C>) {
    return false;
  } else {
    int64_t x = static_cast<C>(a), y = static_cast<C>(b);
    int64_t wide = op == BinaryOp::Add ? x + y : op == BinaryOp::Sub ? x - y : x * y;
    return wide < INT_MIN || wide > INT_MAX;
  }
}

template <typename A, typename B>
std::optional<Value> ApplyBinary(BinaryOp op, A a, B b) {
  using C = decltype(a + b);  // the common type
  using L = decltype(+a);     // the promoted left operand
  switch (op) {
    case BinaryOp::Add: return SignedOverflow<C>(op, a, b) ? std::nullopt : std::optional(Make<C>(a + b));
    case BinaryOp::Sub: return SignedOverflow<C>(op, a, b) ? std::nullopt : std::optional(Make<C>(a - b));
    case BinaryOp::Mul: return SignedOverflow<C>(op, a, b) ? std::nullopt : std::optional(Make<C>(a * b));
    case BinaryOp::Div:
    case BinaryOp::Mod:
      if (static_cast<C>(b) == 0) return std::nullopt;
      if constexpr (std::is_signed_v<C>) {
        if (static_cast<C>(a) == INT_MIN && static_cast<C>(b) == -1) return std::nullopt;
      }
      return Make<C>(op == BinaryOp::Div ? a / b : a % b);
    case BinaryOp::BitAnd: return Make<C>(a & b);
    case BinaryOp::BitOr: return Make<C>(a | b);
    case BinaryOp::BitXor: return Make<C>(a ^ b);
    case BinaryOp::Shl:
    case BinaryOp::Shr:
      if constexpr (std::is_signed_v<B>) {
        if (b < 0) return std::nullopt;
      }
      if (static_cast<uint64_t>(b) >= sizeof(L) * 8) return std::nullopt;
      // C++20 defines a signed left shift as the unsigned one, wrapped; spelt so that UBSan agrees.
      if (op == BinaryOp::Shl) return Make<L>(static_cast<L>(static_cast<std::make_unsigned_t<L>>(a) << b));
      return Make<L>(static_cast<L>(a >> b));
    case BinaryOp::Eq: return Make<bool>(a == b);
    case BinaryOp::Ne: return Make<bool>(a != b);
    case BinaryOp::Lt: return Make<bool>(a < b);
    case BinaryOp::Le: return Make<bool>(a <= b);
    case BinaryOp::Gt: return Make<bool>(a > b);
    case BinaryOp::Ge: return Make<bool>(a >= b);
    case BinaryOp::LogicalAnd: return Make<bool>(a && b);
    case BinaryOp::LogicalOr: return Make<bool>(a || b);
  }
  return std::nullopt;
}

std::optional<Value> ReferenceBinary(BinaryOp op, const Value& a, const Value& b) {
  return std::visit([op](auto x, auto y) { return ApplyBinary(op, x, y); }, a, b);
}

std::optional<Value> ReferenceUnary(UnaryOp op, const Value& a) {
  return std::visit(
      [op](auto x) -> std::optional<Value> {
        using P = decltype(+x);
        switch (op) {
          case UnaryOp::Neg:
            if constexpr (std::is_signed_v<P>) {
              if (x == INT_MIN) return std::nullopt;
            }
            return Make<P>(-x);
          case UnaryOp::BitNot: return Make<P>(~x);
          case UnaryOp::LogicalNot: return Make<bool>(!x);
        }
        return std::nullopt;
      },
      a);
}

Value ReferenceCast(Type to, const Value& a) {
  return std::visit(
      [to](auto x) -> Value {
        switch (to) {
          case Type::Bool: return Make<bool>(static_cast<bool>(x));
          case Type::I32: return Make<int32_t>(static_cast<int32_t>(x));
          case Type::U32: return Make<uint32_t>(static_cast<uint32_t>(x));
          case Type::U64: return Make<uint64_t>(static_cast<uint64_t>(x));
        }
        return Value();
      },
      a);
}

// C++'s ?: converts both operands to one type (bool stays bool when both are), as MakeSelect types the node.
Value ReferenceSelect(bool cond, const Value& a, const Value& b) {
  return std::visit(
      [cond](auto x, auto y) -> Value {
        using R = std::decay_t<decltype(cond ? x : y)>;
        return Make<R>(cond ? x : y);
      },
      a, b);
}

#pragma GCC diagnostic pop

// ---- The kernels ----

enum class Operands { Loaded, Constant, LoadedAndConstant };

constexpr uint32_t kInputs = 2048;      // operands: a 64-bit slot each, kInputStride bytes per case
constexpr uint32_t kInputStride = 24;   // up to three operands (?:)
constexpr uint32_t kMaxCases = 120;     // results: 8 bytes per case from address 0

// A value of `type` read from the 64-bit slot at `address`.
Expr LoadTyped(KernelBuilder& k, uint32_t address, Type type) {
  Expr low = k.load32(address);
  switch (type) {
    case Type::Bool:
    case Type::I32: return k.cast(type, low);
    case Type::U32: return low;
    case Type::U64: return k.cast(Type::U64, low) | (k.cast(Type::U64, k.load32(address + 4)) << 32u);
  }
  return low;
}

Expr Operand(KernelBuilder& k, const Value& value, uint32_t address, bool loaded) {
  return loaded ? LoadTyped(k, address, TypeOf(value)) : kir::MakeConst(Bits(value), TypeOf(value));
}

// Stores `result` at `address`: its low 32 bits, and the high ones in the next word if it is 64-bit.
void StoreResult(KernelBuilder& k, uint32_t address, const Expr& result) {
  k.store32(address, k.cast(Type::U32, result));
  if (result.type() == Type::U64) k.store32(address + 4, k.cast(Type::U32, result >> 32u));
}

struct Case {
  std::vector<Value> operands;
  Value expected;
};

// Builds a kernel computing `compute(operands)` for every case, each in a scope of its own so that its
// variables do not stay live; runs it and compares every result with the reference.
template <typename Compute>
void RunCases(const std::string& name, const std::vector<Case>& cases, Operands operands, const Compute& compute) {
  ASSERT_LE(cases.size(), kMaxCases);
  KernelBuilder k(name, KernelRole::DataMovement0);
  L1Memory l1;
  l1.bytes.resize(kInputs + kMaxCases * kInputStride);
  for (size_t i = 0; i < cases.size(); ++i) {
    k.if_(true, [&] {
      std::vector<Expr> args;
      for (size_t j = 0; j < cases[i].operands.size(); ++j) {
        uint32_t address = kInputs + static_cast<uint32_t>(i * kInputStride + j * 8);
        l1.SetWord(address, static_cast<uint32_t>(Bits(cases[i].operands[j])));
        l1.SetWord(address + 4, static_cast<uint32_t>(Bits(cases[i].operands[j]) >> 32));
        bool loaded = operands == Operands::Loaded || (operands == Operands::LoadedAndConstant && j == 0);
        args.push_back(Operand(k, cases[i].operands[j], address, loaded));
      }
      Expr result = compute(args);
      ASSERT_EQ(result.type(), TypeOf(cases[i].expected)) << name << " case " << i;
      StoreResult(k, static_cast<uint32_t>(i * 8), result);
    });
  }
  bc::KernelBinary binary = LowerToBytecode(k.Build());
  if (operands == Operands::Constant) {  // everything folded: only constants are loaded and stored
    for (const bc::Instr& instr : binary.code) {
      EXPECT_TRUE(instr.op == bc::Opcode::LOADI || instr.op == bc::Opcode::LOADK || instr.op == bc::Opcode::ST32 ||
                  instr.op == bc::Opcode::HALT)
          << name << ": " << bc::Info(instr.op).name << " left after constant folding";
    }
  }
  testing::RunBinary(binary, l1);
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    uint64_t got = TypeOf(c.expected) == Type::U64 ? l1.Word64(static_cast<uint32_t>(i * 8)) : l1.Word(static_cast<uint32_t>(i * 8));
    std::string inputs;
    for (const Value& v : c.operands) inputs += fmt::format("{} ", Describe(v));
    EXPECT_EQ(got, Bits(c.expected)) << name << " with " << inputs << "expected " << Describe(c.expected);
  }
}

class BinaryOperatorExec : public ::testing::TestWithParam<BinaryOp> {};

TEST_P(BinaryOperatorExec, MatchesCppForEveryOperandTypePair) {
  BinaryOp op = GetParam();
  for (Type lhs_type : kTypes) {
    for (Type rhs_type : kTypes) {
      std::vector<Case> cases;
      for (const Value& a : Samples(lhs_type)) {
        for (const Value& b : Samples(rhs_type)) {
          if (auto expected = ReferenceBinary(op, a, b); expected && cases.size() < kMaxCases) {
            cases.push_back({{a, b}, *expected});
          }
        }
      }
      std::string name = fmt::format("{} {} {}", kir::ToString(lhs_type), kir::ToString(op), kir::ToString(rhs_type));
      for (Operands operands : {Operands::Loaded, Operands::Constant, Operands::LoadedAndConstant}) {
        RunCases(name, cases, operands, [&](const std::vector<Expr>& args) { return kir::MakeBinary(op, args[0], args[1]); });
      }
    }
  }
}

std::string OperatorName(const ::testing::TestParamInfo<BinaryOp>& info) {
  static const char* const kNames[] = {"Add", "Sub", "Mul", "Div", "Mod", "BitAnd", "BitOr", "BitXor", "Shl",
                                       "Shr", "Eq",  "Ne",  "Lt",  "Le",  "Gt",  "Ge",  "LogicalAnd", "LogicalOr"};
  return kNames[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(AllOperators, BinaryOperatorExec,
                         ::testing::Values(BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div, BinaryOp::Mod,
                                           BinaryOp::BitAnd, BinaryOp::BitOr, BinaryOp::BitXor, BinaryOp::Shl,
                                           BinaryOp::Shr, BinaryOp::Eq, BinaryOp::Ne, BinaryOp::Lt, BinaryOp::Le,
                                           BinaryOp::Gt, BinaryOp::Ge, BinaryOp::LogicalAnd, BinaryOp::LogicalOr),
                         OperatorName);

TEST(UnaryOperatorExec, MatchesCppForEveryOperandType) {
  for (UnaryOp op : {UnaryOp::Neg, UnaryOp::BitNot, UnaryOp::LogicalNot}) {
    for (Type type : kTypes) {
      std::vector<Case> cases;
      for (const Value& a : Samples(type)) {
        if (auto expected = ReferenceUnary(op, a)) cases.push_back({{a}, *expected});
      }
      std::string name = fmt::format("{}{}", kir::ToString(op), kir::ToString(type));
      for (Operands operands : {Operands::Loaded, Operands::Constant}) {
        RunCases(name, cases, operands, [&](const std::vector<Expr>& args) { return kir::MakeUnary(op, args[0]); });
      }
    }
  }
}

TEST(CastExec, MatchesCppStaticCastBetweenEveryPairOfTypes) {
  for (Type from : kTypes) {
    for (Type to : kTypes) {
      std::vector<Case> cases;
      for (const Value& a : Samples(from)) cases.push_back({{a}, ReferenceCast(to, a)});
      std::string name = fmt::format("({}){}", kir::ToString(to), kir::ToString(from));
      for (Operands operands : {Operands::Loaded, Operands::Constant}) {
        RunCases(name, cases, operands, [&](const std::vector<Expr>& args) { return kir::MakeCast(to, args[0]); });
      }
    }
  }
}

TEST(SelectExec, MatchesCppConditionalForEveryOperandTypePair) {
  for (Type true_type : kTypes) {
    for (Type false_type : kTypes) {
      std::vector<Case> cases;
      for (bool cond : {false, true}) {
        for (const Value& a : Samples(true_type)) {
          for (const Value& b : Samples(false_type)) {
            if (cases.size() >= kMaxCases) break;
            cases.push_back({{Make<bool>(cond), a, b}, ReferenceSelect(cond, a, b)});
          }
        }
      }
      std::string name = fmt::format("cond ? {} : {}", kir::ToString(true_type), kir::ToString(false_type));
      for (Operands operands : {Operands::Loaded, Operands::Constant}) {
        RunCases(name, cases, operands,
                 [&](const std::vector<Expr>& args) { return kir::MakeSelect(args[0], args[1], args[2]); });
      }
    }
  }
}

}  // namespace
}  // namespace tilesim::compiler
