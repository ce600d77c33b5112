// The bytecode interpreter: runs one kernel context until it halts, blocks, or spends its budget.
//
// A context's whole state is its registers and pc, so suspending it costs nothing: a blocking intrinsic
// returns CallStatus::Block, the interpreter leaves pc on that CALL and returns; when the context is
// woken it re-executes the CALL, which re-checks its condition. This is what lets the scheduler multiplex
// any number of contexts over a few host threads without stacks or fibers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "tilesim/bytecode/kernel_binary.h"

namespace tilesim::emu {

class KernelContext;  // the device model's per-kernel context (emulator/kernel_context.h)

enum class CallStatus : uint8_t { Done, Block };
// An intrinsic: reads args[0..n), writes `result` if it returns a value. Throws KernelTrap on misuse.
using IntrinsicFn = CallStatus (*)(KernelContext& ctx, const uint64_t* args, uint64_t& result);

// A verified kernel with its imports resolved to handlers.
struct ExecutableKernel {
  std::shared_ptr<const bc::KernelBinary> binary;
  std::vector<IntrinsicFn> imports;  // parallel to binary->imports
};
// Resolves imports through `table` (indexed by bc::Intrinsic). The binary must have passed bc::Verify.
ExecutableKernel Link(std::shared_ptr<const bc::KernelBinary> binary, const IntrinsicFn* table);

struct VmState {
  std::array<uint64_t, 256> regs{};
  uint32_t pc = 0;
  uint64_t instructions = 0;  // executed so far
};

enum class SliceEnd : uint8_t { Halted, Blocked, OutOfBudget };

// L1 of the core the context runs on, for LD32 / ST32.
struct L1View {
  uint8_t* data = nullptr;
  uint32_t size = 0;
};

// Runs from state.pc for at most `budget` instructions. `ctx` may be null for kernels that make no CALL
// (a CALL then traps). Traps (KernelTrap, emulator/vm/trap.h) propagate to the caller with state.pc on
// the trapping instruction.
SliceEnd RunSlice(const ExecutableKernel& kernel, VmState& state, KernelContext* ctx, L1View l1, uint64_t budget);

}  // namespace tilesim::emu
