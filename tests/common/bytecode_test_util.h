// Hand-assembling kernels for the bytecode and VM tests: an instruction maker and a kernel maker.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "tilesim/bytecode/kernel_binary.h"

namespace tilesim::bc::testing {

constexpr Instr I(Opcode op, uint8_t a = 0, uint8_t b = 0, uint8_t c = 0, uint32_t imm = 0) {
  return Instr{op, a, b, c, imm};
}

// A CALL of import `import` with `argc` arguments in r[first_arg..], the result in `dest` (255: none).
constexpr Instr Call(uint8_t dest, uint32_t import, uint8_t first_arg, uint8_t argc) {
  return Instr{Opcode::CALL, dest, first_arg, argc, import};
}

inline KernelBinary MakeKernel(std::vector<Instr> code, uint32_t num_registers = 8,
                               KernelRole role = KernelRole::DataMovement0) {
  KernelBinary kernel;
  kernel.name = "test_kernel";
  kernel.role = role;
  kernel.num_registers = num_registers;
  kernel.code = std::move(code);
  return kernel;
}

}  // namespace tilesim::bc::testing
