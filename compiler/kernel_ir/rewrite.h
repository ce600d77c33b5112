// Rebuilding Kernel IR trees: nodes are immutable, so a pass that changes an expression rebuilds the path
// from it to the root and shares every untouched subtree.
#pragma once

#include <functional>

#include "tilesim/kernel_ir.h"

namespace tilesim::kir {

// Called bottom-up on every expression node, after its operands were rewritten; `expr` already holds the
// rewritten operands. `where` is the nearest known source location: the node's own, else that of the
// closest enclosing expression or statement that has one (for error messages). Returns the node to use
// instead (or `expr` itself to keep it).
using ExprRewriter = std::function<Expr(const Expr& expr, const SourceLocation& where)>;

// Rewrites every expression of the tree. Null nodes are kept as they are (the verifier reports them).
// `where`: the location to assume for nodes without one.
Expr RewriteExpr(const Expr& expr, const ExprRewriter& rewrite, const SourceLocation& where = {});
Stmt RewriteExprsIn(const Stmt& stmt, const ExprRewriter& rewrite, const SourceLocation& where = {});

}  // namespace tilesim::kir
