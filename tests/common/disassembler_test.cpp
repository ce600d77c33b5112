// Disassemble(): the exact text for a small kernel.
#include <gtest/gtest.h>

#include <string>

#include "common/bytecode_test_util.h"

namespace tilesim::bc {
namespace {

using testing::Call;
using testing::I;
using testing::MakeKernel;

KernelBinary TinyReader() {
  KernelBinary kernel = MakeKernel({
      I(Opcode::LOADI, 0, 0, 0, 0),
      I(Opcode::LOADK, 1, 0, 0, 0),
      Call(2, 0, 0, 1),
      I(Opcode::ST32, 1, 2, 0, 0xfffffffcu),
      I(Opcode::JZ, 2, 0, 0, 6),
      Call(kDiscardRegister, 1, 0, 2),
      I(Opcode::HALT),
  }, 4);
  kernel.name = "reader_tiny";
  kernel.constants = {0x100000000ull};
  kernel.strings = {"tile\n"};
  kernel.imports = {"get_write_ptr", "cb_push_back"};
  kernel.files = {"reader.cpp"};
  kernel.source_map = {{0, {0, 3, 5}}, {2, {0, 4, 7}}, {5, {0, 3, 5}}};
  return kernel;
}

std::string SourceLine(uint32_t file, uint32_t line) {
  if (file != 0) return "";
  if (line == 3) return "    uint32_t cb = 0;";
  if (line == 4) return "  uint32_t l1 = get_write_ptr(cb);\n";
  return "";
}

TEST(Disassembler, SmallKernelWithSourceLines) {
  DisassembleOptions options;
  options.source_line = SourceLine;
  const std::string expected =
      "kernel reader_tiny (reader), 4 registers\n"
      "constants:\n"
      "  k0 = 4294967296 (0x100000000)\n"
      "strings:\n"
      "  s0 = \"tile\\n\"\n"
      "imports:\n"
      "  i0 = get_write_ptr\n"
      "  i1 = cb_push_back\n"
      "code: 7 instructions\n"
      "  ; reader.cpp:3:5  uint32_t cb = 0;\n"
      "  0000  LOADI    r0, 0\n"
      "  0001  LOADK    r1, k0 = 4294967296\n"
      "  ; reader.cpp:4:7  uint32_t l1 = get_write_ptr(cb);\n"
      "  0002  CALL     r2 = get_write_ptr(r0)\n"
      "  0003  ST32     r1, r2, -4\n"
      "  0004  JZ       r2, -> 0006\n"
      "  ; reader.cpp:3:5  uint32_t cb = 0;\n"
      "  0005  CALL     cb_push_back(r0, r1)\n"
      "  0006  HALT\n";
  EXPECT_EQ(Disassemble(TinyReader(), options), expected);
}

TEST(Disassembler, WithoutSourceShowsOnlyInstructions) {
  DisassembleOptions options;
  options.show_source = false;
  const std::string text = Disassemble(TinyReader(), options);
  EXPECT_EQ(text.find(';'), std::string::npos) << text;
  EXPECT_NE(text.find("  0004  JZ       r2, -> 0006\n"), std::string::npos) << text;
}

TEST(Disassembler, EmptyPoolsAndEveryShape) {
  KernelBinary kernel = MakeKernel({
      I(Opcode::NOP),
      I(Opcode::MOV, 1, 2),
      I(Opcode::SUB64, 1, 2, 3),
      I(Opcode::SELECT, 0, 1, 2, 3),
      I(Opcode::ADDI32, 4, 4, 0, 16),
      Call(0, 0, 0, 0),
      I(Opcode::JMP, 0, 0, 0, 0),
  }, 5, KernelRole::Compute);
  kernel.name = "shapes";
  kernel.imports = {"get_absolute_logical_x"};
  const std::string expected =
      "kernel shapes (compute), 5 registers\n"
      "constants: none\n"
      "strings: none\n"
      "imports:\n"
      "  i0 = get_absolute_logical_x\n"
      "code: 7 instructions\n"
      "  0000  NOP\n"
      "  0001  MOV      r1, r2\n"
      "  0002  SUB64    r1, r2, r3\n"
      "  0003  SELECT   r0, r1, r2, r3\n"
      "  0004  ADDI32   r4, r4, 16\n"
      "  0005  CALL     r0 = get_absolute_logical_x()\n"
      "  0006  JMP      -> 0000\n";
  EXPECT_EQ(Disassemble(kernel), expected);
}

TEST(Disassembler, PrintsBadIndexesOfAnUnverifiedKernelWithoutFollowingThem) {
  KernelBinary kernel = MakeKernel({
      I(static_cast<Opcode>(250), 1, 2, 3, 4),
      I(Opcode::LOADK, 0, 0, 0, 7),
      Call(0, 3, 1, 2),
  });
  kernel.source_map = {{1, {5, 9, 2}}};
  const std::string expected =
      "code: 3 instructions\n"
      "  0000  <invalid opcode 250> a=1 b=2 c=3 imm=4\n"
      "  ; <file 5>:9:2\n"
      "  0001  LOADK    r0, k7 = <out of range>\n"
      "  0002  CALL     r0 = <import 3>(r1, r2)\n";
  const std::string text = Disassemble(kernel);
  EXPECT_EQ(text.substr(text.find("code:")), expected);
}

}  // namespace
}  // namespace tilesim::bc
