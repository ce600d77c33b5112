// A compiled kernel: the single contract between the compiler and the emulator.
//
// The compiler produces a KernelBinary; the emulator only runs one that Verify() accepted. On disk it is
// a versioned little-endian file (".tsb"): see docs/bytecode.md for the byte layout.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "tilesim/bytecode/intrinsics.h"
#include "tilesim/bytecode/opcodes.h"
#include "tilesim/kernel_role.h"

namespace tilesim::bc {

inline constexpr char kMagic[4] = {'T', 'S', 'B', 'C'};
inline constexpr uint16_t kFormatVersion = 1;

struct SourceLocation {
  uint32_t file = 0;  // index into KernelBinary::files
  uint32_t line = 0;  // 1-based; 0 = unknown
  uint32_t column = 0;
};

// From `pc` up to the next entry's pc, instructions come from `location`. Entries are sorted by pc.
struct SourceMapEntry {
  uint32_t pc = 0;
  SourceLocation location;
};

struct KernelBinary {
  std::string name;                      // e.g. "reader_gemm"
  KernelRole role = KernelRole::DataMovement0;
  uint32_t num_registers = 0;            // registers 0..num_registers-1 are used
  std::vector<Instr> code;
  std::vector<uint64_t> constants;       // LOADK pool
  std::vector<std::string> strings;      // DPRINT string constants
  std::vector<std::string> imports;      // intrinsic names; CALL's imm indexes this
  std::vector<std::string> files;        // source file names for the source map
  std::vector<SourceMapEntry> source_map;

  // The source location of instruction `pc`, or a location with line 0 if none is recorded.
  SourceLocation LocationOf(uint32_t pc) const;
  // "file:line:col" of instruction `pc` ("file:line" when the column is 0), or "<name>+pc" when the map
  // has nothing for it.
  std::string DescribeLocation(uint32_t pc) const;
};

// A malformed or truncated .tsb file; the message names the byte offset and what was expected.
class BytecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::vector<uint8_t> Serialize(const KernelBinary& kernel);
// Throws BytecodeError on anything malformed; never reads out of bounds. Does not Verify().
KernelBinary Deserialize(std::span<const uint8_t> bytes);
void SaveToFile(const KernelBinary& kernel, const std::string& path);   // throws std::runtime_error on I/O failure
KernelBinary LoadFromFile(const std::string& path);                     // throws BytecodeError / runtime_error

// Every broken invariant, one message each ("pc 12: jump target 99 out of range (code has 40 instructions)");
// empty when the kernel is well formed: opcodes valid, registers < num_registers <= kMaxRegisters, jump
// targets in range, constant / string / import indexes in range, imports name known intrinsics allowed
// for the role, CALL argument counts match the signature, the code ends in HALT or JMP, source map
// sorted and its file indexes in range.
std::vector<std::string> Verify(const KernelBinary& kernel);

struct DisassembleOptions {
  bool show_source = true;  // a "; file:line:col" comment wherever the location changes
  // If set, returns the text of line `line` of file `file` (KernelBinary::files index), printed after the
  // location comment; an empty result prints nothing.
  std::function<std::string(uint32_t file, uint32_t line)> source_line;
};
std::string Disassemble(const KernelBinary& kernel, const DisassembleOptions& options = {});

}  // namespace tilesim::bc
