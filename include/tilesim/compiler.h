// The compiler's public entry points for Kernel IR: print it, verify it, lower it to bytecode.
//
//   kir::Kernel kernel = builder.Build();            // or a front end's output
//   std::cout << compiler::Print(kernel);
//   bc::KernelBinary binary = compiler::LowerToBytecode(kernel, compile_time_args);
//
// Two error families: a CompileError is a mistake in the kernel being compiled (it names file:line:col
// and what is wrong); an InternalError is a bug in the compiler itself and should be reported as such.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "tilesim/bytecode/kernel_binary.h"
#include "tilesim/kernel_ir.h"

namespace tilesim::kir {

// C-like text of the kernel, one statement per line, stable enough to compare with golden strings:
//   const uint32_t n = get_arg_val_0;
//   for (uint32_t i = 0; i < n; i += 1) { ... }
// Broken IR (null nodes, unknown variables) prints placeholders such as <null> instead of failing.
std::string Print(const Kernel& kernel);
std::string Print(const Kernel& kernel, const Expr& expr);  // one expression, as it appears in Print

struct VerifyOptions {
  // The kernel is about to be lowered: every CompileTimeArgExpr must already have been substituted.
  bool compile_time_args_resolved = false;
};

// Every broken invariant of the kernel, one message each, prefixed with "file:line:col: " when the node
// has a location (the kernel's name otherwise); empty when the kernel is well formed. Checks: null
// nodes; variables used before their declaration, out of scope, or declared twice in one scope; type
// annotations that disagree with the C++ rules of kernel_ir.h; a void intrinsic used as a value;
// intrinsic argument counts and roles; assignment to a const variable or a for-loop variable;
// break / continue outside a loop; non-32-bit load / store addresses; source locations naming a file
// the kernel does not have; compile-time args left when `options` says they must be gone.
std::vector<std::string> VerifyKernel(const Kernel& kernel, const VerifyOptions& options = {});

}  // namespace tilesim::kir

namespace tilesim::compiler {

using kir::Print;
using kir::VerifyKernel;

// A mistake in the kernel being compiled. what() is "<where>: <message>".
class CompileError : public std::runtime_error {
 public:
  CompileError(std::string where, std::string message);
  const std::string& where() const noexcept { return where_; }      // "file:line:col", or the kernel name
  const std::string& message() const noexcept { return message_; }  // what is wrong, without the location

 private:
  std::string where_;
  std::string message_;
};

// A bug in the compiler (it produced something it should never produce). what() starts with
// "internal compiler error: ".
class InternalError : public std::logic_error {
 public:
  explicit InternalError(const std::string& message);
};

// "file:line:col" (or "file:line" without a column) of `location` in `kernel`; the kernel's name when
// the location is unknown (line 0). A file index the kernel does not have prints as "<file N>".
std::string DescribeLocation(const kir::Kernel& kernel, const kir::SourceLocation& location);

// Compiles one kernel to bytecode: substitutes the compile-time args, verifies the IR, folds constants,
// allocates registers and emits code that bc::Verify accepts. Throws CompileError for anything wrong in
// the kernel (a compile-time arg index out of range, invalid IR, more than bc::kMaxRegisters live
// values) and InternalError if the compiler's own output fails bc::Verify.
bc::KernelBinary LowerToBytecode(const kir::Kernel& kernel, std::span<const uint32_t> compile_time_args = {});

}  // namespace tilesim::compiler
