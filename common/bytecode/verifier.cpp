// Verify(): every invariant the interpreter relies on, checked once per kernel so the dispatch loop does
// not have to. Like LLVM's verifier it keeps going after a problem and reports all of them at once.
#include <fmt/format.h>

#include "tilesim/bytecode/kernel_binary.h"

namespace tilesim::bc {
namespace {

class Verifier {
 public:
  explicit Verifier(const KernelBinary& kernel) : kernel_(kernel) {}

  std::vector<std::string> Run() {
    CheckHeader();
    // Resolve imports first: CALL checks need each import's signature.
    imports_.assign(kernel_.imports.size(), nullptr);
    for (uint32_t i = 0; i < kernel_.imports.size(); ++i) CheckImport(i);
    for (uint32_t pc = 0; pc < kernel_.code.size(); ++pc) CheckInstr(pc, kernel_.code[pc]);
    CheckEnding();
    CheckSourceMap();
    return std::move(problems_);
  }

 private:
  template <typename... Args>
  void Report(fmt::format_string<Args...> format, Args&&... args) {
    problems_.push_back(fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void ReportAt(uint32_t pc, fmt::format_string<Args...> format, Args&&... args) {
    problems_.push_back(fmt::format("pc {}: {}", pc, fmt::format(format, std::forward<Args>(args)...)));
  }

  void CheckHeader() {
    if (static_cast<uint32_t>(kernel_.role) >= kNumKernelRoles) {
      Report("invalid kernel role {} (expected 0..{})", static_cast<uint32_t>(kernel_.role), kNumKernelRoles - 1);
    }
    if (kernel_.num_registers > kMaxRegisters) {
      Report("num_registers {} exceeds the maximum of {}", kernel_.num_registers, kMaxRegisters);
    }
  }

  void CheckImport(uint32_t index) {
    const std::string& name = kernel_.imports[index];
    const std::optional<Intrinsic> id = FindIntrinsic(name);
    if (!id) {
      Report("import {} '{}' is not a known intrinsic", index, name);
      return;
    }
    const IntrinsicInfo& info = Info(*id);
    imports_[index] = &info;
    const bool role_known = static_cast<uint32_t>(kernel_.role) < kNumKernelRoles;
    if (role_known && !info.allowed_in(kernel_.role)) {
      Report("import {} '{}' may not be called by a {} kernel", index, name, ToString(kernel_.role));
    }
  }

  void Register(uint32_t pc, std::string_view op, char field, uint32_t reg) {
    if (reg >= kernel_.num_registers) {
      ReportAt(pc, "{} register {} = r{} out of range (kernel has {} registers)", op, field, reg, kernel_.num_registers);
    }
  }
  void Zero(uint32_t pc, std::string_view op, std::string_view field, uint32_t value) {
    if (value != 0) ReportAt(pc, "{} does not use field {}, which must be 0 but is {}", op, field, value);
  }
  void JumpTarget(uint32_t pc, std::string_view op, uint32_t target) {
    if (target >= kernel_.code.size()) {
      ReportAt(pc, "{} jump target {} out of range (code has {} instructions)", op, target, kernel_.code.size());
    }
  }

  void CheckInstr(uint32_t pc, const Instr& in) {
    const uint8_t raw = static_cast<uint8_t>(in.op);
    if (!IsValidOpcode(raw)) {
      ReportAt(pc, "invalid opcode {} (valid opcodes are 0..{})", raw, kNumOpcodes - 1);
      return;
    }
    const std::string_view op = Info(in.op).name;
    switch (Info(in.op).shape) {
      case OperandShape::None:
        Zero(pc, op, "a", in.a); Zero(pc, op, "b", in.b); Zero(pc, op, "c", in.c); Zero(pc, op, "imm", in.imm);
        break;
      case OperandShape::A_Imm:
        Register(pc, op, 'a', in.a); Zero(pc, op, "b", in.b); Zero(pc, op, "c", in.c);
        break;
      case OperandShape::A_K:
        Register(pc, op, 'a', in.a); Zero(pc, op, "b", in.b); Zero(pc, op, "c", in.c);
        if (in.imm >= kernel_.constants.size()) {
          ReportAt(pc, "{} constant index {} out of range (the pool has {} constants)", op, in.imm, kernel_.constants.size());
        }
        break;
      case OperandShape::A_B:
        Register(pc, op, 'a', in.a); Register(pc, op, 'b', in.b); Zero(pc, op, "c", in.c); Zero(pc, op, "imm", in.imm);
        break;
      case OperandShape::A_B_C:
        Register(pc, op, 'a', in.a); Register(pc, op, 'b', in.b); Register(pc, op, 'c', in.c); Zero(pc, op, "imm", in.imm);
        break;
      case OperandShape::A_B_Imm:
        Register(pc, op, 'a', in.a); Register(pc, op, 'b', in.b); Zero(pc, op, "c", in.c);
        break;
      case OperandShape::A_B_C_Imm:
        Register(pc, op, 'a', in.a); Register(pc, op, 'b', in.b); Register(pc, op, 'c', in.c);
        if (in.imm >= kernel_.num_registers) {
          ReportAt(pc, "{} register imm = r{} out of range (kernel has {} registers)", op, in.imm, kernel_.num_registers);
        }
        break;
      case OperandShape::Imm_Pc:
        Zero(pc, op, "a", in.a); Zero(pc, op, "b", in.b); Zero(pc, op, "c", in.c); JumpTarget(pc, op, in.imm);
        break;
      case OperandShape::A_Pc:
        Register(pc, op, 'a', in.a); Zero(pc, op, "b", in.b); Zero(pc, op, "c", in.c); JumpTarget(pc, op, in.imm);
        break;
      case OperandShape::Call:
        CheckCall(pc, in);
        break;
    }
  }

  void CheckCall(uint32_t pc, const Instr& in) {
    if (in.a != kDiscardRegister) Register(pc, "CALL", 'a', in.a);
    if (in.c == 0) {
      Zero(pc, "CALL (with no arguments)", "b", in.b);
    } else if (static_cast<uint32_t>(in.b) + in.c > kernel_.num_registers) {
      ReportAt(pc, "CALL argument registers r{}..r{} out of range (kernel has {} registers)", in.b, in.b + in.c - 1,
               kernel_.num_registers);
    }
    if (in.imm >= kernel_.imports.size()) {
      ReportAt(pc, "CALL import index {} out of range (the kernel has {} imports)", in.imm, kernel_.imports.size());
      return;
    }
    const IntrinsicInfo* info = imports_[in.imm];
    if (info == nullptr) return;  // an unknown import, reported once with the imports
    if (in.c != info->num_args()) {
      ReportAt(pc, "CALL {} passes {} arguments, but it takes {}", info->name, in.c, info->num_args());
    }
    if (info->result() == ValueKind::Void && in.a != kDiscardRegister) {
      ReportAt(pc, "CALL {} returns nothing, so its destination must be 255 (discard), not r{}", info->name, in.a);
    }
  }

  void CheckEnding() {
    if (kernel_.code.empty()) {
      Report("the kernel has no code (it must end in HALT or JMP)");
      return;
    }
    const uint32_t last = static_cast<uint32_t>(kernel_.code.size() - 1);
    const Opcode op = kernel_.code[last].op;
    if (op != Opcode::HALT && op != Opcode::JMP) {
      const uint8_t raw = static_cast<uint8_t>(op);
      ReportAt(last, "the last instruction is {}, but it must be HALT or JMP (execution would run off the end)",
               IsValidOpcode(raw) ? std::string(Info(op).name) : fmt::format("opcode {}", raw));
    }
  }

  void CheckSourceMap() {
    for (size_t i = 0; i < kernel_.source_map.size(); ++i) {
      const SourceMapEntry& entry = kernel_.source_map[i];
      if (i > 0 && entry.pc <= kernel_.source_map[i - 1].pc) {
        Report("source map entry {}: pc {} is not greater than the previous entry's pc {} (entries must be sorted by pc)",
               i, entry.pc, kernel_.source_map[i - 1].pc);
      }
      if (entry.pc >= kernel_.code.size()) {
        Report("source map entry {}: pc {} out of range (code has {} instructions)", i, entry.pc, kernel_.code.size());
      }
      if (entry.location.file >= kernel_.files.size()) {
        Report("source map entry {}: file index {} out of range (the kernel names {} files)", i, entry.location.file,
               kernel_.files.size());
      }
    }
  }

  const KernelBinary& kernel_;
  std::vector<const IntrinsicInfo*> imports_;  // parallel to kernel_.imports; null if unknown
  std::vector<std::string> problems_;
};

}  // namespace

std::vector<std::string> Verify(const KernelBinary& kernel) { return Verifier(kernel).Run(); }

}  // namespace tilesim::bc
