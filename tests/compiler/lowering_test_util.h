// Compile a Kernel IR kernel and run it on the bytecode interpreter, with an L1 of its own and no
// device (so the kernel may make no intrinsic calls), to check what the lowered code computes.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "emulator/vm/interpreter.h"
#include "tilesim/compiler.h"

namespace tilesim::compiler::testing {

struct L1Memory {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(4096, 0);

  uint32_t Word(uint32_t address) const {
    uint32_t value = 0;
    std::memcpy(&value, bytes.data() + address, sizeof(value));
    return value;
  }
  uint64_t Word64(uint32_t address) const { return Word(address) | uint64_t{Word(address + 4)} << 32; }
  void SetWord(uint32_t address, uint32_t value) { std::memcpy(bytes.data() + address, &value, sizeof(value)); }
};

// Runs `binary` to completion over `l1` (throws emu::KernelTrap on a trap); fails the test if it does
// not halt within `budget` instructions.
inline void RunBinary(const bc::KernelBinary& binary, L1Memory& l1, uint64_t budget = 1'000'000) {
  static const std::array<emu::IntrinsicFn, bc::kNumIntrinsics> kNoHandlers{};
  emu::ExecutableKernel executable = emu::Link(std::make_shared<bc::KernelBinary>(binary), kNoHandlers.data());
  emu::VmState state;
  emu::L1View view{l1.bytes.data(), static_cast<uint32_t>(l1.bytes.size())};
  EXPECT_EQ(emu::RunSlice(executable, state, nullptr, view, budget), emu::SliceEnd::Halted)
      << "kernel " << binary.name << " did not halt";
}

// Lowers and runs `kernel`; returns the L1 it left.
inline L1Memory Run(const kir::Kernel& kernel, L1Memory l1 = {}, std::span<const uint32_t> compile_time_args = {}) {
  RunBinary(LowerToBytecode(kernel, compile_time_args), l1);
  return l1;
}

}  // namespace tilesim::compiler::testing
