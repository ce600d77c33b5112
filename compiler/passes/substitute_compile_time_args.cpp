#include "compiler/passes/substitute_compile_time_args.h"

#include <string>

#include "compiler/kernel_ir/rewrite.h"
#include "tilesim/compiler.h"

namespace tilesim::compiler {
namespace {

bool ContainsCompileTimeArg(const kir::Stmt& stmt) {
  bool found = false;
  kir::RewriteExprsIn(stmt, [&](const kir::Expr& expr, const kir::SourceLocation&) {
    found = found || std::holds_alternative<kir::CompileTimeArgExpr>(expr->node);
    return expr;
  });
  return found;
}

}  // namespace

kir::Kernel SubstituteCompileTimeArgs(const kir::Kernel& kernel, std::span<const uint32_t> compile_time_args) {
  kir::Kernel result = kernel;
  result.body = kir::RewriteExprsIn(kernel.body, [&](const kir::Expr& expr, const kir::SourceLocation& where) {
    const auto* arg = std::get_if<kir::CompileTimeArgExpr>(&expr->node);
    if (arg == nullptr) return expr;
    if (arg->index >= compile_time_args.size()) {
      throw CompileError(DescribeLocation(kernel, where),
                         "compile-time arg " + std::to_string(arg->index) + " requested, " +
                             std::to_string(compile_time_args.size()) + " given");
    }
    return kir::MakeConst(compile_time_args[arg->index], kir::Type::U32, expr->location);
  });
  if (ContainsCompileTimeArg(result.body)) {
    throw InternalError("SubstituteCompileTimeArgs left a compile-time arg in kernel '" + kernel.name + "'");
  }
  return result;
}

}  // namespace tilesim::compiler
