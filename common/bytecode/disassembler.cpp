// Disassemble(): a kernel as text, for `tilesim disasm`, error reports and tests. Operands are rendered
// from the opcode table's OperandShape, so a new opcode needs no change here. Never assumes the kernel
// passed Verify: bad indexes are printed as such, not followed.
#include <fmt/format.h>

#include "tilesim/bytecode/kernel_binary.h"

namespace tilesim::bc {
namespace {

// A string constant as a C string literal.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", c);
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string Target(uint32_t pc) { return fmt::format("-> {:04}", pc); }

std::string Constant(const KernelBinary& kernel, uint32_t index) {
  if (index >= kernel.constants.size()) return fmt::format("k{} = <out of range>", index);
  return fmt::format("k{} = {}", index, kernel.constants[index]);
}

std::string CallOperands(const KernelBinary& kernel, const Instr& in) {
  std::string out;
  if (in.a != kDiscardRegister) out += fmt::format("r{} = ", in.a);
  out += in.imm < kernel.imports.size() ? kernel.imports[in.imm] : fmt::format("<import {}>", in.imm);
  out += '(';
  for (uint32_t i = 0; i < in.c; ++i) out += fmt::format("{}r{}", i == 0 ? "" : ", ", in.b + i);
  return out + ')';
}

std::string Operands(const KernelBinary& kernel, const Instr& in) {
  switch (Info(in.op).shape) {
    case OperandShape::None: return "";
    case OperandShape::A_Imm: return fmt::format("r{}, {}", in.a, in.imm);
    case OperandShape::A_K: return fmt::format("r{}, {}", in.a, Constant(kernel, in.imm));
    case OperandShape::A_B: return fmt::format("r{}, r{}", in.a, in.b);
    case OperandShape::A_B_C: return fmt::format("r{}, r{}, r{}", in.a, in.b, in.c);
    // The immediate is added modulo 2^32 (ADDI32, LD32 / ST32 offsets), so -4 says what 0xfffffffc does.
    case OperandShape::A_B_Imm: return fmt::format("r{}, r{}, {}", in.a, in.b, static_cast<int32_t>(in.imm));
    case OperandShape::A_B_C_Imm: return fmt::format("r{}, r{}, r{}, r{}", in.a, in.b, in.c, in.imm);
    case OperandShape::Imm_Pc: return Target(in.imm);
    case OperandShape::A_Pc: return fmt::format("r{}, {}", in.a, Target(in.imm));
    case OperandShape::Call: return CallOperands(kernel, in);
  }
  return "";
}

std::string Instruction(const KernelBinary& kernel, uint32_t pc) {
  const Instr& in = kernel.code[pc];
  const auto raw = static_cast<uint8_t>(in.op);
  if (!IsValidOpcode(raw)) {
    return fmt::format("  {:04}  <invalid opcode {}> a={} b={} c={} imm={}\n", pc, raw, in.a, in.b, in.c, in.imm);
  }
  const std::string operands = Operands(kernel, in);
  if (operands.empty()) return fmt::format("  {:04}  {}\n", pc, Info(in.op).name);
  return fmt::format("  {:04}  {:<8} {}\n", pc, Info(in.op).name, operands);
}

std::string TrimmedLine(std::string text) {
  const size_t begin = text.find_first_not_of(" \t");
  const size_t end = text.find_last_not_of(" \t\r\n");
  if (begin == std::string::npos || end == std::string::npos) return "";
  return text.substr(begin, end - begin + 1);
}

std::string LocationComment(const KernelBinary& kernel, const SourceLocation& where, const DisassembleOptions& options) {
  const std::string file =
      where.file < kernel.files.size() ? kernel.files[where.file] : fmt::format("<file {}>", where.file);
  std::string out = fmt::format("  ; {}:{}:{}", file, where.line, where.column);
  if (options.source_line) {
    const std::string text = TrimmedLine(options.source_line(where.file, where.line));
    if (!text.empty()) out += "  " + text;
  }
  return out + '\n';
}

bool SameLocation(const SourceLocation& x, const SourceLocation& y) {
  return x.file == y.file && x.line == y.line && x.column == y.column;
}

std::string Header(const KernelBinary& kernel) {
  std::string out = fmt::format("kernel {} ({}), {} registers\n", kernel.name,
                                static_cast<uint32_t>(kernel.role) < kNumKernelRoles ? ToString(kernel.role) : "?",
                                kernel.num_registers);
  out += kernel.constants.empty() ? "constants: none\n" : "constants:\n";
  for (uint32_t i = 0; i < kernel.constants.size(); ++i) {
    out += fmt::format("  k{} = {} (0x{:x})\n", i, kernel.constants[i], kernel.constants[i]);
  }
  out += kernel.strings.empty() ? "strings: none\n" : "strings:\n";
  for (uint32_t i = 0; i < kernel.strings.size(); ++i) out += fmt::format("  s{} = {}\n", i, Quote(kernel.strings[i]));
  out += kernel.imports.empty() ? "imports: none\n" : "imports:\n";
  for (uint32_t i = 0; i < kernel.imports.size(); ++i) out += fmt::format("  i{} = {}\n", i, kernel.imports[i]);
  out += fmt::format("code: {} instructions\n", kernel.code.size());
  return out;
}

}  // namespace

std::string Disassemble(const KernelBinary& kernel, const DisassembleOptions& options) {
  std::string out = Header(kernel);
  SourceLocation shown{};  // line 0: nothing shown yet
  for (uint32_t pc = 0; pc < kernel.code.size(); ++pc) {
    if (options.show_source) {
      const SourceLocation where = kernel.LocationOf(pc);
      if (where.line != 0 && !SameLocation(where, shown)) out += LocationComment(kernel, where, options);
      shown = where;
    }
    out += Instruction(kernel, pc);
  }
  return out;
}

}  // namespace tilesim::bc
