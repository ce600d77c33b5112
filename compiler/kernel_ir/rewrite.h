// Rebuilding Kernel IR trees: nodes are immutable, so a pass that changes an expression rebuilds the path
// from it to the root and shares every untouched subtree.
#pragma once

#include <functional>

#include "tilesim/kernel_ir.h"

namespace tilesim::kir {

// Called bottom-up on every expression node, after its operands were rewritten; `expr` already holds the
// rewritten operands. Returns the node to use instead (or `expr` itself to keep it).
using ExprRewriter = std::function<Expr(const Expr& expr)>;

// Rewrites every expression of the tree. Null nodes are kept as they are (the verifier reports them).
Expr RewriteExpr(const Expr& expr, const ExprRewriter& rewrite);
Stmt RewriteExprsIn(const Stmt& stmt, const ExprRewriter& rewrite);

}  // namespace tilesim::kir
