#include "compiler/backend/bytecode_emitter.h"

#include <string>

namespace tilesim::compiler {
namespace {

bool SameLocation(const bc::SourceLocation& a, const bc::SourceLocation& b) {
  return a.file == b.file && a.line == b.line && a.column == b.column;
}

}  // namespace

uint32_t BytecodeEmitter::Emit(bc::Opcode op, uint8_t a, uint8_t b, uint8_t c, uint32_t imm) {
  uint32_t at = pc();
  // A source map entry wherever the location changes; instructions of unknown origin (line 0) keep the
  // entry before them.
  if (location_.line != 0 &&
      (binary_.source_map.empty() || !SameLocation(binary_.source_map.back().location, location_))) {
    binary_.source_map.push_back(bc::SourceMapEntry{at, location_});
  }
  binary_.code.push_back(bc::Instr{op, a, b, c, imm});
  return at;
}

void BytecodeEmitter::LoadConstant(uint8_t reg, uint64_t value) {
  if (value <= 0xffffffffull) {
    Emit(bc::Opcode::LOADI, reg, 0, 0, static_cast<uint32_t>(value));
    return;
  }
  auto [it, inserted] = constant_index_.try_emplace(value, static_cast<uint32_t>(binary_.constants.size()));
  if (inserted) binary_.constants.push_back(value);
  Emit(bc::Opcode::LOADK, reg, 0, 0, it->second);
}

uint32_t BytecodeEmitter::Import(bc::Intrinsic intrinsic) {
  auto [it, inserted] = import_index_.try_emplace(intrinsic, static_cast<uint32_t>(binary_.imports.size()));
  if (inserted) binary_.imports.emplace_back(bc::Info(intrinsic).name);
  return it->second;
}

}  // namespace tilesim::compiler
