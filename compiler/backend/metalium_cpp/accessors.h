// Where the Metalium C++ printer declares the address generators behind get_noc_addr_interleaved.
//
// Kernel IR holds interleaved addressing flattened: get_noc_addr_interleaved(page, base, page_size,
// is_dram, offset) (intrinsics.def). Metalium spells it with an object, so the printer puts the object
// back:
//  - TensorAccessor, when page_size is get_compile_time_arg_val(N + 1) and is_dram reads bit 1 (IsDram) of
//    get_compile_time_arg_val(N), which is what `TensorAccessor(TensorAccessorArgs<N>(), base)` lowers to;
//  - InterleavedAddrGen<is_dram> {.bank_base_address = base, .page_size = page_size} otherwise, which needs
//    is_dram to be known at compile time (a constant or an expression of compile-time args).
// One object serves every call with the same (base, page_size, is_dram). It is declared as early as its
// fields allow: right after the declaration of the last variable they read (a For variable: at the top of
// its loop body), or at the top of the kernel when they read none. A field reading a variable that is
// assigned somewhere cannot be hoisted: the object is then declared just before the statement using it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tilesim/kernel_ir.h"

namespace tilesim::compiler::metalium_cpp {

struct AccessorDecl {
  enum class Kind : uint8_t { TensorAccessor, InterleavedAddrGen };
  Kind kind = Kind::TensorAccessor;
  uint32_t args_offset = 0;  // TensorAccessor: N of TensorAccessorArgs<N>
  kir::Expr base;
  kir::Expr page_size;       // InterleavedAddrGen only
  kir::Expr is_dram;         // InterleavedAddrGen only: a pure expression
};

struct AccessorPlan {
  std::vector<AccessorDecl> decls;
  // Which declaration each get_noc_addr_interleaved call (by node) uses.
  std::map<const kir::ExprNode*, uint32_t> decl_of_call;
  // Where declarations go, in the order they must be printed.
  std::vector<uint32_t> at_top;                                     // the kernel's first statements
  std::map<const kir::StmtNode*, std::vector<uint32_t>> after;      // after this Let
  std::map<const kir::StmtNode*, std::vector<uint32_t>> loop_top;   // at the top of this For's body
  std::map<const kir::StmtNode*, std::vector<uint32_t>> before;     // just before this statement
};

// Plans the declarations for every get_noc_addr_interleaved call of `kernel`. Throws CompileError naming the
// call's location when no Metalium construct expresses it (a run-time is_dram flag, or a field that reads a
// mutable variable in a loop condition).
AccessorPlan PlanAccessors(const kir::Kernel& kernel);

// `expr` is the IsDram bit of get_compile_time_arg_val(n) in one of the spellings front ends produce:
// (cta(n) >> 1) & 1, (cta(n) & 2) != 0 (possibly cast to uint32_t), (cta(n) & 2) >> 1. Returns n.
std::optional<uint32_t> IsDramBitOf(const kir::Expr& expr);

// Structural equality of two expressions (same node kinds, types, values, variables, intrinsics).
bool SameExpr(const kir::Expr& a, const kir::Expr& b);

// Whether the expression reads only constants and compile-time args.
bool IsCompileTimeExpr(const kir::Expr& expr);

}  // namespace tilesim::compiler::metalium_cpp
