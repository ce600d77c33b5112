// Control flow, budgets, CALL and Link: how a context runs, stops and resumes.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/bytecode_test_util.h"
#include "emulator/vm/interpreter.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu {
namespace {

using bc::Intrinsic;
using bc::Opcode;
using bc::testing::Call;
using bc::testing::I;
using bc::testing::MakeKernel;

// The tests' stand-in for the device model's KernelContext: the interpreter only passes the pointer on,
// so handlers cast it back to this.
struct FakeDevice {
  std::vector<std::vector<uint64_t>> calls;  // the arguments of every completed or blocked call
  bool cb_full = false;                      // cb_reserve_back blocks while set
};
KernelContext* AsContext(FakeDevice& device) { return reinterpret_cast<KernelContext*>(&device); }
FakeDevice& Device(KernelContext& ctx) { return *reinterpret_cast<FakeDevice*>(&ctx); }

CallStatus GetArgVal(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  // A slice that ignored its budget would loop forever in a test; fail it instead.
  if (Device(ctx).calls.size() > 10000) throw KernelTrap("get_arg_val: runaway loop");
  Device(ctx).calls.push_back({args[0]});
  result = args[0] * 10 + 7;
  return CallStatus::Done;
}
CallStatus GetNocAddr(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  Device(ctx).calls.push_back({args[0], args[1], args[2]});
  result = (args[0] << 40) | (args[1] << 32) | args[2];
  return CallStatus::Done;
}
CallStatus CbReserveBack(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  Device(ctx).calls.push_back({args[0], args[1]});
  return Device(ctx).cb_full ? CallStatus::Block : CallStatus::Done;
}
CallStatus CbPushBack(KernelContext&, const uint64_t*, uint64_t&) { throw KernelTrap("cb_push_back: nothing reserved"); }

std::array<IntrinsicFn, bc::kNumIntrinsics> Handlers() {
  std::array<IntrinsicFn, bc::kNumIntrinsics> table{};
  table[static_cast<size_t>(Intrinsic::get_arg_val)] = GetArgVal;
  table[static_cast<size_t>(Intrinsic::get_noc_addr)] = GetNocAddr;
  table[static_cast<size_t>(Intrinsic::cb_reserve_back)] = CbReserveBack;
  table[static_cast<size_t>(Intrinsic::cb_push_back)] = CbPushBack;
  return table;
}
const std::array<IntrinsicFn, bc::kNumIntrinsics> kHandlers = Handlers();

ExecutableKernel LinkKernel(bc::KernelBinary binary) {
  return Link(std::make_shared<const bc::KernelBinary>(std::move(binary)), kHandlers.data());
}

// sum = 0; for (i = 10; i != 0; --i) sum += i;  -> r0 = 55 after 2 + 10 * 3 + 1 = 33 instructions.
bc::KernelBinary SumLoop() {
  return MakeKernel({
      I(Opcode::LOADI, 0, 0, 0, 0),
      I(Opcode::LOADI, 1, 0, 0, 10),
      I(Opcode::ADD32, 0, 0, 1),
      I(Opcode::ADDI32, 1, 1, 0, 0xffffffffu),
      I(Opcode::JNZ, 1, 0, 0, 2),
      I(Opcode::HALT),
  }, 2);
}

TEST(VmControl, LoopRunsToCompletionAndCountsInstructions) {
  const ExecutableKernel kernel = LinkKernel(SumLoop());
  VmState state;
  ASSERT_EQ(RunSlice(kernel, state, nullptr, L1View{}, 1000), SliceEnd::Halted);
  EXPECT_EQ(state.regs[0], 55u);
  EXPECT_EQ(state.instructions, 33u);
  EXPECT_EQ(state.pc, 5u);  // HALT leaves pc on itself
}

TEST(VmControl, BudgetStopsAfterExactlyThatManyInstructions) {
  const ExecutableKernel kernel = LinkKernel(SumLoop());
  VmState state;
  ASSERT_EQ(RunSlice(kernel, state, nullptr, L1View{}, 7), SliceEnd::OutOfBudget);
  // 2 LOADIs, one full iteration (pc 2, 3, 4), then ADD32 and ADDI32 of the second: next is the JNZ.
  EXPECT_EQ(state.instructions, 7u);
  EXPECT_EQ(state.pc, 4u);
  EXPECT_EQ(state.regs[0], 10u + 9u);
  EXPECT_EQ(state.regs[1], 8u);
}

TEST(VmControl, SlicesOfOneInstructionGiveTheSameResult) {
  const ExecutableKernel kernel = LinkKernel(SumLoop());
  VmState state;
  int slices = 1;
  while (RunSlice(kernel, state, nullptr, L1View{}, 1) == SliceEnd::OutOfBudget) ++slices;
  EXPECT_EQ(slices, 33);
  EXPECT_EQ(state.regs[0], 55u);
  EXPECT_EQ(state.instructions, 33u);
}

TEST(VmControl, EverySliceStaysWithinItsBudget) {
  // Budgets below, around and above the code size (6) exercise both ways the budget is checked.
  const ExecutableKernel kernel = LinkKernel(SumLoop());
  for (uint64_t budget = 1; budget <= 40; ++budget) {
    VmState state;
    SliceEnd end = SliceEnd::OutOfBudget;
    while (end == SliceEnd::OutOfBudget) {
      const uint64_t before = state.instructions;
      end = RunSlice(kernel, state, nullptr, L1View{}, budget);
      if (end == SliceEnd::OutOfBudget) {
        ASSERT_EQ(state.instructions - before, budget) << "budget " << budget;
      } else {
        ASSERT_LE(state.instructions - before, budget) << "budget " << budget;
      }
    }
    EXPECT_EQ(state.regs[0], 55u) << "budget " << budget;
    EXPECT_EQ(state.instructions, 33u) << "budget " << budget;
  }
}

TEST(VmControl, BudgetCountsInstructionsAcrossCalls) {
  // for (;;) r0 = get_arg_val(r1): every slice must still end after exactly `budget` instructions.
  bc::KernelBinary binary = MakeKernel({I(Opcode::LOADI, 1, 0, 0, 0), Call(0, 0, 1, 1), I(Opcode::JMP, 0, 0, 0, 1)}, 2);
  binary.imports = {"get_arg_val"};
  const ExecutableKernel kernel = LinkKernel(std::move(binary));
  FakeDevice device;
  VmState state;
  ASSERT_EQ(RunSlice(kernel, state, AsContext(device), L1View{}, 10), SliceEnd::OutOfBudget);
  EXPECT_EQ(state.instructions, 10u);
  EXPECT_EQ(device.calls.size(), 5u);  // LOADI, then CALL, JMP, CALL, JMP, ... : calls at counts 2, 4, 6, 8, 10
  ASSERT_EQ(RunSlice(kernel, state, AsContext(device), L1View{}, 1000), SliceEnd::OutOfBudget);
  EXPECT_EQ(state.instructions, 1010u);
}

TEST(VmControl, ZeroBudgetRunsNothing) {
  const ExecutableKernel kernel = LinkKernel(SumLoop());
  VmState state;
  EXPECT_EQ(RunSlice(kernel, state, nullptr, L1View{}, 0), SliceEnd::OutOfBudget);
  EXPECT_EQ(state.pc, 0u);
  EXPECT_EQ(state.instructions, 0u);
}

TEST(VmControl, RunningAHaltedContextHaltsAgain) {
  const ExecutableKernel kernel = LinkKernel(MakeKernel({I(Opcode::HALT)}, 0));
  VmState state;
  ASSERT_EQ(RunSlice(kernel, state, nullptr, L1View{}, 10), SliceEnd::Halted);
  ASSERT_EQ(RunSlice(kernel, state, nullptr, L1View{}, 10), SliceEnd::Halted);
  EXPECT_EQ(state.pc, 0u);
}

// if (r1 == 0) r0 = 2 else r0 = 1, written with `branch` r1, -> 3.
uint64_t Branch(Opcode branch, uint64_t condition) {
  const ExecutableKernel kernel = LinkKernel(MakeKernel({
      I(branch, 1, 0, 0, 3),
      I(Opcode::LOADI, 0, 0, 0, 1),
      I(Opcode::HALT),
      I(Opcode::LOADI, 0, 0, 0, 2),
      I(Opcode::HALT),
  }, 2));
  VmState state;
  state.regs[1] = condition;
  EXPECT_EQ(RunSlice(kernel, state, nullptr, L1View{}, 10), SliceEnd::Halted);
  return state.regs[0];
}

TEST(VmControl, JzJumpsOnlyWhenAll64BitsAreZero) {
  EXPECT_EQ(Branch(Opcode::JZ, 0), 2u);
  EXPECT_EQ(Branch(Opcode::JZ, 0x100000000ull), 1u);
}

TEST(VmControl, JnzJumpsOnNonZero) {
  EXPECT_EQ(Branch(Opcode::JNZ, 0), 1u);
  EXPECT_EQ(Branch(Opcode::JNZ, 0x100000000ull), 2u);
}

TEST(VmControl, JmpJumpsUnconditionally) {
  const ExecutableKernel kernel = LinkKernel(MakeKernel({
      I(Opcode::JMP, 0, 0, 0, 2),
      I(Opcode::LOADI, 0, 0, 0, 1),
      I(Opcode::HALT),
  }, 1));
  VmState state;
  ASSERT_EQ(RunSlice(kernel, state, nullptr, L1View{}, 10), SliceEnd::Halted);
  EXPECT_EQ(state.regs[0], 0u);
  EXPECT_EQ(state.instructions, 2u);
}

TEST(VmControl, CallPassesArgumentRegistersAndWritesTheResult) {
  bc::KernelBinary binary = MakeKernel({Call(5, 0, 2, 3), I(Opcode::HALT)}, 6);
  binary.imports = {"get_noc_addr"};
  const ExecutableKernel kernel = LinkKernel(std::move(binary));
  FakeDevice device;
  VmState state;
  state.regs[2] = 1;
  state.regs[3] = 4;
  state.regs[4] = 0x1000;
  ASSERT_EQ(RunSlice(kernel, state, AsContext(device), L1View{}, 10), SliceEnd::Halted);
  ASSERT_EQ(device.calls.size(), 1u);
  EXPECT_EQ(device.calls[0], (std::vector<uint64_t>{1, 4, 0x1000}));
  EXPECT_EQ(state.regs[5], 0x0000010400001000ull);
}

TEST(VmControl, CallResolvesEachImportToItsOwnHandler) {
  bc::KernelBinary binary = MakeKernel({Call(1, 1, 0, 1), I(Opcode::HALT)}, 2);
  binary.imports = {"get_noc_addr", "get_arg_val"};
  const ExecutableKernel kernel = LinkKernel(std::move(binary));
  FakeDevice device;
  VmState state;
  state.regs[0] = 3;
  ASSERT_EQ(RunSlice(kernel, state, AsContext(device), L1View{}, 10), SliceEnd::Halted);
  EXPECT_EQ(state.regs[1], 37u);  // get_arg_val's fake: 3 * 10 + 7
}

TEST(VmControl, CallToDiscardRegisterKeepsNoResult) {
  bc::KernelBinary binary = MakeKernel({Call(bc::kDiscardRegister, 0, 0, 1), I(Opcode::HALT)}, 1);
  binary.imports = {"get_arg_val"};
  const ExecutableKernel kernel = LinkKernel(std::move(binary));
  FakeDevice device;
  VmState state;
  state.regs[0] = 4;
  const VmState before = state;
  ASSERT_EQ(RunSlice(kernel, state, AsContext(device), L1View{}, 10), SliceEnd::Halted);
  EXPECT_EQ(device.calls.size(), 1u);
  EXPECT_EQ(state.regs, before.regs);
}

TEST(VmControl, BlockingCallStaysOnTheCallAndReExecutesIt) {
  bc::KernelBinary binary = MakeKernel({
      I(Opcode::LOADI, 0, 0, 0, 16),
      I(Opcode::LOADI, 1, 0, 0, 2),
      Call(bc::kDiscardRegister, 0, 0, 2),
      I(Opcode::LOADI, 2, 0, 0, 99),
      I(Opcode::HALT),
  }, 3);
  binary.imports = {"cb_reserve_back"};
  const ExecutableKernel kernel = LinkKernel(std::move(binary));
  FakeDevice device;
  device.cb_full = true;
  VmState state;
  ASSERT_EQ(RunSlice(kernel, state, AsContext(device), L1View{}, 100), SliceEnd::Blocked);
  EXPECT_EQ(state.pc, 2u);
  EXPECT_EQ(state.instructions, 2u);  // the blocked CALL has not completed
  EXPECT_EQ(state.regs[2], 0u);
  // Woken but still full: blocks again on the same CALL.
  ASSERT_EQ(RunSlice(kernel, state, AsContext(device), L1View{}, 100), SliceEnd::Blocked);
  EXPECT_EQ(state.pc, 2u);
  device.cb_full = false;
  ASSERT_EQ(RunSlice(kernel, state, AsContext(device), L1View{}, 100), SliceEnd::Halted);
  EXPECT_EQ(state.regs[2], 99u);
  EXPECT_EQ(state.instructions, 5u);
  ASSERT_EQ(device.calls.size(), 3u);  // called once per attempt, with the same arguments
  for (const auto& args : device.calls) EXPECT_EQ(args, (std::vector<uint64_t>{16, 2}));
}

TEST(VmControl, CallWithoutAContextTraps) {
  bc::KernelBinary binary = MakeKernel({I(Opcode::NOP), Call(0, 0, 0, 1), I(Opcode::HALT)}, 1);
  binary.imports = {"get_arg_val"};
  const ExecutableKernel kernel = LinkKernel(std::move(binary));
  VmState state;
  try {
    RunSlice(kernel, state, nullptr, L1View{}, 10);
    FAIL() << "expected a trap";
  } catch (const KernelTrap& trap) {
    EXPECT_NE(std::string(trap.what()).find("get_arg_val"), std::string::npos) << trap.what();
  }
  EXPECT_EQ(state.pc, 1u);
  EXPECT_EQ(state.instructions, 1u);
}

TEST(VmControl, TrapInsideAnIntrinsicLeavesPcOnTheCall) {
  bc::KernelBinary binary = MakeKernel({I(Opcode::NOP), I(Opcode::NOP), Call(bc::kDiscardRegister, 0, 0, 2), I(Opcode::HALT)}, 2);
  binary.imports = {"cb_push_back"};
  const ExecutableKernel kernel = LinkKernel(std::move(binary));
  FakeDevice device;
  VmState state;
  EXPECT_THROW(RunSlice(kernel, state, AsContext(device), L1View{}, 10), KernelTrap);
  EXPECT_EQ(state.pc, 2u);
  EXPECT_EQ(state.instructions, 2u);
}

TEST(VmControl, PcOutsideTheCodeTraps) {
  const ExecutableKernel kernel = LinkKernel(MakeKernel({I(Opcode::HALT)}, 0));
  VmState state;
  state.pc = 1;
  EXPECT_THROW(RunSlice(kernel, state, nullptr, L1View{}, 10), KernelTrap);
}

TEST(VmControl, RunningAnUnlinkedKernelIsRefused) {
  VmState state;
  EXPECT_THROW(RunSlice(ExecutableKernel{}, state, nullptr, L1View{}, 10), std::invalid_argument);
  bc::KernelBinary binary = MakeKernel({Call(0, 0, 0, 1), I(Opcode::HALT)}, 1);
  binary.imports = {"get_arg_val"};
  ExecutableKernel unlinked;  // imports not resolved
  unlinked.binary = std::make_shared<const bc::KernelBinary>(std::move(binary));
  EXPECT_THROW(RunSlice(unlinked, state, nullptr, L1View{}, 10), std::invalid_argument);
}

TEST(VmLink, RejectsABinaryThatFailsVerification) {
  try {
    LinkKernel(MakeKernel({I(Opcode::JMP, 0, 0, 0, 9)}, 0));
    FAIL() << "expected Link to refuse";
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("test_kernel"), std::string::npos) << message;
    EXPECT_NE(message.find("pc 0: JMP jump target 9 out of range"), std::string::npos) << message;
  }
}

TEST(VmLink, RejectsAnImportWithoutAHandler) {
  bc::KernelBinary binary = MakeKernel({Call(bc::kDiscardRegister, 0, 0, 0), I(Opcode::HALT)}, 0);
  binary.imports = {"noc_async_read_barrier"};
  try {
    LinkKernel(std::move(binary));
    FAIL() << "expected Link to refuse";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("'noc_async_read_barrier' has no handler"), std::string::npos) << error.what();
  }
}

TEST(VmLink, RejectsANullBinaryOrTable) {
  EXPECT_THROW(Link(nullptr, kHandlers.data()), std::invalid_argument);
  EXPECT_THROW(Link(std::make_shared<bc::KernelBinary>(MakeKernel({I(Opcode::HALT)}, 0)), nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace tilesim::emu
