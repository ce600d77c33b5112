// The tilesim bytecode instruction set: one table, one line per opcode.
//
// A kernel runs on a register machine of up to 256 registers, each 64 bits. Instructions are 64 bits:
//
//     | op:8 | a:8 | b:8 | c:8 | imm:32 |
//
// R[x] is register x, K[x] is constant-pool entry x, imm is the 32-bit immediate. 32-bit operations
// ("32" in the name) read the low 32 bits of their operands and write a zero-extended 32-bit result, so
// a register holding a uint32_t always has its high half clear. Comparisons write 0 or 1. Jump targets
// are absolute instruction indexes. Traps (division by zero, L1 access out of bounds or unaligned) stop
// the kernel with an error naming its core, kernel and source location.
//
// The dispatcher, the disassembler and the verifier all read this table; add an opcode here and nowhere
// else. Columns: name, operand shape (which fields are registers, see OperandShape), meaning.
#pragma once

#include <cstdint>
#include <string_view>

// clang-format off
#define TILESIM_OPCODES(X)                                                                          \
  X(NOP,    None,     "do nothing")                                                                 \
  X(LOADI,  A_Imm,    "R[a] = imm (zero-extended)")                                                 \
  X(LOADK,  A_K,      "R[a] = K[imm] (64-bit constant)")                                           \
  X(MOV,    A_B,      "R[a] = R[b]")                                                                \
  X(ADD32,  A_B_C,    "R[a] = u32(R[b] + R[c])")                                                    \
  X(SUB32,  A_B_C,    "R[a] = u32(R[b] - R[c])")                                                    \
  X(MUL32,  A_B_C,    "R[a] = u32(R[b] * R[c])")                                                    \
  X(DIVU32, A_B_C,    "R[a] = u32(R[b]) / u32(R[c]); traps on division by zero")                    \
  X(REMU32, A_B_C,    "R[a] = u32(R[b]) % u32(R[c]); traps on division by zero")                    \
  X(DIVS32, A_B_C,    "R[a] = u32(i32(R[b]) / i32(R[c])); traps on zero and INT_MIN / -1")          \
  X(REMS32, A_B_C,    "R[a] = u32(i32(R[b]) % i32(R[c])); traps on zero and INT_MIN % -1")          \
  X(ADDI32, A_B_Imm,  "R[a] = u32(R[b] + imm)")                                                     \
  X(AND,    A_B_C,    "R[a] = R[b] & R[c] (64-bit)")                                                \
  X(OR,     A_B_C,    "R[a] = R[b] | R[c] (64-bit)")                                                \
  X(XOR,    A_B_C,    "R[a] = R[b] ^ R[c] (64-bit)")                                                \
  X(SHL32,  A_B_C,    "R[a] = u32(R[b] << (R[c] & 31))")                                            \
  X(SHRU32, A_B_C,    "R[a] = u32(R[b]) >> (R[c] & 31)")                                            \
  X(SHRS32, A_B_C,    "R[a] = u32(i32(R[b]) >> (R[c] & 31))")                                       \
  X(NOT32,  A_B,      "R[a] = u32(~R[b])")                                                          \
  X(NEG32,  A_B,      "R[a] = u32(-R[b])")                                                          \
  X(ADD64,  A_B_C,    "R[a] = R[b] + R[c] (64-bit, wraps)")                                         \
  X(SUB64,  A_B_C,    "R[a] = R[b] - R[c] (64-bit, wraps)")                                         \
  X(MUL64,  A_B_C,    "R[a] = R[b] * R[c] (64-bit, wraps)")                                         \
  X(DIVU64, A_B_C,    "R[a] = R[b] / R[c] (64-bit); traps on division by zero")                     \
  X(REMU64, A_B_C,    "R[a] = R[b] % R[c] (64-bit); traps on division by zero")                     \
  X(SHL64,  A_B_C,    "R[a] = R[b] << (R[c] & 63)")                                                 \
  X(SHRU64, A_B_C,    "R[a] = R[b] >> (R[c] & 63)")                                                 \
  X(TRUNC32,A_B,      "R[a] = R[b] & 0xffffffff (uint64_t -> uint32_t)")                            \
  X(SEXT32, A_B,      "R[a] = u64(i64(i32(R[b]))) (int32_t -> int64_t / uint64_t)")                 \
  X(EQ,     A_B_C,    "R[a] = R[b] == R[c] (64-bit)")                                               \
  X(NE,     A_B_C,    "R[a] = R[b] != R[c] (64-bit)")                                               \
  X(LTU,    A_B_C,    "R[a] = R[b] < R[c] (unsigned 64-bit; exact for zero-extended u32 too)")      \
  X(LEU,    A_B_C,    "R[a] = R[b] <= R[c] (unsigned 64-bit)")                                      \
  X(LTS32,  A_B_C,    "R[a] = i32(R[b]) < i32(R[c])")                                               \
  X(LES32,  A_B_C,    "R[a] = i32(R[b]) <= i32(R[c])")                                              \
  X(LNOT,   A_B,      "R[a] = R[b] == 0")                                                           \
  X(SELECT, A_B_C_Imm,"R[a] = R[b] != 0 ? R[c] : R[imm] (imm names a register)")                    \
  X(JMP,    Imm_Pc,   "pc = imm")                                                                   \
  X(JZ,     A_Pc,     "if R[a] == 0: pc = imm")                                                     \
  X(JNZ,    A_Pc,     "if R[a] != 0: pc = imm")                                                     \
  X(CALL,   Call,     "R[a] = intrinsic imports[imm](R[b], ..., R[b+c-1]); a = 255 discards")       \
  X(LD32,   A_B_Imm,  "R[a] = u32 at L1 address u32(R[b] + imm); traps if unaligned or outside L1")  \
  X(ST32,   A_B_Imm,  "u32 at L1 address u32(R[b] + imm) = u32(R[a]); traps as LD32")               \
  X(HALT,   None,     "the kernel returns")
// clang-format on

namespace tilesim::bc {

enum class Opcode : uint8_t {
#define TILESIM_OPCODE_ENUM(name, shape, doc) name,
  TILESIM_OPCODES(TILESIM_OPCODE_ENUM)
#undef TILESIM_OPCODE_ENUM
};

inline constexpr uint32_t kNumOpcodes = 0
#define TILESIM_OPCODE_COUNT(name, shape, doc) +1
    TILESIM_OPCODES(TILESIM_OPCODE_COUNT)
#undef TILESIM_OPCODE_COUNT
    ;

// Which instruction fields an opcode reads as what; drives the verifier and the disassembler.
enum class OperandShape : uint8_t {
  None,       // no operands
  A_Imm,      // a: destination register, imm: value
  A_K,        // a: destination register, imm: constant-pool index
  A_B,        // a: destination, b: source register
  A_B_C,      // a: destination, b and c: source registers
  A_B_Imm,    // a: register (destination, or value for ST32), b: source register, imm: value / offset
  A_B_C_Imm,  // SELECT: a destination, b, c and imm source registers
  Imm_Pc,     // imm: jump target
  A_Pc,       // a: source register, imm: jump target
  Call,       // a: destination or 255, b: first argument register, c: argument count, imm: import index
};

inline constexpr uint8_t kDiscardRegister = 255;  // CALL's a when the result is not kept
inline constexpr uint32_t kMaxRegisters = 255;     // registers 0..254; 255 is kDiscardRegister

struct OpcodeInfo {
  std::string_view name;
  OperandShape shape;
  std::string_view meaning;
};

inline constexpr OpcodeInfo kOpcodeInfo[] = {
#define TILESIM_OPCODE_INFO(name, shape, doc) {#name, OperandShape::shape, doc},
    TILESIM_OPCODES(TILESIM_OPCODE_INFO)
#undef TILESIM_OPCODE_INFO
};

constexpr const OpcodeInfo& Info(Opcode op) { return kOpcodeInfo[static_cast<uint8_t>(op)]; }
constexpr bool IsValidOpcode(uint8_t raw) { return raw < kNumOpcodes; }

struct Instr {
  Opcode op = Opcode::NOP;
  uint8_t a = 0;
  uint8_t b = 0;
  uint8_t c = 0;
  uint32_t imm = 0;
};
static_assert(sizeof(Instr) == 8);

}  // namespace tilesim::bc
