// Pass: replaces every get_compile_time_arg_val(i) with the constant compile_time_args[i].
//
// Compile-time args are fixed when a program is built (CreateKernel's compile_args), so after this pass
// they are ordinary uint32_t constants that constant folding can see through. Throws
// compiler::CompileError at the first index out of range: "compile-time arg 3 requested, 2 given".
// Post-condition: no CompileTimeArgExpr is left in the kernel.
#pragma once

#include <cstdint>
#include <span>

#include "tilesim/kernel_ir.h"

namespace tilesim::compiler {

kir::Kernel SubstituteCompileTimeArgs(const kir::Kernel& kernel, std::span<const uint32_t> compile_time_args);

}  // namespace tilesim::compiler
