// LD32 / ST32: little-endian words in the core's L1, addressed as u32(R[b] + imm), trapping when
// unaligned or outside L1.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/bytecode_test_util.h"
#include "emulator/vm/interpreter.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu {
namespace {

using bc::Opcode;
using bc::testing::I;
using bc::testing::MakeKernel;

const std::array<IntrinsicFn, bc::kNumIntrinsics> kNoHandlers{};

ExecutableKernel LinkCode(std::vector<bc::Instr> code) {
  return Link(std::make_shared<bc::KernelBinary>(MakeKernel(std::move(code), 4)), kNoHandlers.data());
}

// Runs a single memory instruction `I(op, 0, 1, 0, offset)` with r0 = value, r1 = base; returns the trap
// message, or "" if it did not trap.
std::string RunAccess(Opcode op, std::vector<uint8_t>& l1, uint64_t base, uint32_t offset, uint64_t value, VmState& state) {
  const ExecutableKernel kernel = LinkCode({I(op, 0, 1, 0, offset), I(Opcode::HALT)});
  state.regs[0] = value;
  state.regs[1] = base;
  try {
    EXPECT_EQ(RunSlice(kernel, state, nullptr, L1View{l1.data(), static_cast<uint32_t>(l1.size())}, 10), SliceEnd::Halted);
  } catch (const KernelTrap& trap) {
    return trap.what();
  }
  return "";
}

TEST(VmMemory, St32WritesALittleEndianWordAtBasePlusOffset) {
  std::vector<uint8_t> l1(64, 0);
  VmState state;
  ASSERT_EQ(RunAccess(Opcode::ST32, l1, 8, 4, 0x11223344u, state), "");
  const std::vector<uint8_t> expected_bytes = {0x44, 0x33, 0x22, 0x11};
  EXPECT_EQ(std::vector<uint8_t>(l1.begin() + 12, l1.begin() + 16), expected_bytes);
  EXPECT_EQ(std::count(l1.begin(), l1.end(), 0), 60);  // nothing else touched
}

TEST(VmMemory, St32StoresOnlyTheLow32Bits) {
  std::vector<uint8_t> l1(16, 0xaa);
  VmState state;
  ASSERT_EQ(RunAccess(Opcode::ST32, l1, 0, 0, 0xffffffff01020304ull, state), "");
  const std::vector<uint8_t> expected = {0x04, 0x03, 0x02, 0x01, 0xaa, 0xaa, 0xaa, 0xaa};
  EXPECT_EQ(std::vector<uint8_t>(l1.begin(), l1.begin() + 8), expected);
}

TEST(VmMemory, Ld32ReadsAZeroExtendedLittleEndianWord) {
  std::vector<uint8_t> l1 = {0, 0, 0, 0, 0xef, 0xbe, 0xad, 0xde};
  VmState state;
  // LD32 r0, [r1 + 4] with r0 holding garbage in its high half.
  ASSERT_EQ(RunAccess(Opcode::LD32, l1, 0, 4, 0xffffffffffffffffull, state), "");
  EXPECT_EQ(state.regs[0], 0xdeadbeefull);
}

TEST(VmMemory, AddressWrapsModulo2To32) {
  std::vector<uint8_t> l1 = {0, 0, 0, 0, 0x78, 0x56, 0x34, 0x12};
  VmState state;
  // 0xfffffffc + 8 = 4 (mod 2^32); the base's high half is ignored as well.
  ASSERT_EQ(RunAccess(Opcode::LD32, l1, 0x5fffffffcull, 8, 0, state), "");
  EXPECT_EQ(state.regs[0], 0x12345678u);
}

TEST(VmMemory, TheLastWordOfL1IsAccessible) {
  std::vector<uint8_t> l1(32, 0);
  VmState state;
  ASSERT_EQ(RunAccess(Opcode::ST32, l1, 28, 0, 0xa1b2c3d4u, state), "");
  EXPECT_EQ(l1[28], 0xd4);
  EXPECT_EQ(l1[31], 0xa1);
}

TEST(VmMemory, UnalignedAccessTrapsAndLeavesPcAndMemory) {
  for (Opcode op : {Opcode::LD32, Opcode::ST32}) {
    std::vector<uint8_t> l1(32, 0x5a);
    VmState state;
    state.regs[0] = 0;
    const std::string message = RunAccess(op, l1, 5, 1, 0x01020304u, state);  // address 6
    EXPECT_NE(message.find("at 0x6 is not 4-byte aligned"), std::string::npos) << message;
    EXPECT_NE(message.find(bc::Info(op).name), std::string::npos) << message;
    EXPECT_EQ(state.pc, 0u);
    EXPECT_EQ(std::count(l1.begin(), l1.end(), 0x5a), 32);
  }
}

TEST(VmMemory, AccessPastTheEndOfL1Traps) {
  std::vector<uint8_t> l1(32, 0);
  VmState state;
  const std::string load = RunAccess(Opcode::LD32, l1, 32, 0, 0, state);
  EXPECT_EQ(load, "LD32: L1 load at 0x20 outside L1 (size 0x20)");
  EXPECT_EQ(state.pc, 0u);
  const std::string store = RunAccess(Opcode::ST32, l1, 0xfffffffcu, 0, 0, state);
  EXPECT_EQ(store, "ST32: L1 store at 0xfffffffc outside L1 (size 0x20)");
}

TEST(VmMemory, AnyAccessTrapsWithoutAnL1) {
  const ExecutableKernel kernel = LinkCode({I(Opcode::LD32, 0, 1, 0, 0), I(Opcode::HALT)});
  VmState state;
  EXPECT_THROW(RunSlice(kernel, state, nullptr, L1View{}, 10), KernelTrap);
}

}  // namespace
}  // namespace tilesim::emu
