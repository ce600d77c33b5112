#include "compiler/kernel_ir/rewrite.h"

#include <memory>
#include <utility>

namespace tilesim::kir {
namespace {

bool Same(const Expr& a, const Expr& b) { return a.get() == b.get(); }

SourceLocation Nearest(const SourceLocation& own, const SourceLocation& enclosing) {
  return own.line != 0 ? own : enclosing;
}

Expr Rebuild(const Expr& original, decltype(ExprNode::node) node) {
  return Expr(std::make_shared<const ExprNode>(ExprNode{original->type, original->location, std::move(node)}));
}

// `expr` with its operands rewritten; the same node when none changed.
Expr RewriteOperands(const Expr& expr, const ExprRewriter& rewrite, const SourceLocation& where) {
  const auto& node = expr->node;
  if (const auto* u = std::get_if<UnaryExpr>(&node)) {
    Expr operand = RewriteExpr(u->operand, rewrite, where);
    return Same(operand, u->operand) ? expr : Rebuild(expr, UnaryExpr{u->op, operand});
  }
  if (const auto* b = std::get_if<BinaryExpr>(&node)) {
    Expr lhs = RewriteExpr(b->lhs, rewrite, where);
    Expr rhs = RewriteExpr(b->rhs, rewrite, where);
    return Same(lhs, b->lhs) && Same(rhs, b->rhs) ? expr : Rebuild(expr, BinaryExpr{b->op, lhs, rhs});
  }
  if (const auto* s = std::get_if<SelectExpr>(&node)) {
    Expr cond = RewriteExpr(s->cond, rewrite, where);
    Expr if_true = RewriteExpr(s->if_true, rewrite, where);
    Expr if_false = RewriteExpr(s->if_false, rewrite, where);
    bool same = Same(cond, s->cond) && Same(if_true, s->if_true) && Same(if_false, s->if_false);
    return same ? expr : Rebuild(expr, SelectExpr{cond, if_true, if_false});
  }
  if (const auto* c = std::get_if<CastExpr>(&node)) {
    Expr operand = RewriteExpr(c->operand, rewrite, where);
    return Same(operand, c->operand) ? expr : Rebuild(expr, CastExpr{operand});
  }
  if (const auto* call = std::get_if<CallExpr>(&node)) {
    std::vector<Expr> args;
    bool same = true;
    for (const Expr& arg : call->args) {
      args.push_back(RewriteExpr(arg, rewrite, where));
      same = same && Same(args.back(), arg);
    }
    return same ? expr : Rebuild(expr, CallExpr{call->intrinsic, std::move(args)});
  }
  if (const auto* load = std::get_if<LoadExpr>(&node)) {
    Expr address = RewriteExpr(load->address, rewrite, where);
    return Same(address, load->address) ? expr : Rebuild(expr, LoadExpr{address});
  }
  return expr;  // leaves: constants, variables, compile-time args
}

Stmt Rebuild(const Stmt& original, decltype(StmtNode::node) node) {
  return std::make_shared<const StmtNode>(StmtNode{original->location, std::move(node)});
}

}  // namespace

Expr RewriteExpr(const Expr& expr, const ExprRewriter& rewrite, const SourceLocation& enclosing) {
  if (!expr.defined()) return expr;
  SourceLocation where = Nearest(expr->location, enclosing);
  return rewrite(RewriteOperands(expr, rewrite, where), where);
}

Stmt RewriteExprsIn(const Stmt& stmt, const ExprRewriter& rewrite, const SourceLocation& enclosing) {
  if (stmt == nullptr) return stmt;
  const auto& node = stmt->node;
  SourceLocation where = Nearest(stmt->location, enclosing);
  auto expr = [&](const Expr& e) { return RewriteExpr(e, rewrite, where); };
  auto sub = [&](const Stmt& s) { return RewriteExprsIn(s, rewrite, where); };
  if (const auto* let = std::get_if<LetStmt>(&node)) return Rebuild(stmt, LetStmt{let->var, expr(let->value)});
  if (const auto* a = std::get_if<AssignStmt>(&node)) return Rebuild(stmt, AssignStmt{a->var, expr(a->value)});
  if (const auto* s = std::get_if<StoreStmt>(&node)) return Rebuild(stmt, StoreStmt{expr(s->address), expr(s->value)});
  if (const auto* e = std::get_if<EvaluateStmt>(&node)) return Rebuild(stmt, EvaluateStmt{expr(e->call)});
  if (const auto* seq = std::get_if<SeqStmt>(&node)) {
    std::vector<Stmt> stmts;
    stmts.reserve(seq->stmts.size());
    for (const Stmt& child : seq->stmts) stmts.push_back(sub(child));
    return Rebuild(stmt, SeqStmt{std::move(stmts)});
  }
  if (const auto* f = std::get_if<ForStmt>(&node)) {
    return Rebuild(stmt, ForStmt{f->var, expr(f->begin), expr(f->end), expr(f->step), sub(f->body)});
  }
  if (const auto* w = std::get_if<WhileStmt>(&node)) return Rebuild(stmt, WhileStmt{expr(w->cond), sub(w->body)});
  if (const auto* i = std::get_if<IfStmt>(&node)) {
    return Rebuild(stmt, IfStmt{expr(i->cond), sub(i->then_body), sub(i->else_body)});
  }
  return stmt;  // break, continue, return
}

}  // namespace tilesim::kir
