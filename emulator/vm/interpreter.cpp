// The dispatch loop. It trusts what Verify() proved (Link() refuses anything else), so the only checks
// left at run time are the ones that depend on values: division by zero, L1 bounds and alignment, and
// the budget. Registers are indexed by 8-bit fields, so they can never leave the 256-entry array.
#include "emulator/vm/interpreter.h"

#include <bit>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "emulator/vm/trap.h"

namespace tilesim::emu {
namespace {

using bc::Instr;
using bc::Opcode;

static_assert(std::endian::native == std::endian::little, "LD32 / ST32 copy L1 words as host little-endian words");

constexpr uint64_t U32(uint64_t value) { return static_cast<uint32_t>(value); }
constexpr int32_t I32(uint64_t value) { return static_cast<int32_t>(static_cast<uint32_t>(value)); }

// Leaves the state on the faulting instruction, `instructions` being the context's total count of
// completed instructions, and throws. Kept out of line so the hot loop stays small.
[[noreturn, gnu::cold, gnu::noinline]] void Trap(VmState& state, uint32_t pc, uint64_t instructions, const std::string& message) {
  state.pc = pc;
  state.instructions = instructions;
  throw KernelTrap(message);
}

[[noreturn, gnu::cold, gnu::noinline]] void TrapL1(VmState& state, uint32_t pc, uint64_t instructions, const Instr& in,
                                                   uint32_t address, uint32_t l1_size) {
  const char* access = in.op == Opcode::LD32 ? "load" : "store";
  if (address % 4 != 0) {
    Trap(state, pc, instructions, fmt::format("{}: L1 {} at 0x{:x} is not 4-byte aligned", bc::Info(in.op).name, access, address));
  }
  Trap(state, pc, instructions,
       fmt::format("{}: L1 {} at 0x{:x} outside L1 (size 0x{:x})", bc::Info(in.op).name, access, address, l1_size));
}

[[noreturn, gnu::cold, gnu::noinline]] void TrapDivision(VmState& state, uint32_t pc, uint64_t instructions, Opcode op, bool by_zero) {
  Trap(state, pc, instructions,
       fmt::format("{}: {}", bc::Info(op).name, by_zero ? "division by zero" : "signed overflow (INT_MIN / -1)"));
}

}  // namespace

ExecutableKernel Link(std::shared_ptr<const bc::KernelBinary> binary, const IntrinsicFn* table) {
  if (binary == nullptr) throw std::invalid_argument("Link: no kernel binary");
  if (table == nullptr) throw std::invalid_argument(fmt::format("Link: kernel '{}': no intrinsic table", binary->name));
  // The dispatch loop relies on every invariant Verify checks, so an unverified binary never gets this far.
  const std::vector<std::string> problems = bc::Verify(*binary);
  if (!problems.empty()) {
    throw std::invalid_argument(
        fmt::format("Link: kernel '{}' failed verification:\n  {}", binary->name, fmt::join(problems, "\n  ")));
  }
  ExecutableKernel kernel;
  kernel.imports.reserve(binary->imports.size());
  for (size_t i = 0; i < binary->imports.size(); ++i) {
    const bc::Intrinsic id = *bc::FindIntrinsic(binary->imports[i]);  // Verify proved it exists
    const IntrinsicFn handler = table[static_cast<uint16_t>(id)];
    if (handler == nullptr) {
      throw std::invalid_argument(fmt::format("Link: kernel '{}': import {} '{}' has no handler in this emulator",
                                              binary->name, i, binary->imports[i]));
    }
    kernel.imports.push_back(handler);
  }
  kernel.binary = std::move(binary);
  return kernel;
}

namespace {

// How a dispatch loop ended; SwitchToExact: the fast loop got close enough to the budget to hand over.
enum class LoopEnd : uint8_t { Halted, Blocked, OutOfBudget, SwitchToExact };

// The budget is checked one of two ways. Without a jump pc only grows, so at most code.size()
// instructions run between two jumps: the fast loop (kExact = false) checks only at jumps, and only
// while the remaining budget is at least code.size(); the exact loop then finishes the slice checking
// before every instruction, so a slice never runs more than `budget` instructions. Measured on a loop
// of ALU, L1 and branch instructions (CPU time, best of 15, g++ 12 -O3): ~1.21 G instructions/s this
// way against ~1.13 G checking every instruction throughout.
//
// `limit`: for the exact loop, the budget; for the fast loop, the count it may reach at a jump and
// still continue (budget - code size).
// `base` is state.instructions when the slice began; `executed` counts this slice's completed instructions
// (a blocked CALL or a trapping instruction has not completed).
template <bool kExact>
[[gnu::always_inline]] inline LoopEnd Dispatch(const ExecutableKernel& kernel, VmState& state, KernelContext* ctx,
                                               L1View l1, uint64_t limit, uint64_t base, uint32_t& pc_ref,
                                               uint64_t& executed_ref) {
  const bc::KernelBinary& binary = *kernel.binary;
  const Instr* const code = binary.code.data();
  const uint64_t* const constants = binary.constants.data();
  const IntrinsicFn* const imports = kernel.imports.data();
  uint64_t* const r = state.regs.data();
  uint32_t pc = pc_ref;
  uint64_t executed = executed_ref;
  const auto leave = [&](LoopEnd end) {
    pc_ref = pc;
    executed_ref = executed;
    return end;
  };

  while (!kExact || executed < limit) {
    const Instr in = code[pc];
    switch (in.op) {
      case Opcode::NOP: break;
      case Opcode::LOADI: r[in.a] = in.imm; break;
      case Opcode::LOADK: r[in.a] = constants[in.imm]; break;
      case Opcode::MOV: r[in.a] = r[in.b]; break;
      case Opcode::ADD32: r[in.a] = U32(r[in.b] + r[in.c]); break;
      case Opcode::SUB32: r[in.a] = U32(r[in.b] - r[in.c]); break;
      case Opcode::MUL32: r[in.a] = U32(U32(r[in.b]) * U32(r[in.c])); break;
      case Opcode::DIVU32:
        if (U32(r[in.c]) == 0) [[unlikely]] TrapDivision(state, pc, base + executed, in.op, true);
        r[in.a] = U32(r[in.b]) / U32(r[in.c]);
        break;
      case Opcode::REMU32:
        if (U32(r[in.c]) == 0) [[unlikely]] TrapDivision(state, pc, base + executed, in.op, true);
        r[in.a] = U32(r[in.b]) % U32(r[in.c]);
        break;
      case Opcode::DIVS32:
      case Opcode::REMS32: {
        const int32_t dividend = I32(r[in.b]);
        const int32_t divisor = I32(r[in.c]);
        if (divisor == 0) [[unlikely]] TrapDivision(state, pc, base + executed, in.op, true);
        if (dividend == INT32_MIN && divisor == -1) [[unlikely]] TrapDivision(state, pc, base + executed, in.op, false);
        r[in.a] = U32(static_cast<uint32_t>(in.op == Opcode::DIVS32 ? dividend / divisor : dividend % divisor));
        break;
      }
      case Opcode::ADDI32: r[in.a] = U32(r[in.b] + in.imm); break;
      case Opcode::AND: r[in.a] = r[in.b] & r[in.c]; break;
      case Opcode::OR: r[in.a] = r[in.b] | r[in.c]; break;
      case Opcode::XOR: r[in.a] = r[in.b] ^ r[in.c]; break;
      case Opcode::SHL32: r[in.a] = U32(r[in.b] << (r[in.c] & 31)); break;
      case Opcode::SHRU32: r[in.a] = U32(r[in.b]) >> (r[in.c] & 31); break;
      case Opcode::SHRS32: r[in.a] = U32(static_cast<uint32_t>(I32(r[in.b]) >> (r[in.c] & 31))); break;
      case Opcode::NOT32: r[in.a] = U32(~r[in.b]); break;
      case Opcode::NEG32: r[in.a] = U32(0 - r[in.b]); break;
      case Opcode::ADD64: r[in.a] = r[in.b] + r[in.c]; break;
      case Opcode::SUB64: r[in.a] = r[in.b] - r[in.c]; break;
      case Opcode::MUL64: r[in.a] = r[in.b] * r[in.c]; break;
      case Opcode::DIVU64:
        if (r[in.c] == 0) [[unlikely]] TrapDivision(state, pc, base + executed, in.op, true);
        r[in.a] = r[in.b] / r[in.c];
        break;
      case Opcode::REMU64:
        if (r[in.c] == 0) [[unlikely]] TrapDivision(state, pc, base + executed, in.op, true);
        r[in.a] = r[in.b] % r[in.c];
        break;
      case Opcode::SHL64: r[in.a] = r[in.b] << (r[in.c] & 63); break;
      case Opcode::SHRU64: r[in.a] = r[in.b] >> (r[in.c] & 63); break;
      case Opcode::TRUNC32: r[in.a] = U32(r[in.b]); break;
      case Opcode::SEXT32: r[in.a] = static_cast<uint64_t>(static_cast<int64_t>(I32(r[in.b]))); break;
      case Opcode::EQ: r[in.a] = r[in.b] == r[in.c]; break;
      case Opcode::NE: r[in.a] = r[in.b] != r[in.c]; break;
      case Opcode::LTU: r[in.a] = r[in.b] < r[in.c]; break;
      case Opcode::LEU: r[in.a] = r[in.b] <= r[in.c]; break;
      case Opcode::LTS32: r[in.a] = I32(r[in.b]) < I32(r[in.c]); break;
      case Opcode::LES32: r[in.a] = I32(r[in.b]) <= I32(r[in.c]); break;
      case Opcode::LNOT: r[in.a] = r[in.b] == 0; break;
      // Verify proved imm < num_registers <= 255; the cast makes that visible to the compiler as well.
      case Opcode::SELECT: r[in.a] = r[in.b] != 0 ? r[in.c] : r[static_cast<uint8_t>(in.imm)]; break;
      case Opcode::JMP:
        pc = in.imm;
        ++executed;
        if (!kExact && executed > limit) return leave(LoopEnd::SwitchToExact);
        continue;
      case Opcode::JZ:
        ++executed;
        pc = r[in.a] == 0 ? in.imm : pc + 1;
        if (!kExact && executed > limit) return leave(LoopEnd::SwitchToExact);
        continue;
      case Opcode::JNZ:
        ++executed;
        pc = r[in.a] != 0 ? in.imm : pc + 1;
        if (!kExact && executed > limit) return leave(LoopEnd::SwitchToExact);
        continue;
      case Opcode::CALL: {
        if (ctx == nullptr) [[unlikely]] {
          Trap(state, pc, base + executed,
               fmt::format("CALL {}: no kernel context (the kernel was run without a device)", binary.imports[in.imm]));
        }
        // The handler may throw a KernelTrap or look at the context's pc (to describe what blocked), so
        // the state is brought up to date first.
        state.pc = pc;
        state.instructions = base + executed;
        uint64_t result = 0;
        if (imports[in.imm](*ctx, &r[in.b], result) == CallStatus::Block) return leave(LoopEnd::Blocked);
        if (in.a != bc::kDiscardRegister) r[in.a] = result;
        break;
      }
      case Opcode::LD32: {
        const uint32_t address = static_cast<uint32_t>(r[in.b] + in.imm);
        if ((address & 3u) != 0 || static_cast<uint64_t>(address) + 4 > l1.size) [[unlikely]] {
          TrapL1(state, pc, base + executed, in, address, l1.size);
        }
        uint32_t word;
        std::memcpy(&word, l1.data + address, sizeof(word));
        r[in.a] = word;
        break;
      }
      case Opcode::ST32: {
        const uint32_t address = static_cast<uint32_t>(r[in.b] + in.imm);
        if ((address & 3u) != 0 || static_cast<uint64_t>(address) + 4 > l1.size) [[unlikely]] {
          TrapL1(state, pc, base + executed, in, address, l1.size);
        }
        const auto word = static_cast<uint32_t>(r[in.a]);
        std::memcpy(l1.data + address, &word, sizeof(word));
        break;
      }
      case Opcode::HALT:
        ++executed;
        return leave(LoopEnd::Halted);
      default:
        Trap(state, pc, base + executed, fmt::format("invalid opcode {}", static_cast<uint32_t>(in.op)));
    }
    ++pc;
    ++executed;
  }
  return leave(LoopEnd::OutOfBudget);
}

}  // namespace

SliceEnd RunSlice(const ExecutableKernel& kernel, VmState& state, KernelContext* ctx, L1View l1, uint64_t budget) {
  // Cheap guards against an ExecutableKernel that did not come from Link (its fields are public).
  if (kernel.binary == nullptr || kernel.imports.size() != kernel.binary->imports.size()) {
    throw std::invalid_argument("RunSlice: the kernel was not linked (use emu::Link)");
  }
  const uint64_t code_size = kernel.binary->code.size();
  if (state.pc >= code_size) {
    Trap(state, state.pc, state.instructions, fmt::format("pc {} outside the kernel's {} instructions", state.pc, code_size));
  }
  const uint64_t base = state.instructions;
  uint32_t pc = state.pc;
  uint64_t executed = 0;
  LoopEnd end = LoopEnd::SwitchToExact;
  if (budget >= code_size) end = Dispatch<false>(kernel, state, ctx, l1, budget - code_size, base, pc, executed);
  if (end == LoopEnd::SwitchToExact) end = Dispatch<true>(kernel, state, ctx, l1, budget, base, pc, executed);
  state.pc = pc;
  state.instructions = base + executed;
  switch (end) {
    case LoopEnd::Halted: return SliceEnd::Halted;
    case LoopEnd::Blocked: return SliceEnd::Blocked;
    default: return SliceEnd::OutOfBudget;
  }
}

}  // namespace tilesim::emu
