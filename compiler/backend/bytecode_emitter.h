// Appends instructions to a KernelBinary and keeps its side tables: the constant pool, the imports, the
// source map, and forward jumps waiting for their target.
#pragma once

#include <cstdint>
#include <map>

#include "tilesim/bytecode/kernel_binary.h"

namespace tilesim::compiler {

class BytecodeEmitter {
 public:
  explicit BytecodeEmitter(bc::KernelBinary& binary) : binary_(binary) {}

  // Instructions emitted from now on come from `location` (line 0: keep the previous one).
  void SetLocation(const bc::SourceLocation& location) { location_ = location; }
  const bc::SourceLocation& location() const { return location_; }

  // Appends an instruction and returns its pc.
  uint32_t Emit(bc::Opcode op, uint8_t a = 0, uint8_t b = 0, uint8_t c = 0, uint32_t imm = 0);
  uint32_t pc() const { return static_cast<uint32_t>(binary_.code.size()); }

  // A jump whose target is patched later with PatchTarget; returns its pc.
  uint32_t EmitJump(bc::Opcode op, uint8_t reg = 0) { return Emit(op, reg, 0, 0, 0); }
  void PatchTarget(uint32_t jump_pc, uint32_t target) { binary_.code.at(jump_pc).imm = target; }

  // R[reg] = value: LOADI when it fits 32 bits, else LOADK from the (deduplicated) constant pool.
  void LoadConstant(uint8_t reg, uint64_t value);

  // The import index of `intrinsic`, adding it on first use.
  uint32_t Import(bc::Intrinsic intrinsic);

 private:
  bc::KernelBinary& binary_;
  bc::SourceLocation location_;
  std::map<uint64_t, uint32_t> constant_index_;
  std::map<bc::Intrinsic, uint32_t> import_index_;
};

}  // namespace tilesim::compiler
