// Code generation from Kernel IR to bytecode: the last step of compiler::LowerToBytecode.
//
// Register convention: registers are a stack. A variable gets the next free register when it is
// declared and gives it back when its block ends; the temporaries of a statement sit above the
// variables and are all given back when the statement ends, so registers are reused from one
// statement to the next. An operation computes its first operand straight into its own destination,
// so a left-deep chain (a + b + c + ...) needs one register however long it is; a right-deep one needs
// one per level. Every register holds its value in canonical form: uint32_t and int32_t as the 32-bit
// pattern with the high half clear (what the 32-bit opcodes write), uint64_t as is, bool as 0/1.
//
// Conversions follow C++: i32 -> u64 sign-extends (SEXT32), u64 -> 32 bits truncates (TRUNC32), anything
// -> bool compares with zero (NE); the others keep the bits.
#pragma once

#include "tilesim/bytecode/kernel_binary.h"
#include "tilesim/kernel_ir.h"

namespace tilesim::compiler {

// Bytecode for `kernel`, which must pass kir::VerifyKernel with compile_time_args_resolved. Throws
// CompileError when more than bc::kMaxRegisters registers would be live at once; InternalError when the
// kernel breaks an invariant the verifier guarantees. Does not run bc::Verify (the caller does).
bc::KernelBinary GenerateBytecode(const kir::Kernel& kernel);

}  // namespace tilesim::compiler
