// compiler::LowerToBytecode: which instructions it picks, the tables it fills, register allocation, and
// the errors it reports. (What the code computes is checked by running it: *_exec_test.cpp.)
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <type_traits>

#include "compiler/backend/bytecode_codegen.h"
#include "lowering_test_util.h"
#include "tilesim/kernel_builder.h"

namespace tilesim::compiler {
namespace {

using bc::Opcode;
using kir::Expr;
using kir::KernelBuilder;
using kir::Type;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<Opcode> Ops(const bc::KernelBinary& binary) {
  std::vector<Opcode> ops;
  for (const bc::Instr& instr : binary.code) ops.push_back(instr.op);
  return ops;
}

size_t Count(const bc::KernelBinary& binary, Opcode op) {
  return static_cast<size_t>(
      std::count_if(binary.code.begin(), binary.code.end(), [op](const bc::Instr& instr) { return instr.op == op; }));
}

// Stores a op b for each operator that has a signed and an unsigned form, a and b loaded as `type`.
bc::KernelBinary SignednessKernel(Type type) {
  KernelBuilder k("signedness", KernelRole::DataMovement0);
  Expr a = k.cast(type, kir::MakeLoad(Expr(0u)));
  Expr b = k.cast(type, kir::MakeLoad(Expr(4u)));
  k.store32(8u, a / b);
  k.store32(12u, a % b);
  k.store32(16u, a >> b);
  k.store32(20u, a < b);
  k.store32(24u, a > b);
  k.store32(28u, a <= b);
  k.store32(32u, a >= b);
  return LowerToBytecode(k.Build());
}

TEST(Lowering, Int32UsesTheSignedOpcodes) {
  bc::KernelBinary binary = SignednessKernel(Type::I32);
  EXPECT_EQ(Count(binary, Opcode::DIVS32), 1u);
  EXPECT_EQ(Count(binary, Opcode::REMS32), 1u);
  EXPECT_EQ(Count(binary, Opcode::SHRS32), 1u);
  EXPECT_EQ(Count(binary, Opcode::LTS32), 2u);  // a < b, and a > b as b < a
  EXPECT_EQ(Count(binary, Opcode::LES32), 2u);
  for (Opcode unsigned_op : {Opcode::DIVU32, Opcode::REMU32, Opcode::SHRU32, Opcode::LTU, Opcode::LEU}) {
    EXPECT_THAT(Ops(binary), Not(Contains(unsigned_op))) << bc::Info(unsigned_op).name;
  }
}

TEST(Lowering, Uint32UsesTheUnsignedOpcodes) {
  bc::KernelBinary binary = SignednessKernel(Type::U32);
  EXPECT_EQ(Count(binary, Opcode::DIVU32), 1u);
  EXPECT_EQ(Count(binary, Opcode::REMU32), 1u);
  EXPECT_EQ(Count(binary, Opcode::SHRU32), 1u);
  EXPECT_EQ(Count(binary, Opcode::LTU), 2u);
  EXPECT_EQ(Count(binary, Opcode::LEU), 2u);
  for (Opcode signed_op : {Opcode::DIVS32, Opcode::REMS32, Opcode::SHRS32, Opcode::LTS32, Opcode::LES32}) {
    EXPECT_THAT(Ops(binary), Not(Contains(signed_op))) << bc::Info(signed_op).name;
  }
}

TEST(Lowering, Uint64UsesThe64BitOpcodes) {
  KernelBuilder k("wide", KernelRole::DataMovement0);
  Expr a = k.cast(Type::U64, kir::MakeLoad(Expr(0u)));
  Expr b = k.cast(Type::U64, kir::MakeLoad(Expr(4u)));
  k.store32(8u, k.cast(Type::U32, (a + b) * (a - b) / (a % b) << (a >> b)));
  EXPECT_THAT(Ops(LowerToBytecode(k.Build())),
              ::testing::IsSupersetOf({Opcode::ADD64, Opcode::SUB64, Opcode::MUL64, Opcode::DIVU64, Opcode::REMU64,
                                       Opcode::SHL64, Opcode::SHRU64, Opcode::TRUNC32}));
}

TEST(Lowering, ConversionsFollowCpp) {
  KernelBuilder k("conversions", KernelRole::DataMovement0);
  Expr word = kir::MakeLoad(Expr(0u));
  k.store32(8u, k.cast(Type::U32, k.cast(Type::U64, k.cast(Type::I32, word)) >> 32u));  // sign-extends
  bc::KernelBinary widened = LowerToBytecode(k.Build());
  EXPECT_EQ(Count(widened, Opcode::SEXT32), 1u);
  EXPECT_EQ(Count(widened, Opcode::TRUNC32), 1u);

  KernelBuilder b("to_bool", KernelRole::DataMovement0);
  b.store32(8u, b.cast(Type::Bool, kir::MakeLoad(Expr(0u))));
  EXPECT_EQ(Count(LowerToBytecode(b.Build()), Opcode::NE), 1u);
}

TEST(Lowering, LoadsSmallConstantsImmediatelyAndWideOnesFromTheDedupedPool) {
  KernelBuilder k("constants", KernelRole::DataMovement0);
  Expr word = k.cast(Type::U64, kir::MakeLoad(Expr(0u)));
  k.store32(8u, k.cast(Type::U32, word + KernelBuilder::u64(0x1'0000'0005ull)));
  k.store32(12u, k.cast(Type::U32, word * KernelBuilder::u64(0x1'0000'0005ull)));
  k.store32(16u, k.cast(Type::U32, word - KernelBuilder::u64(7)));  // fits 32 bits: LOADI
  bc::KernelBinary binary = LowerToBytecode(k.Build());
  EXPECT_THAT(binary.constants, ElementsAre(0x1'0000'0005ull));
  EXPECT_EQ(Count(binary, Opcode::LOADK), 2u);
  EXPECT_TRUE(std::any_of(binary.code.begin(), binary.code.end(),
                          [](const bc::Instr& i) { return i.op == Opcode::LOADI && i.imm == 7; }));
}

TEST(Lowering, FoldsConstantExpressions) {
  KernelBuilder k("folded", KernelRole::DataMovement0);
  k.store32(0u, (Expr(3u) + Expr(4u)) * Expr(2u) - (Expr(-1) < Expr(0u)));  // -1 < 0u is false in C++
  bc::KernelBinary binary = LowerToBytecode(k.Build());
  EXPECT_THAT(Ops(binary), ElementsAre(Opcode::LOADI, Opcode::LOADI, Opcode::ST32, Opcode::HALT));
  EXPECT_EQ(binary.code[1].imm, 14u);
}

TEST(Lowering, AddsAConstantOffsetThroughTheImmediate) {
  KernelBuilder k("offsets", KernelRole::DataMovement0);
  Expr base = k.let("base", kir::MakeLoad(Expr(0u)));
  k.store32(base + 8u, kir::MakeLoad(base - 4u) + 1u);
  bc::KernelBinary binary = LowerToBytecode(k.Build());
  EXPECT_THAT(Ops(binary), ElementsAre(Opcode::LOADI, Opcode::LD32, Opcode::LD32, Opcode::ADDI32, Opcode::ST32,
                                       Opcode::HALT));
  EXPECT_EQ(binary.code[2].imm, 0u - 4u);
  EXPECT_EQ(binary.code[4].imm, 8u);
}

TEST(Lowering, ImportsEachIntrinsicOnceAndDiscardsVoidResults) {
  KernelBuilder k("reader", KernelRole::DataMovement0);
  Expr n = k.get_arg_val(0);
  Expr m = k.get_arg_val(1);
  k.cb_push_back(0, n);
  k.cb_push_back(1, m);
  bc::KernelBinary binary = LowerToBytecode(k.Build());
  EXPECT_THAT(binary.imports, ElementsAre("get_arg_val", "cb_push_back"));
  std::vector<bc::Instr> calls;
  std::copy_if(binary.code.begin(), binary.code.end(), std::back_inserter(calls),
               [](const bc::Instr& i) { return i.op == Opcode::CALL; });
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_NE(calls[0].a, bc::kDiscardRegister);  // get_arg_val keeps its result
  EXPECT_EQ(calls[0].c, 1u);
  EXPECT_EQ(calls[0].imm, 0u);
  EXPECT_EQ(calls[2].a, bc::kDiscardRegister);  // cb_push_back returns nothing
  EXPECT_EQ(calls[2].c, 2u);
  EXPECT_EQ(calls[2].imm, 1u);
}

TEST(Lowering, CopiesNamesStringsFilesAndMapsSourceLines) {
  KernelBuilder k("mapped", KernelRole::DataMovement1, "writer.cpp");
  k.at(3, 1);
  Expr x = k.let("x", kir::MakeLoad(Expr(0u)));
  k.at(5, 2);
  k.store32(4u, x + 1u);
  k.dprint({"done"});
  bc::KernelBinary binary = LowerToBytecode(k.Build());
  EXPECT_EQ(binary.name, "mapped");
  EXPECT_EQ(binary.role, KernelRole::DataMovement1);
  EXPECT_THAT(binary.files, ElementsAre("writer.cpp"));
  EXPECT_THAT(binary.strings, ElementsAre("done"));
  ASSERT_EQ(binary.source_map.size(), 2u);
  EXPECT_EQ(binary.source_map[0].pc, 0u);
  EXPECT_EQ(binary.source_map[0].location.line, 3u);
  EXPECT_EQ(binary.source_map[1].location.line, 5u);
  EXPECT_EQ(binary.source_map[1].location.column, 2u);
  EXPECT_EQ(binary.DescribeLocation(binary.source_map[1].pc), "writer.cpp:5:2");
  EXPECT_EQ(binary.code.back().op, Opcode::HALT);
  EXPECT_THAT(bc::Verify(binary), ::testing::IsEmpty());
}

TEST(Lowering, ReusesTheRegistersOfEachStatementsTemporaries) {
  KernelBuilder k("reuse", KernelRole::DataMovement0);
  for (uint32_t i = 0; i < 100; ++i) {
    k.store32(i * 4, kir::MakeLoad(Expr(i * 4)) * kir::MakeLoad(Expr(i * 4 + 4)) + (kir::MakeLoad(Expr(8u)) ^ 5u));
  }
  EXPECT_LE(LowerToBytecode(k.Build()).num_registers, 4u);
}

TEST(Lowering, ALeftDeepSumNeedsNoTemporaryPerTerm) {
  KernelBuilder k("sum", KernelRole::DataMovement0);
  Expr sum = kir::MakeLoad(Expr(0u));
  for (uint32_t i = 1; i < 400; ++i) sum = sum + kir::MakeLoad(Expr(i * 4));
  k.store32(0u, sum);
  EXPECT_LE(LowerToBytecode(k.Build()).num_registers, 3u);
}

TEST(Lowering, GivesBackTheRegistersOfABlocksVariables) {
  KernelBuilder k("blocks", KernelRole::DataMovement0);
  for (int block = 0; block < 10; ++block) {
    k.if_(kir::MakeLoad(Expr(0u)) != 0u, [&] {
      for (uint32_t i = 0; i < 20; ++i) k.let(fmt::format("v{}", i), kir::MakeLoad(Expr(i * 4)));
    });
  }
  EXPECT_LE(LowerToBytecode(k.Build()).num_registers, 21u);
}

// A kernel declaring `live` variables and then storing them all, so that all are live at once.
kir::Kernel ManyLiveVariables(uint32_t live) {
  KernelBuilder k("pressure", KernelRole::DataMovement0, "pressure.cpp");
  std::vector<Expr> vars;
  for (uint32_t i = 0; i < live; ++i) {
    k.at(i + 1);
    vars.push_back(k.let(fmt::format("v{}", i), kir::MakeLoad(Expr((i % 512) * 4))));
  }
  k.at(live + 1);
  for (uint32_t i = 0; i < live; ++i) k.store32((i % 512) * 4, vars[i] + 1u);
  return k.Build();
}

TEST(Lowering, FailsCleanlyWhenTooManyValuesAreLive) {
  try {
    LowerToBytecode(ManyLiveVariables(300));
    FAIL() << "expected a CompileError";
  } catch (const CompileError& e) {
    EXPECT_EQ(e.where(), "pressure.cpp:256");  // the declaration that needs register 256
    EXPECT_THAT(e.message(), HasSubstr("kernel 'pressure' needs more than 255 registers"));
  }
}

TEST(Lowering, UsesEveryRegisterBeforeRunningOut) {
  // 253 variables, and a store's address and value in the last two registers.
  bc::KernelBinary binary = LowerToBytecode(ManyLiveVariables(253));
  EXPECT_EQ(binary.num_registers, bc::kMaxRegisters);
  testing::L1Memory l1;
  for (uint32_t i = 0; i < 253; ++i) l1.SetWord(i * 4, i * 3);
  testing::RunBinary(binary, l1);
  for (uint32_t i = 0; i < 253; ++i) EXPECT_EQ(l1.Word(i * 4), i * 3 + 1) << i;
}

TEST(Lowering, SubstitutesCompileTimeArgs) {
  KernelBuilder k("cta", KernelRole::DataMovement0);
  k.store32(0u, KernelBuilder::compile_time_arg(1) * 2u);
  const uint32_t args[] = {10, 21};
  bc::KernelBinary binary = LowerToBytecode(k.Build(), args);
  EXPECT_THAT(Ops(binary), ElementsAre(Opcode::LOADI, Opcode::LOADI, Opcode::ST32, Opcode::HALT));
  EXPECT_EQ(binary.code[1].imm, 42u);  // folded after substitution
}

TEST(Lowering, ReportsACompileTimeArgOutOfRange) {
  KernelBuilder k("cta", KernelRole::DataMovement0, "cta.cpp");
  k.at(12, 9);
  k.store32(0u, KernelBuilder::compile_time_arg(3));  // no location of its own: the statement's is used
  const uint32_t args[] = {1, 2};
  try {
    LowerToBytecode(k.Build(), args);
    FAIL() << "expected a CompileError";
  } catch (const CompileError& e) {
    EXPECT_STREQ(e.what(), "cta.cpp:12:9: compile-time arg 3 requested, 2 given");
  }
}

TEST(Lowering, ReportsAnIntrinsicUsedInTheWrongRole) {
  KernelBuilder k("compute_kernel", KernelRole::Compute, "compute.cpp");
  k.at(4, 3);
  k.noc_async_read_barrier();
  try {
    LowerToBytecode(k.Build());
    FAIL() << "expected a CompileError";
  } catch (const CompileError& e) {
    EXPECT_EQ(e.where(), "compute_kernel");
    EXPECT_THAT(e.message(),
                HasSubstr("compute.cpp:4:3: noc_async_read_barrier() is not available to compute kernels"));
  }
}

TEST(Lowering, ReportsEveryVerifierProblemInOneError) {
  KernelBuilder k("broken", KernelRole::DataMovement0);
  k.break_();
  k.continue_();
  try {
    LowerToBytecode(k.Build());
    FAIL() << "expected a CompileError";
  } catch (const CompileError& e) {
    EXPECT_STREQ(e.what(),
                 "broken: invalid kernel IR (2 problems):\n  broken: break outside a loop\n"
                 "  broken: continue outside a loop");
  }
}

TEST(Lowering, CompilerBugsAreADifferentErrorFamily) {
  static_assert(!std::is_base_of_v<CompileError, InternalError> && !std::is_base_of_v<InternalError, CompileError>);
  // Code generation trusts the verifier; handed unverified IR it reports an internal error.
  KernelBuilder k("unverified", KernelRole::DataMovement0);
  k.break_();
  try {
    GenerateBytecode(k.Build());
    FAIL() << "expected an InternalError";
  } catch (const InternalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("internal compiler error: kernel 'unverified'"));
    EXPECT_THAT(e.what(), HasSubstr("break outside a loop"));
  }
}

}  // namespace
}  // namespace tilesim::compiler
