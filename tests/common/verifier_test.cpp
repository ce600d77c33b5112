// Verify() on a well-formed kernel and on one broken copy of it per rule.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "common/bytecode_test_util.h"

namespace tilesim::bc {
namespace {

using testing::Call;
using testing::I;
using testing::MakeKernel;

// A reader kernel touching every operand shape; Verify must accept it as is.
KernelBinary GoodKernel() {
  KernelBinary kernel = MakeKernel({
      I(Opcode::LOADI, 0, 0, 0, 0),       // 0: r0 = 0
      I(Opcode::LOADK, 1, 0, 0, 0),       // 1: r1 = k0
      Call(2, 0, 0, 1),                   // 2: r2 = get_write_ptr(r0)
      I(Opcode::ADD32, 3, 1, 2),          // 3
      I(Opcode::ST32, 3, 2, 0, 8),        // 4: [r2 + 8] = r3
      I(Opcode::SELECT, 4, 0, 1, 2),      // 5: r4 = r0 ? r1 : r2
      I(Opcode::JZ, 4, 0, 0, 8),          // 6
      Call(kDiscardRegister, 1, 0, 2),    // 7: cb_push_back(r0, r1)
      I(Opcode::NOT32, 5, 4),             // 8
      I(Opcode::HALT),                    // 9
  }, 6);
  kernel.constants = {42};
  kernel.imports = {"get_write_ptr", "cb_push_back"};
  kernel.files = {"reader.cpp"};
  kernel.source_map = {{0, {0, 1, 1}}, {3, {0, 2, 5}}};
  return kernel;
}

// Expects exactly one problem, containing `expected`.
void ExpectOnly(const KernelBinary& kernel, const std::string& expected) {
  const std::vector<std::string> problems = Verify(kernel);
  ASSERT_EQ(problems.size(), 1u) << ::testing::PrintToString(problems);
  EXPECT_NE(problems[0].find(expected), std::string::npos) << problems[0];
}

TEST(Verifier, AcceptsAWellFormedKernel) {
  const std::vector<std::string> problems = Verify(GoodKernel());
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
}

TEST(Verifier, RejectsAnInvalidOpcode) {
  KernelBinary kernel = GoodKernel();
  kernel.code[3].op = static_cast<Opcode>(200);
  ExpectOnly(kernel, "pc 3: invalid opcode 200");
}

TEST(Verifier, RejectsARegisterOutOfRange) {
  KernelBinary kernel = GoodKernel();
  kernel.code[3].c = 6;
  ExpectOnly(kernel, "pc 3: ADD32 register c = r6 out of range (kernel has 6 registers)");
}

TEST(Verifier, RejectsMoreRegistersThanTheMachineHas) {
  KernelBinary kernel = GoodKernel();
  kernel.num_registers = kMaxRegisters + 1;
  ExpectOnly(kernel, "num_registers 256 exceeds the maximum of 255");
}

TEST(Verifier, RejectsASelectImmRegisterOutOfRange) {
  KernelBinary kernel = GoodKernel();
  kernel.code[5].imm = 6;
  ExpectOnly(kernel, "pc 5: SELECT register imm = r6 out of range");
}

TEST(Verifier, RejectsAJumpTargetOutOfRange) {
  KernelBinary kernel = GoodKernel();
  kernel.code[6].imm = 10;
  ExpectOnly(kernel, "pc 6: JZ jump target 10 out of range (code has 10 instructions)");
}

TEST(Verifier, RejectsALoadkIndexOutOfRange) {
  KernelBinary kernel = GoodKernel();
  kernel.code[1].imm = 1;
  ExpectOnly(kernel, "pc 1: LOADK constant index 1 out of range (the pool has 1 constants)");
}

TEST(Verifier, RejectsACallImportIndexOutOfRange) {
  KernelBinary kernel = GoodKernel();
  kernel.code[7].imm = 2;
  ExpectOnly(kernel, "pc 7: CALL import index 2 out of range (the kernel has 2 imports)");
}

TEST(Verifier, RejectsACallArgumentWindowPastTheRegisters) {
  KernelBinary kernel = GoodKernel();
  kernel.code[7].b = 5;  // r5..r6, but only r0..r5 exist
  ExpectOnly(kernel, "pc 7: CALL argument registers r5..r6 out of range (kernel has 6 registers)");
}

TEST(Verifier, AcceptsDiscardingAValueResult) {
  KernelBinary kernel = GoodKernel();
  kernel.code[2].a = kDiscardRegister;
  EXPECT_TRUE(Verify(kernel).empty());
}

TEST(Verifier, RejectsACallDestinationOutOfRange) {
  KernelBinary kernel = GoodKernel();
  kernel.code[2].a = 6;
  ExpectOnly(kernel, "pc 2: CALL register a = r6 out of range");
}

TEST(Verifier, RejectsAnUnknownImportOnce) {
  KernelBinary kernel = GoodKernel();
  kernel.imports[1] = "cb_push_front";
  ExpectOnly(kernel, "import 1 'cb_push_front' is not a known intrinsic");  // not again at the CALL
}

TEST(Verifier, RejectsAnImportTheRoleMayNotCall) {
  KernelBinary kernel = GoodKernel();
  kernel.role = KernelRole::Compute;
  ExpectOnly(kernel, "import 0 'get_write_ptr' may not be called by a compute kernel");
}

TEST(Verifier, RejectsACallWithTheWrongArgumentCount) {
  KernelBinary kernel = GoodKernel();
  kernel.code[7].c = 1;
  ExpectOnly(kernel, "pc 7: CALL cb_push_back passes 1 arguments, but it takes 2");
}

TEST(Verifier, RejectsAVoidCallWithADestination) {
  KernelBinary kernel = GoodKernel();
  kernel.code[7].a = 3;
  ExpectOnly(kernel, "pc 7: CALL cb_push_back returns nothing, so its destination must be 255 (discard), not r3");
}

TEST(Verifier, RejectsAnArgumentlessCallWithAStrayFirstRegister) {
  KernelBinary kernel = MakeKernel({Call(kDiscardRegister, 0, 3, 0), I(Opcode::HALT)}, 4);
  kernel.imports = {"noc_async_read_barrier"};
  ExpectOnly(kernel, "pc 0: CALL (with no arguments) does not use field b, which must be 0 but is 3");
}

TEST(Verifier, RejectsEmptyCode) {
  KernelBinary kernel = MakeKernel({});
  ExpectOnly(kernel, "the kernel has no code");
}

TEST(Verifier, RejectsCodeThatFallsOffTheEnd) {
  KernelBinary kernel = GoodKernel();
  kernel.code[9] = I(Opcode::NOP);
  ExpectOnly(kernel, "pc 9: the last instruction is NOP, but it must be HALT or JMP");
}

TEST(Verifier, AcceptsCodeEndingInAJump) {
  KernelBinary kernel = GoodKernel();
  kernel.code[9] = I(Opcode::JMP, 0, 0, 0, 0);
  EXPECT_TRUE(Verify(kernel).empty());
}

TEST(Verifier, RejectsAnUnsortedSourceMap) {
  KernelBinary kernel = GoodKernel();
  kernel.source_map.push_back({3, {0, 4, 1}});
  ExpectOnly(kernel, "source map entry 2: pc 3 is not greater than the previous entry's pc 3");
}

TEST(Verifier, RejectsASourceMapPcOutOfRange) {
  KernelBinary kernel = GoodKernel();
  kernel.source_map.push_back({10, {0, 4, 1}});
  ExpectOnly(kernel, "source map entry 2: pc 10 out of range (code has 10 instructions)");
}

TEST(Verifier, RejectsASourceMapFileIndexOutOfRange) {
  KernelBinary kernel = GoodKernel();
  kernel.source_map[1].location.file = 1;
  ExpectOnly(kernel, "source map entry 1: file index 1 out of range (the kernel names 1 files)");
}

TEST(Verifier, RejectsNonZeroUnusedFields) {
  KernelBinary kernel = GoodKernel();
  kernel.code[8].c = 1;    // NOT32 reads a and b only
  kernel.code[9].imm = 7;  // HALT reads nothing
  const std::vector<std::string> problems = Verify(kernel);
  const std::vector<std::string> expected = {
      "pc 8: NOT32 does not use field c, which must be 0 but is 1",
      "pc 9: HALT does not use field imm, which must be 0 but is 7",
  };
  EXPECT_EQ(problems, expected);
}

TEST(Verifier, RejectsAnInvalidRole) {
  KernelBinary kernel = GoodKernel();
  kernel.role = static_cast<KernelRole>(7);
  ExpectOnly(kernel, "invalid kernel role 7");
}

TEST(Verifier, ReportsEveryProblemAtOnce) {
  KernelBinary kernel = GoodKernel();
  kernel.imports[0] = "no_such_intrinsic";
  kernel.code[1].imm = 5;
  kernel.code[3].op = static_cast<Opcode>(kNumOpcodes);
  kernel.code[6].imm = 40;
  kernel.code[7].c = 3;
  kernel.code[9] = I(Opcode::NOP);
  kernel.source_map[1].location.file = 2;
  const std::vector<std::string> expected = {
      "import 0 'no_such_intrinsic' is not a known intrinsic",
      "pc 1: LOADK constant index 5 out of range (the pool has 1 constants)",
      fmt::format("pc 3: invalid opcode {} (valid opcodes are 0..{})", kNumOpcodes, kNumOpcodes - 1),
      "pc 6: JZ jump target 40 out of range (code has 10 instructions)",
      "pc 7: CALL cb_push_back passes 3 arguments, but it takes 2",
      "pc 9: the last instruction is NOP, but it must be HALT or JMP (execution would run off the end)",
      "source map entry 1: file index 2 out of range (the kernel names 1 files)",
  };
  EXPECT_EQ(Verify(kernel), expected);
}

}  // namespace
}  // namespace tilesim::bc
