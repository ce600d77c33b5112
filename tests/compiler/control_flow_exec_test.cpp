// Lowered control flow, run on the interpreter: loops, break / continue / return, short-circuit
// operators, ?:, compile-time args and assignments that read what they write, each against the same
// computation written in plain C++ in the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include "emulator/vm/trap.h"
#include "lowering_test_util.h"
#include "tilesim/kernel_builder.h"

namespace tilesim::compiler {
namespace {

using kir::Expr;
using kir::KernelBuilder;
using kir::Type;
using kir::VarId;
using testing::L1Memory;

constexpr uint32_t kOutsideL1 = 0xfffffff0u;  // a load from here traps: it shows whether code ran

TEST(ControlFlowExec, ForLoopMatchesCppForBoundsAndStepsFromL1) {
  // acc = sum of i * i for i in [begin, end) by step, all three read at run time.
  KernelBuilder k("for_sum", KernelRole::DataMovement0);
  VarId acc = k.var("acc", Type::U32, 0u);
  Expr begin = k.load32(0u), end = k.load32(4u), step = k.load32(8u);
  k.for_("i", begin, end, [&](Expr i) { k.assign(acc, k.ref(acc) + i * i); }, step);
  k.store32(12u, k.ref(acc));
  bc::KernelBinary binary = LowerToBytecode(k.Build());

  struct Bounds { uint32_t begin, end, step; };
  for (Bounds b : {Bounds{0, 10, 1}, Bounds{3, 50, 7}, Bounds{5, 5, 1}, Bounds{9, 2, 1}, Bounds{1, 1000, 3}}) {
    uint32_t expected = 0;
    for (uint32_t i = b.begin; i < b.end; i += b.step) expected += i * i;
    L1Memory l1;
    l1.SetWord(0, b.begin);
    l1.SetWord(4, b.end);
    l1.SetWord(8, b.step);
    testing::RunBinary(binary, l1);
    EXPECT_EQ(l1.Word(12), expected) << b.begin << ".." << b.end << " by " << b.step;
  }
}

TEST(ControlFlowExec, ForLoopReevaluatesItsEndOnEveryIteration) {
  // for (i = 0; i < limit; i += 1) { limit -= 1; count += 1; } with limit = 10: C++ runs it 5 times.
  KernelBuilder k("shrinking", KernelRole::DataMovement0);
  VarId limit = k.var("limit", Type::U32, 10u);
  VarId count = k.var("count", Type::U32, 0u);
  k.for_("i", 0, k.ref(limit), [&](Expr) {
    k.assign(limit, k.ref(limit) - 1u);
    k.assign(count, k.ref(count) + 1u);
  });
  k.store32(0u, k.ref(count));
  uint32_t expected = 0;
  for (uint32_t i = 0, cpp_limit = 10; i < cpp_limit; i += 1) {
    cpp_limit -= 1;
    expected += 1;
  }
  EXPECT_EQ(testing::Run(k.Build()).Word(0), expected);
}

TEST(ControlFlowExec, SignedForLoopCountsThroughZero) {
  KernelBuilder k("signed_loop", KernelRole::DataMovement0);
  VarId acc = k.var("acc", Type::I32, KernelBuilder::i32(0));
  k.for_("i", KernelBuilder::i32(-7), KernelBuilder::i32(5), [&](Expr i) { k.assign(acc, k.ref(acc) * 3 + i); });
  k.store32(0u, k.ref(acc));
  int32_t expected = 0;
  for (int32_t i = -7; i < 5; i += 1) expected = static_cast<int32_t>(static_cast<uint32_t>(expected) * 3u + static_cast<uint32_t>(i));
  EXPECT_EQ(static_cast<int32_t>(testing::Run(k.Build()).Word(0)), expected);
}

TEST(ControlFlowExec, WhileWithBreakAndContinueMatchesCpp) {
  // Collatz steps from n, counting odd steps separately, stopping early at a cap.
  KernelBuilder k("collatz", KernelRole::DataMovement0);
  VarId n = k.var("n", Type::U32, k.load32(0u));
  VarId steps = k.var("steps", Type::U32, 0u);
  VarId odd = k.var("odd", Type::U32, 0u);
  k.while_(k.ref(n) != 1u, [&] {
    k.assign(steps, k.ref(steps) + 1u);
    k.if_(k.ref(steps) > 60u, [&] { k.break_(); });
    k.if_((k.ref(n) & 1u) == 0u, [&] {
      k.assign(n, k.ref(n) / 2u);
      k.continue_();
    });
    k.assign(odd, k.ref(odd) + 1u);
    k.assign(n, k.ref(n) * 3u + 1u);
  });
  k.store32(4u, k.ref(steps));
  k.store32(8u, k.ref(odd));
  bc::KernelBinary binary = LowerToBytecode(k.Build());
  for (uint32_t start : {1u, 6u, 7u, 27u, 97u}) {
    uint32_t cpp_n = start, cpp_steps = 0, cpp_odd = 0;
    while (cpp_n != 1) {
      cpp_steps += 1;
      if (cpp_steps > 60) break;
      if ((cpp_n & 1) == 0) {
        cpp_n /= 2;
        continue;
      }
      cpp_odd += 1;
      cpp_n = cpp_n * 3 + 1;
    }
    L1Memory l1;
    l1.SetWord(0, start);
    testing::RunBinary(binary, l1);
    EXPECT_EQ(l1.Word(4), cpp_steps) << start;
    EXPECT_EQ(l1.Word(8), cpp_odd) << start;
  }
}

TEST(ControlFlowExec, BreakAndContinueAffectOnlyTheInnermostLoop) {
  KernelBuilder k("nested", KernelRole::DataMovement0);
  VarId acc = k.var("acc", Type::U32, 0u);
  k.for_("i", 0, 6, [&](Expr i) {
    k.for_("j", 0, 10, [&](Expr j) {
      k.if_(j == i, [&] { k.break_(); });
      k.if_((j & 1u) == 1u, [&] { k.continue_(); });
      k.assign(acc, k.ref(acc) * 7u + i * 10u + j);
    });
    k.if_(i == 4u, [&] { k.continue_(); });
    k.assign(acc, k.ref(acc) + 1000u);
  });
  k.store32(0u, k.ref(acc));
  uint32_t expected = 0;
  for (uint32_t i = 0; i < 6; ++i) {
    for (uint32_t j = 0; j < 10; ++j) {
      if (j == i) break;
      if ((j & 1) == 1) continue;
      expected = expected * 7 + i * 10 + j;
    }
    if (i == 4) continue;
    expected += 1000;
  }
  EXPECT_EQ(testing::Run(k.Build()).Word(0), expected);
}

TEST(ControlFlowExec, ReturnEndsTheKernel) {
  KernelBuilder k("early_return", KernelRole::DataMovement0);
  k.store32(4u, 11u);
  k.for_("i", 0, 100, [&](Expr i) {
    k.store32(8u, i);
    k.if_(i == 3u, [&] { k.return_(); });
  });
  k.store32(4u, 22u);
  L1Memory l1 = testing::Run(k.Build());
  EXPECT_EQ(l1.Word(4), 11u);
  EXPECT_EQ(l1.Word(8), 3u);
}

// `lhs op <load from outside L1>` with lhs read from L1 word 0.
kir::Kernel ShortCircuitKernel(kir::BinaryOp op) {
  KernelBuilder k("short_circuit", KernelRole::DataMovement0);
  Expr lhs = kir::MakeLoad(Expr(0u)) != 0u;
  Expr trapping = kir::MakeLoad(Expr(kOutsideL1)) != 0u;
  k.store32(4u, kir::MakeBinary(op, lhs, trapping));
  return k.Build();
}

TEST(ControlFlowExec, LogicalAndSkipsItsRightOperandWhenTheLeftIsFalse) {
  kir::Kernel kernel = ShortCircuitKernel(kir::BinaryOp::LogicalAnd);
  L1Memory l1;
  l1.SetWord(4, 77);
  testing::RunBinary(LowerToBytecode(kernel), l1);
  EXPECT_EQ(l1.Word(4), 0u);
  l1.SetWord(0, 1);  // now the right operand must run, and it traps
  EXPECT_THROW(testing::RunBinary(LowerToBytecode(kernel), l1), emu::KernelTrap);
}

TEST(ControlFlowExec, LogicalOrSkipsItsRightOperandWhenTheLeftIsTrue) {
  kir::Kernel kernel = ShortCircuitKernel(kir::BinaryOp::LogicalOr);
  L1Memory l1;
  l1.SetWord(0, 5);
  testing::RunBinary(LowerToBytecode(kernel), l1);
  EXPECT_EQ(l1.Word(4), 1u);
  l1.SetWord(0, 0);
  EXPECT_THROW(testing::RunBinary(LowerToBytecode(kernel), l1), emu::KernelTrap);
}

TEST(ControlFlowExec, SelectEvaluatesOnlyTheChosenOperandWhenTheOtherCouldTrap) {
  // p != 0 ? load32(p) : 5 and d != 0 ? x / d : 0, with p and d zero or not.
  KernelBuilder k("guarded", KernelRole::DataMovement0);
  Expr p = k.load32(0u), d = k.load32(4u), x = k.load32(8u);
  k.store32(12u, k.select(p != 0u, kir::MakeLoad(p), 5u));
  k.store32(16u, k.select(d != 0u, x / d, 0u));
  bc::KernelBinary binary = LowerToBytecode(k.Build());
  EXPECT_EQ(std::count_if(binary.code.begin(), binary.code.end(),
                          [](const bc::Instr& i) { return i.op == bc::Opcode::SELECT; }),
            0);
  L1Memory l1;
  l1.SetWord(8, 100);
  testing::RunBinary(binary, l1);
  EXPECT_EQ(l1.Word(12), 5u);
  EXPECT_EQ(l1.Word(16), 0u);
  l1.SetWord(0, 8);  // p points at x
  l1.SetWord(4, 7);
  testing::RunBinary(binary, l1);
  EXPECT_EQ(l1.Word(12), 100u);
  EXPECT_EQ(l1.Word(16), 100u / 7u);
}

TEST(ControlFlowExec, CompileTimeArgsSetTheLoopBound) {
  KernelBuilder k("cta_loop", KernelRole::DataMovement0);
  VarId acc = k.var("acc", Type::U32, 1u);
  k.for_("i", 0, KernelBuilder::compile_time_arg(0), [&](Expr i) {
    k.assign(acc, k.ref(acc) * KernelBuilder::compile_time_arg(1) + i);
  });
  k.store32(0u, k.ref(acc));
  kir::Kernel kernel = k.Build();
  for (uint32_t n : {0u, 3u, 9u}) {
    const uint32_t args[] = {n, 5u};
    uint32_t expected = 1;
    for (uint32_t i = 0; i < n; ++i) expected = expected * 5 + i;
    EXPECT_EQ(testing::Run(kernel, {}, args).Word(0), expected) << n;
  }
}

TEST(ControlFlowExec, AssignmentsMayReadTheVariableTheyWrite) {
  KernelBuilder k("self_reference", KernelRole::DataMovement0);
  VarId x = k.var("x", Type::U32, k.load32(0u));
  VarId in_range = k.var("in_range", Type::Bool, false);
  k.assign(in_range, k.ref(x) > 2u && k.ref(x) < 9u);         // short-circuit into its own register
  k.assign(x, k.select(k.ref(x) > 4u, k.ref(x) / 2u, k.ref(x) + 10u));  // ?: with jumps (division)
  k.assign(x, -k.ref(x));
  k.assign(x, k.ref(x) ^ (k.ref(x) >> 3u));
  k.assign(x, k.ref(x) - k.ref(x) * 3u);
  k.store32(4u, k.ref(x));
  k.store32(8u, k.ref(in_range));
  bc::KernelBinary binary = LowerToBytecode(k.Build());
  for (uint32_t start : {0u, 3u, 6u, 12u, 0xfffffff3u}) {
    uint32_t cpp_x = start;
    bool cpp_in_range = cpp_x > 2 && cpp_x < 9;
    cpp_x = cpp_x > 4 ? cpp_x / 2 : cpp_x + 10;
    cpp_x = -cpp_x;
    cpp_x = cpp_x ^ (cpp_x >> 3);
    cpp_x = cpp_x - cpp_x * 3;
    L1Memory l1;
    l1.SetWord(0, start);
    testing::RunBinary(binary, l1);
    EXPECT_EQ(l1.Word(4), cpp_x) << start;
    EXPECT_EQ(l1.Word(8), cpp_in_range ? 1u : 0u) << start;
  }
}

TEST(ControlFlowExec, BoolVariablesHoldZeroOrOne) {
  KernelBuilder k("flags", KernelRole::DataMovement0);
  VarId flag = k.var("flag", Type::Bool, k.load32(0u));  // 0x100 converts to true, not to 0x100
  k.store32(4u, k.ref(flag));
  k.assign(flag, k.cast(Type::U64, k.load32(0u)) << 40u);  // bits only above 32: still true
  k.store32(8u, k.ref(flag) + k.ref(flag));
  L1Memory l1;
  l1.SetWord(0, 0x100);
  l1 = testing::Run(k.Build(), l1);
  EXPECT_EQ(l1.Word(4), 1u);
  EXPECT_EQ(l1.Word(8), 2u);
}

TEST(ControlFlowExec, DeepRightNestedExpressionsEvaluateCorrectly) {
  // w0 - (w1 - (w2 - ...)), loaded words: every level keeps a temporary live.
  KernelBuilder k("deep", KernelRole::DataMovement0);
  constexpr uint32_t kDepth = 200;
  Expr expr = kir::MakeLoad(Expr(kDepth * 4));
  for (uint32_t i = kDepth; i-- > 0;) expr = kir::MakeLoad(Expr(i * 4)) - expr;
  k.store32(1000u * 4u, expr);
  L1Memory l1;
  for (uint32_t i = 0; i <= kDepth; ++i) l1.SetWord(i * 4, i * i + 1);
  uint32_t expected = kDepth * kDepth + 1;
  for (uint32_t i = kDepth; i-- > 0;) expected = (i * i + 1) - expected;
  EXPECT_EQ(testing::Run(k.Build(), l1).Word(4000), expected);
}

}  // namespace
}  // namespace tilesim::compiler
