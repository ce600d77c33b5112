// The interpreter's register operations, each against a hand-computed value, edge cases included.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>

#include "common/bytecode_test_util.h"
#include "emulator/vm/interpreter.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu {
namespace {

using bc::Opcode;
using bc::testing::I;
using bc::testing::MakeKernel;

const std::array<IntrinsicFn, bc::kNumIntrinsics> kNoHandlers{};

// Runs `op r0, r1, r2, imm` with r1 = b, r2 = c, r3 = d and returns r0. r0 starts as garbage so an
// operation that forgets to write its whole destination shows up.
uint64_t Eval(Opcode op, uint64_t b, uint64_t c = 0, uint32_t imm = 0, uint64_t d = 0) {
  // Fill only the fields the opcode's shape uses: the verifier (run by Link) rejects stray operands.
  bc::Instr instr = I(op, 0, 1, 2, imm);
  switch (bc::Info(op).shape) {
    case bc::OperandShape::A_Imm: instr = I(op, 0, 0, 0, imm); break;
    case bc::OperandShape::A_B: instr = I(op, 0, 1); break;
    case bc::OperandShape::A_B_C: instr = I(op, 0, 1, 2); break;
    case bc::OperandShape::A_B_Imm: instr = I(op, 0, 1, 0, imm); break;
    default: break;
  }
  auto binary = std::make_shared<bc::KernelBinary>(MakeKernel({instr, I(Opcode::HALT)}, 4));
  const ExecutableKernel kernel = Link(binary, kNoHandlers.data());
  VmState state;
  state.regs[0] = 0xdeadbeefdeadbeefull;
  state.regs[1] = b;
  state.regs[2] = c;
  state.regs[3] = d;
  EXPECT_EQ(RunSlice(kernel, state, nullptr, L1View{}, 100), SliceEnd::Halted);
  return state.regs[0];
}

// Runs `op r0, r1, r2` expecting a trap; returns the trap message and checks pc stayed on it.
std::string TrapMessage(Opcode op, uint64_t b, uint64_t c) {
  auto binary = std::make_shared<bc::KernelBinary>(MakeKernel({I(Opcode::NOP), I(op, 0, 1, 2), I(Opcode::HALT)}, 3));
  const ExecutableKernel kernel = Link(binary, kNoHandlers.data());
  VmState state;
  state.regs[0] = 77;
  state.regs[1] = b;
  state.regs[2] = c;
  try {
    RunSlice(kernel, state, nullptr, L1View{}, 100);
  } catch (const KernelTrap& trap) {
    EXPECT_EQ(state.pc, 1u);
    EXPECT_EQ(state.instructions, 1u);  // the NOP; the trapping instruction did not complete
    EXPECT_EQ(state.regs[0], 77u);      // and wrote nothing
    return trap.what();
  }
  ADD_FAILURE() << bc::Info(op).name << " did not trap";
  return "";
}

TEST(VmAlu, LoadiZeroExtendsTheImmediate) {
  EXPECT_EQ(Eval(Opcode::LOADI, 0, 0, 0xffffffffu), 0x00000000ffffffffull);
}

TEST(VmAlu, LoadkLoadsA64BitConstant) {
  auto binary = std::make_shared<bc::KernelBinary>(
      MakeKernel({I(Opcode::LOADK, 0, 0, 0, 1), I(Opcode::HALT)}, 1));
  binary->constants = {5, 0x123456789abcdef0ull};
  const ExecutableKernel kernel = Link(binary, kNoHandlers.data());
  VmState state;
  ASSERT_EQ(RunSlice(kernel, state, nullptr, L1View{}, 10), SliceEnd::Halted);
  EXPECT_EQ(state.regs[0], 0x123456789abcdef0ull);
}

TEST(VmAlu, MovCopiesAll64Bits) { EXPECT_EQ(Eval(Opcode::MOV, 0xfedcba9876543210ull), 0xfedcba9876543210ull); }

TEST(VmAlu, Add32WrapsAndReadsLowHalves) {
  EXPECT_EQ(Eval(Opcode::ADD32, 0xffffffffu, 2), 1u);
  EXPECT_EQ(Eval(Opcode::ADD32, 0x100000005ull, 0x200000001ull), 6u);
}

TEST(VmAlu, Sub32WrapsBelowZero) { EXPECT_EQ(Eval(Opcode::SUB32, 1, 2), 0xffffffffu); }

TEST(VmAlu, Mul32KeepsTheLow32BitsOfTheProduct) {
  EXPECT_EQ(Eval(Opcode::MUL32, 0x10000u, 0x10000u), 0u);
  EXPECT_EQ(Eval(Opcode::MUL32, 0xffffffffu, 0xffffffffu), 1u);  // (2^32 - 1)^2 = 2^64 - 2^33 + 1
  EXPECT_EQ(Eval(Opcode::MUL32, 0x100000003ull, 7), 21u);
}

TEST(VmAlu, UnsignedDivisionAndRemainder32) {
  EXPECT_EQ(Eval(Opcode::DIVU32, 0xffffffffu, 2), 0x7fffffffu);
  EXPECT_EQ(Eval(Opcode::REMU32, 17, 5), 2u);
  EXPECT_EQ(Eval(Opcode::DIVU32, 0x500000064ull, 10), 10u);  // only the low 32 bits (100) divide
}

TEST(VmAlu, SignedDivisionTruncatesTowardZero) {
  EXPECT_EQ(Eval(Opcode::DIVS32, static_cast<uint32_t>(-7), 2), static_cast<uint32_t>(-3));
  EXPECT_EQ(Eval(Opcode::DIVS32, 7, static_cast<uint32_t>(-2)), static_cast<uint32_t>(-3));
  EXPECT_EQ(Eval(Opcode::DIVS32, 0x80000000u, 1), 0x80000000u);  // INT_MIN / 1 is fine
}

TEST(VmAlu, SignedRemainderTakesTheDividendsSign) {
  EXPECT_EQ(Eval(Opcode::REMS32, static_cast<uint32_t>(-7), 2), 0xffffffffu);
  EXPECT_EQ(Eval(Opcode::REMS32, 7, static_cast<uint32_t>(-2)), 1u);
}

TEST(VmAlu, DivisionByZeroTrapsForEveryDivisionOpcode) {
  for (Opcode op : {Opcode::DIVU32, Opcode::REMU32, Opcode::DIVS32, Opcode::REMS32, Opcode::DIVU64, Opcode::REMU64}) {
    const std::string message = TrapMessage(op, 10, 0);
    EXPECT_NE(message.find("division by zero"), std::string::npos) << message;
    EXPECT_NE(message.find(bc::Info(op).name), std::string::npos) << message;
  }
}

TEST(VmAlu, Division32ByZeroIgnoresTheHighHalfOfTheDivisor) {
  // 0x1_0000_0000 is zero as a u32, so a 32-bit division by it must trap, not divide by 2^32.
  EXPECT_NE(TrapMessage(Opcode::DIVU32, 10, 0x100000000ull).find("division by zero"), std::string::npos);
}

TEST(VmAlu, SignedOverflowTrapsForIntMinByMinusOne) {
  for (Opcode op : {Opcode::DIVS32, Opcode::REMS32}) {
    const std::string message = TrapMessage(op, 0x80000000u, 0xffffffffu);
    EXPECT_NE(message.find("INT_MIN / -1"), std::string::npos) << message;
  }
}

TEST(VmAlu, Addi32AddsTheImmediateModulo2To32) {
  EXPECT_EQ(Eval(Opcode::ADDI32, 0xfffffffeu, 0, 3), 1u);
  EXPECT_EQ(Eval(Opcode::ADDI32, 5, 0, 0xffffffffu), 4u);  // imm -1
}

TEST(VmAlu, BitwiseOperationsUseAll64Bits) {
  const uint64_t x = 0xff00ff00f0f0f0f0ull;
  const uint64_t y = 0x0ff00ff00ff00ff0ull;
  EXPECT_EQ(Eval(Opcode::AND, x, y), 0x0f000f0000f000f0ull);
  EXPECT_EQ(Eval(Opcode::OR, x, y), 0xfff0fff0fff0fff0ull);
  EXPECT_EQ(Eval(Opcode::XOR, x, y), 0xf0f0f0f0ff00ff00ull);
}

TEST(VmAlu, Shl32MasksTheShiftAndDropsCarriedOutBits) {
  EXPECT_EQ(Eval(Opcode::SHL32, 1, 31), 0x80000000u);
  EXPECT_EQ(Eval(Opcode::SHL32, 0x80000001u, 1), 2u);
  EXPECT_EQ(Eval(Opcode::SHL32, 1, 32), 1u);  // 32 & 31 = 0
  EXPECT_EQ(Eval(Opcode::SHL32, 1, 33), 2u);
}

TEST(VmAlu, Shru32IsLogicalOnTheLowHalf) {
  EXPECT_EQ(Eval(Opcode::SHRU32, 0x80000000u, 31), 1u);
  EXPECT_EQ(Eval(Opcode::SHRU32, 0xff00000000ull, 0), 0u);
  EXPECT_EQ(Eval(Opcode::SHRU32, 0x80000000u, 36), 0x08000000u);  // 36 & 31 = 4
}

TEST(VmAlu, Shrs32IsArithmeticAndZeroExtendsTheResult) {
  EXPECT_EQ(Eval(Opcode::SHRS32, 0x80000000u, 31), 0xffffffffu);
  EXPECT_EQ(Eval(Opcode::SHRS32, 0x80000000u, 35), 0xf0000000u);  // 35 & 31 = 3
  EXPECT_EQ(Eval(Opcode::SHRS32, 0x40000000u, 30), 1u);
}

TEST(VmAlu, Not32AndNeg32ZeroExtend) {
  EXPECT_EQ(Eval(Opcode::NOT32, 0), 0xffffffffu);
  EXPECT_EQ(Eval(Opcode::NOT32, 0xffffffff0000ffffull), 0xffff0000u);
  EXPECT_EQ(Eval(Opcode::NEG32, 1), 0xffffffffu);
  EXPECT_EQ(Eval(Opcode::NEG32, 0), 0u);
  EXPECT_EQ(Eval(Opcode::NEG32, 0x80000000u), 0x80000000u);
}

TEST(VmAlu, Arithmetic64Wraps) {
  EXPECT_EQ(Eval(Opcode::ADD64, ~0ull, 1), 0u);
  EXPECT_EQ(Eval(Opcode::ADD64, 0xffffffffu, 1), 0x100000000ull);  // no 32-bit truncation
  EXPECT_EQ(Eval(Opcode::SUB64, 0, 1), ~0ull);
  EXPECT_EQ(Eval(Opcode::MUL64, 1ull << 32, 1ull << 32), 0u);
  EXPECT_EQ(Eval(Opcode::MUL64, 0x100000000ull, 3), 0x300000000ull);
}

TEST(VmAlu, Division64) {
  EXPECT_EQ(Eval(Opcode::DIVU64, ~0ull, 0x100000000ull), 0xffffffffu);
  EXPECT_EQ(Eval(Opcode::REMU64, 0x100000007ull, 0x100000000ull), 7u);
}

TEST(VmAlu, Shifts64MaskBy63) {
  EXPECT_EQ(Eval(Opcode::SHL64, 1, 63), 0x8000000000000000ull);
  EXPECT_EQ(Eval(Opcode::SHL64, 1, 64), 1u);
  EXPECT_EQ(Eval(Opcode::SHL64, 0xffffffffu, 32), 0xffffffff00000000ull);
  EXPECT_EQ(Eval(Opcode::SHRU64, 0x8000000000000000ull, 63), 1u);
  EXPECT_EQ(Eval(Opcode::SHRU64, 0x8000000000000000ull, 65), 0x4000000000000000ull);
}

TEST(VmAlu, Trunc32AndSext32) {
  EXPECT_EQ(Eval(Opcode::TRUNC32, 0x123456789ull), 0x23456789u);
  EXPECT_EQ(Eval(Opcode::SEXT32, 0x80000000u), 0xffffffff80000000ull);
  EXPECT_EQ(Eval(Opcode::SEXT32, 0x7fffffffu), 0x7fffffffu);
  EXPECT_EQ(Eval(Opcode::SEXT32, 0xabcd00000001ull), 1u);
}

TEST(VmAlu, EqualityComparesAll64Bits) {
  EXPECT_EQ(Eval(Opcode::EQ, 0x100000001ull, 1), 0u);
  EXPECT_EQ(Eval(Opcode::EQ, 5, 5), 1u);
  EXPECT_EQ(Eval(Opcode::NE, 0x100000001ull, 1), 1u);
  EXPECT_EQ(Eval(Opcode::NE, 5, 5), 0u);
}

TEST(VmAlu, UnsignedComparisons) {
  EXPECT_EQ(Eval(Opcode::LTU, 0xffffffffu, 0x100000000ull), 1u);
  EXPECT_EQ(Eval(Opcode::LTU, 3, 3), 0u);
  EXPECT_EQ(Eval(Opcode::LEU, 3, 3), 1u);
  EXPECT_EQ(Eval(Opcode::LEU, 4, 3), 0u);
}

TEST(VmAlu, SignedComparisonsReadLowHalvesAsInt32) {
  EXPECT_EQ(Eval(Opcode::LTS32, 0xffffffffu, 0), 1u);       // -1 < 0
  EXPECT_EQ(Eval(Opcode::LTU, 0xffffffffu, 0), 0u);         // but not unsigned
  EXPECT_EQ(Eval(Opcode::LTS32, 0x100000000ull, 1), 1u);    // low half 0 < 1
  EXPECT_EQ(Eval(Opcode::LTS32, 0x80000000u, 0x7fffffffu), 1u);
  EXPECT_EQ(Eval(Opcode::LES32, 0xfffffffeu, 0xfffffffeu), 1u);
  EXPECT_EQ(Eval(Opcode::LES32, 0, 0xffffffffu), 0u);       // 0 <= -1 is false
}

TEST(VmAlu, LnotIsOneOnlyForZero) {
  EXPECT_EQ(Eval(Opcode::LNOT, 0), 1u);
  EXPECT_EQ(Eval(Opcode::LNOT, 0x100000000ull), 0u);  // 64-bit test, not 32
}

TEST(VmAlu, SelectPicksByTheConditionRegister) {
  // SELECT r0, r1, r2, r3: r1 != 0 ? r2 : r3.
  EXPECT_EQ(Eval(Opcode::SELECT, 1, 111, 3, 222), 111u);
  EXPECT_EQ(Eval(Opcode::SELECT, 0, 111, 3, 222), 222u);
  EXPECT_EQ(Eval(Opcode::SELECT, 0x100000000ull, 111, 3, 222), 111u);  // any nonzero bit counts
}

TEST(VmAlu, NopChangesNothingButPc) {
  auto binary = std::make_shared<bc::KernelBinary>(MakeKernel({I(Opcode::NOP), I(Opcode::HALT)}, 2));
  const ExecutableKernel kernel = Link(binary, kNoHandlers.data());
  VmState state;
  state.regs[0] = 9;
  state.regs[1] = 10;
  const VmState before = state;
  ASSERT_EQ(RunSlice(kernel, state, nullptr, L1View{}, 10), SliceEnd::Halted);
  EXPECT_EQ(state.regs, before.regs);
  EXPECT_EQ(state.pc, 1u);
}

}  // namespace
}  // namespace tilesim::emu
