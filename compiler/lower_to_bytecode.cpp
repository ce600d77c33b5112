// compiler::LowerToBytecode: the pipeline from Kernel IR to a verified KernelBinary, one step per line.
#include <string>

#include "compiler/backend/bytecode_codegen.h"
#include "compiler/passes/substitute_compile_time_args.h"
#include "tilesim/compiler.h"

namespace tilesim::compiler {
namespace {

// All verifier findings in one CompileError named after the kernel; each line carries its own location.
[[noreturn]] void ThrowInvalidKernel(const kir::Kernel& kernel, const std::vector<std::string>& errors) {
  std::string message = "invalid kernel IR (" + std::to_string(errors.size()) + " problem" +
                        (errors.size() == 1 ? "" : "s") + "):";
  for (const std::string& error : errors) message += "\n  " + error;
  throw CompileError(kernel.name.empty() ? "<unnamed kernel>" : kernel.name, message);
}

}  // namespace

bc::KernelBinary LowerToBytecode(const kir::Kernel& kernel, std::span<const uint32_t> compile_time_args) {
  kir::Kernel substituted = SubstituteCompileTimeArgs(kernel, compile_time_args);
  std::vector<std::string> errors = kir::VerifyKernel(substituted, {.compile_time_args_resolved = true});
  if (!errors.empty()) ThrowInvalidKernel(substituted, errors);
  bc::KernelBinary binary = GenerateBytecode(substituted);  // folds constants, allocates registers
  std::vector<std::string> bytecode_errors = bc::Verify(binary);
  if (!bytecode_errors.empty()) {
    std::string message = "bytecode generated for kernel '" + kernel.name + "' fails bc::Verify:";
    for (const std::string& error : bytecode_errors) message += "\n  " + error;
    throw InternalError(message);
  }
  return binary;
}

}  // namespace tilesim::compiler
