// Lowering of statements. Kernel IR has while, a counted for (var < end, var += step), if, break,
// continue and return; C++'s other loop shapes are built from them:
//  - for (init; cond; step) becomes a kir ForStmt when it is the counted shape and its body leaves the
//    variable alone; otherwise a while loop, with a `first` flag that runs the step at the loop head when
//    the body has a continue (so that continue still runs the step);
//  - do { body } while (cond) becomes while (first || cond) { first = false; body };
//  - switch becomes a while (true) { ...; break; } holding one `if (matched || value == case)` per group of
//    labels, so that fallthrough and break keep their meaning; a continue inside it goes through a flag;
//  - a condition whose evaluation needs statements (an inlined helper call) is evaluated inside the loop.
#include "compiler/frontends/metalium/lowering.h"

namespace tilesim::metalium {
namespace {

bool IsLoop(ast::StmtKind kind) {
  return kind == ast::StmtKind::For || kind == ast::StmtKind::While || kind == ast::StmtKind::DoWhile ||
         kind == ast::StmtKind::RangeFor;
}

template <typename Visit>
void ForEachChild(const ast::Stmt& stmt, const Visit& visit) {
  for (const ast::StmtPtr& s : stmt.body) visit(*s);
  if (stmt.init) visit(*stmt.init);
  if (stmt.then_branch) visit(*stmt.then_branch);
  if (stmt.else_branch) visit(*stmt.else_branch);
}

// A continue that belongs to the loop whose body is `stmt` (not to a loop nested in it).
bool HasOwnContinue(const ast::Stmt& stmt) {
  if (stmt.kind == ast::StmtKind::Continue) return true;
  if (IsLoop(stmt.kind)) return false;
  bool found = false;
  ForEachChild(stmt, [&](const ast::Stmt& child) { found = found || HasOwnContinue(child); });
  return found;
}

// Does the expression modify or take the address of variable `name`?
bool ExprTouches(const ast::Expr& expr, const std::string& name) {
  auto is_name = [&](const ast::Expr& e) {
    return e.kind == ast::ExprKind::Name && e.name.parts.size() == 1 && e.name.parts[0] == name;
  };
  if (expr.kind == ast::ExprKind::Unary && (expr.op == "++" || expr.op == "--" || expr.op == "post++" ||
                                            expr.op == "post--" || expr.op == "&") &&
      is_name(*expr.operands[0])) {
    return true;
  }
  if (expr.kind == ast::ExprKind::Binary && expr.op.size() >= 1 && expr.op.back() == '=' && expr.op != "==" &&
      expr.op != "!=" && expr.op != "<=" && expr.op != ">=" && is_name(*expr.operands[0])) {
    return true;
  }
  if (expr.kind == ast::ExprKind::Call) {
    // A helper may take it by reference: any call with the bare name as an argument counts.
    for (size_t i = 1; i < expr.operands.size(); ++i) {
      if (is_name(*expr.operands[i]) && expr.operands[0]->kind == ast::ExprKind::Name) return true;
    }
  }
  for (const ast::ExprPtr& operand : expr.operands) {
    if (operand && ExprTouches(*operand, name)) return true;
  }
  return false;
}

bool StmtTouches(const ast::Stmt& stmt, const std::string& name) {
  if (stmt.expr && ExprTouches(*stmt.expr, name)) return true;
  if (stmt.step && ExprTouches(*stmt.step, name)) return true;
  for (const ast::VarDecl& d : stmt.decls) {
    if (d.name == name) return true;  // shadowed: keep it simple and use the general loop
    if (d.init && ExprTouches(*d.init, name)) return true;
    for (const ast::ExprPtr& a : d.ctor_args) {
      if (ExprTouches(*a, name)) return true;
    }
  }
  bool found = false;
  ForEachChild(stmt, [&](const ast::Stmt& child) { found = found || StmtTouches(child, name); });
  return found;
}

bool IsName(const ast::Expr& e, const std::string& name) {
  return e.kind == ast::ExprKind::Name && e.name.parts.size() == 1 && e.name.parts[0] == name &&
         !e.name.has_template_args;
}

}  // namespace

kir::Stmt Lowerer::LowerBody(const ast::Stmt& stmt) {
  PushBlock();
  PushScope();
  if (stmt.kind == ast::StmtKind::Compound) {
    for (const ast::StmtPtr& s : stmt.body) LowerStmt(*s);
  } else {
    LowerStmt(stmt);
  }
  PopScope();
  return PopBlock(stmt.pos);
}

void Lowerer::LowerStmt(const ast::Stmt& stmt) {
  const SourcePos& pos = stmt.pos;
  switch (stmt.kind) {
    case ast::StmtKind::Compound: Emit(LowerBody(stmt)); return;
    case ast::StmtKind::Decl:
      for (const ast::VarDecl& decl : stmt.decls) LowerVarDecl(decl, false);
      return;
    case ast::StmtKind::Expr: LowerExpr(*stmt.expr); return;
    case ast::StmtKind::If: {
      const kir::Expr cond = ToBool(LowerExpr(*stmt.expr), pos);
      if (stmt.is_constexpr) {
        if (std::optional<uint64_t> known = ConstantValue(cond)) {
          // Only the branch taken is compiled, as in C++.
          if (*known != 0) {
            Emit(LowerBody(*stmt.then_branch));
          } else if (stmt.else_branch) {
            Emit(LowerBody(*stmt.else_branch));
          }
          return;
        }
        if (has_compile_time_args() || !IsPureExpr(cond)) RequireConstant(cond, "an 'if constexpr' condition", pos);
        // Without the compile-time args the condition stays in the IR; LowerToBytecode keeps one branch.
      }
      kir::Stmt then_body = LowerBody(*stmt.then_branch);
      kir::Stmt else_body = stmt.else_branch ? LowerBody(*stmt.else_branch) : nullptr;
      Emit(kir::MakeStmt(kir::IfStmt{cond, then_body, else_body}, Loc(pos)));
      return;
    }
    case ast::StmtKind::For: LowerFor(stmt); return;
    case ast::StmtKind::RangeFor: Error(pos, "unsupported: range-based for loops");
    case ast::StmtKind::While: LowerWhile(stmt); return;
    case ast::StmtKind::DoWhile: LowerDoWhile(stmt); return;
    case ast::StmtKind::Switch: LowerSwitch(stmt); return;
    case ast::StmtKind::Case:
    case ast::StmtKind::Default: Error(pos, "case label outside a switch");
    case ast::StmtKind::Break:
    case ast::StmtKind::Continue: LowerBreakContinue(stmt); return;
    case ast::StmtKind::Return: LowerReturn(stmt); return;
    case ast::StmtKind::Empty: return;
    case ast::StmtKind::StaticAssert: LowerStaticAssert(stmt); return;
    case ast::StmtKind::Goto: Error(pos, "unsupported: goto");
    case ast::StmtKind::Label: Error(pos, "unsupported: labels");
    case ast::StmtKind::Asm: Error(pos, "unsupported: inline assembly");
  }
}

void Lowerer::EmitReturnCheck(const ControlFrame& frame, const SourcePos& pos) {
  if (!frame.return_inside) return;
  // A return inside the loop left it with the function's `returned` flag set: leave the next level too.
  const kir::SourceLocation loc = Loc(pos);
  Emit(kir::MakeStmt(kir::IfStmt{kir::MakeVar(kernel_, *functions_.back().returned, loc), kir::MakeStmt(kir::BreakStmt{}, loc), nullptr}, loc));
}

Lowerer::ControlFrame Lowerer::EmitLoop(Lowered cond, Lowered step, const ast::Stmt& body, const SourcePos& pos) {
  const kir::SourceLocation loc = Loc(pos);
  const bool first_flag = HasOwnContinue(body) && !step.stmts.empty();
  std::optional<kir::VarId> first;
  if (first_flag) {
    first = NewVar("first", kir::Type::Bool, false);
    Emit(kir::MakeStmt(kir::LetStmt{*first, Const(1, kir::Type::Bool, pos)}, loc));
  }
  PushBlock();
  if (first_flag) {
    // The step runs at the head of every iteration but the first, so that continue runs it too.
    Emit(kir::MakeStmt(kir::IfStmt{kir::MakeUnary(kir::UnaryOp::LogicalNot, kir::MakeVar(kernel_, *first, loc), loc),
                                   kir::MakeStmt(kir::SeqStmt{step.stmts}, loc), nullptr}, loc));
    Emit(kir::MakeStmt(kir::AssignStmt{*first, Const(0, kir::Type::Bool, pos)}, loc));
  }
  for (const kir::Stmt& s : cond.stmts) Emit(s);
  const kir::Expr cond_value = ToBool(cond.value, pos);
  const bool simple = cond.stmts.empty() && !first_flag;
  if (!simple && ConstantValue(cond_value) != 1u) {
    Emit(kir::MakeStmt(kir::IfStmt{kir::MakeUnary(kir::UnaryOp::LogicalNot, cond_value, loc), kir::MakeStmt(kir::BreakStmt{}, loc), nullptr}, loc));
  }
  controls_.push_back(ControlFrame{});
  Emit(LowerBody(body));
  const ControlFrame frame = controls_.back();
  controls_.pop_back();
  if (!first_flag) {
    for (const kir::Stmt& s : step.stmts) Emit(s);
  }
  kir::Stmt loop = PopBlock(pos);
  Emit(kir::MakeStmt(kir::WhileStmt{simple ? cond_value : Const(1, kir::Type::Bool, pos), loop}, loc));
  return frame;
}

void Lowerer::LowerFor(const ast::Stmt& stmt) {
  const SourcePos& pos = stmt.pos;
  const kir::SourceLocation loc = Loc(pos);
  const ast::Stmt& body = *stmt.then_branch;
  PushBlock();
  PushScope();
  // The counted shape: for (T i = begin; i < end; ++i / i++ / i += step), the body leaving i alone.
  const ast::VarDecl* iv = nullptr;
  if (stmt.init && stmt.init->kind == ast::StmtKind::Decl && stmt.init->decls.size() == 1) {
    const ast::VarDecl& d = stmt.init->decls[0];
    if (d.array_dims.empty() && !d.type.is_reference && !d.type.is_static && !d.type.is_const &&
        d.type.pointer_depth == 0 && d.init != nullptr && d.init->kind != ast::ExprKind::InitList &&
        d.init_kind == ast::VarDecl::Init::Equals) {
      iv = &d;
    }
  }
  const ast::Expr* end_expr = nullptr;
  const ast::Expr* step_expr = nullptr;
  bool counted = iv != nullptr && stmt.expr && stmt.step && stmt.expr->kind == ast::ExprKind::Binary &&
                 stmt.expr->op == "<" && IsName(*stmt.expr->operands[0], iv->name);
  if (counted) {
    end_expr = stmt.expr->operands[1].get();
    const ast::Expr& s = *stmt.step;
    if (s.kind == ast::ExprKind::Unary && (s.op == "++" || s.op == "post++") && IsName(*s.operands[0], iv->name)) {
      step_expr = nullptr;
    } else if (s.kind == ast::ExprKind::Binary && s.op == "+=" && IsName(*s.operands[0], iv->name)) {
      step_expr = s.operands[1].get();
    } else {
      counted = false;
    }
    counted = counted && !ExprTouches(*end_expr, iv->name) &&
              (step_expr == nullptr || !ExprTouches(*step_expr, iv->name)) && !StmtTouches(body, iv->name);
  }
  ControlFrame frame;
  if (counted) {
    Type type = ResolveType(iv->type);
    const Value begin = LowerExpr(*iv->init);
    if (type.kind == Type::Kind::Auto) type = DeduceAuto(begin);
    if (type.kind != Type::Kind::Scalar) Error(iv->pos, "unsupported: a loop variable of type " + type.Describe());
    auto entity = std::make_shared<Entity>();
    entity->kind = Entity::Kind::Var;
    entity->name = iv->name;
    entity->pos = iv->pos;
    entity->ctype = type.scalar;
    entity->var = NewVar(iv->name, KirType(type.scalar), false);
    const kir::Expr begin_expr = Convert(begin, type.scalar, iv->pos);
    Declare(iv->name, entity, iv->pos);
    Lowered end = LowerDetached(*end_expr);
    Lowered step = step_expr ? LowerDetached(*step_expr) : Lowered{{}, Value::Scalar(Const(1, kir::Type::I32, pos))};
    const bool wide = type.scalar == CType::I32 || type.scalar == CType::U32 || type.scalar == CType::U64;
    if (wide && end.stmts.empty() && step.stmts.empty() && end.value.kind == Value::Kind::Scalar &&
        step.value.kind == Value::Kind::Scalar) {
      controls_.push_back(ControlFrame{});
      kir::Stmt loop_body = LowerBody(body);
      frame = controls_.back();
      controls_.pop_back();
      const kir::Expr step_value = Convert(step.value, type.scalar, pos);
      Emit(kir::MakeStmt(kir::ForStmt{entity->var, begin_expr, end.value.expr, step_value, loop_body}, loc));
    } else {
      // Not a counted loop after all: the variable is declared here and the loop is the general one.
      Emit(kir::MakeStmt(kir::LetStmt{entity->var, begin_expr}, Loc(iv->pos)));
      const Value var = ReadEntity(entity, pos);
      end.value = Arithmetic("<", var, end.value, pos);
      LValue place;
      place.entity = entity;
      place.pos = pos;
      place.name = entity->name;
      PushBlock();
      for (const kir::Stmt& s : step.stmts) Emit(s);
      Store(place, Arithmetic("+", var, step.value, pos), pos);
      step.stmts = std::move(blocks_.back());
      blocks_.pop_back();
      frame = EmitLoop(std::move(end), std::move(step), body, pos);
    }
  } else {
    if (stmt.init) LowerStmt(*stmt.init);
    Lowered cond = stmt.expr ? LowerDetached(*stmt.expr) : Lowered{{}, Value::Scalar(Const(1, kir::Type::Bool, pos))};
    Lowered step = stmt.step ? LowerDetached(*stmt.step) : Lowered{};
    frame = EmitLoop(std::move(cond), std::move(step), body, pos);
  }
  PopScope();
  Emit(PopBlock(pos));
  EmitReturnCheck(frame, pos);
}

void Lowerer::LowerWhile(const ast::Stmt& stmt) {
  Lowered cond = LowerDetached(*stmt.expr);
  const ControlFrame frame = EmitLoop(std::move(cond), Lowered{}, *stmt.then_branch, stmt.pos);
  EmitReturnCheck(frame, stmt.pos);
}

void Lowerer::LowerDoWhile(const ast::Stmt& stmt) {
  const SourcePos& pos = stmt.pos;
  const kir::SourceLocation loc = Loc(pos);
  PushBlock();
  const kir::VarId first = NewVar("first", kir::Type::Bool, false);
  Emit(kir::MakeStmt(kir::LetStmt{first, Const(1, kir::Type::Bool, pos)}, loc));
  controls_.push_back(ControlFrame{});
  kir::Stmt body = LowerBody(*stmt.then_branch);
  const ControlFrame frame = controls_.back();
  controls_.pop_back();
  Lowered cond = LowerDetached(*stmt.expr);
  const kir::Expr first_ref = kir::MakeVar(kernel_, first, loc);
  const kir::Stmt clear_first = kir::MakeStmt(kir::AssignStmt{first, Const(0, kir::Type::Bool, pos)}, loc);
  if (cond.stmts.empty()) {
    const kir::Expr head = kir::MakeBinary(kir::BinaryOp::LogicalOr, first_ref, ToBool(cond.value, pos), loc);
    Emit(kir::MakeStmt(kir::WhileStmt{head, kir::MakeStmt(kir::SeqStmt{{clear_first, body}}, loc)}, loc));
  } else {
    cond.stmts.push_back(kir::MakeStmt(kir::IfStmt{kir::MakeUnary(kir::UnaryOp::LogicalNot, ToBool(cond.value, pos), loc),
                                                   kir::MakeStmt(kir::BreakStmt{}, loc), nullptr}, loc));
    const kir::Stmt check = kir::MakeStmt(kir::IfStmt{kir::MakeUnary(kir::UnaryOp::LogicalNot, first_ref, loc),
                                                      kir::MakeStmt(kir::SeqStmt{std::move(cond.stmts)}, loc), nullptr}, loc);
    Emit(kir::MakeStmt(kir::WhileStmt{Const(1, kir::Type::Bool, pos), kir::MakeStmt(kir::SeqStmt{{check, clear_first, body}}, loc)}, loc));
  }
  Emit(PopBlock(pos));
  EmitReturnCheck(frame, pos);
}

void Lowerer::LowerSwitch(const ast::Stmt& stmt) {
  const SourcePos& pos = stmt.pos;
  const kir::SourceLocation loc = Loc(pos);
  const Value scrutinee = LowerExpr(*stmt.expr);
  if (scrutinee.kind != Value::Kind::Scalar) Error(pos, "a switch needs an integer, not " + scrutinee.Describe());
  const kir::Expr promoted = scrutinee.ctype == CType::Bool ? kir::MakeCast(kir::Type::I32, scrutinee.expr, loc) : scrutinee.expr;
  const CType case_type = CTypeOf(promoted.type());
  const ast::Stmt& body = *stmt.then_branch;
  if (body.kind != ast::StmtKind::Compound) Error(body.pos, "unsupported: a switch whose body is not a block");
  // Groups: the labels, then the statements up to the next label.
  struct Group {
    std::vector<kir::Expr> values;
    bool is_default = false;
    std::vector<const ast::Stmt*> stmts;
    SourcePos pos;
  };
  std::vector<Group> groups;
  std::vector<uint64_t> seen;
  bool has_default = false;
  bool in_labels = false;
  for (const ast::StmtPtr& s : body.body) {
    if (s->kind == ast::StmtKind::Case || s->kind == ast::StmtKind::Default) {
      if (!in_labels) groups.push_back(Group{{}, false, {}, s->pos});
      in_labels = true;
      if (s->kind == ast::StmtKind::Default) {
        if (has_default) Error(s->pos, "more than one default label in the switch");
        has_default = true;
        groups.back().is_default = true;
        continue;
      }
      const kir::Expr value = Convert(LowerExpr(*s->expr), case_type, s->pos);
      const uint64_t v = RequireConstant(value, "a case value", s->pos);
      for (uint64_t other : seen) {
        if (other == v) Error(s->pos, "duplicate case value " + std::to_string(v));
      }
      seen.push_back(v);
      groups.back().values.push_back(Const(v, KirType(case_type), s->pos));
      continue;
    }
    in_labels = false;
    if (groups.empty()) Error(s->pos, "a statement before the first case label is never run");
    groups.back().stmts.push_back(s.get());
  }
  PushBlock();
  const kir::Expr value = Let("switch_value", promoted, pos);
  const kir::VarId matched = NewVar("matched", kir::Type::Bool, false);
  Emit(kir::MakeStmt(kir::LetStmt{matched, Const(0, kir::Type::Bool, pos)}, loc));
  ControlFrame frame;
  frame.kind = ControlFrame::Kind::Switch;
  if (HasOwnContinue(body)) {
    frame.continue_flag = NewVar("continue_loop", kir::Type::Bool, false);
    Emit(kir::MakeStmt(kir::LetStmt{*frame.continue_flag, Const(0, kir::Type::Bool, pos)}, loc));
  }
  kir::Expr any = Const(0, kir::Type::Bool, pos);
  for (const Group& g : groups) {
    for (const kir::Expr& c : g.values) any = kir::MakeBinary(kir::BinaryOp::LogicalOr, any, kir::MakeBinary(kir::BinaryOp::Eq, value, c, loc), loc);
  }
  controls_.push_back(frame);
  PushBlock();
  for (const Group& g : groups) {
    kir::Expr cond = kir::MakeVar(kernel_, matched, loc);
    for (const kir::Expr& c : g.values) cond = kir::MakeBinary(kir::BinaryOp::LogicalOr, cond, kir::MakeBinary(kir::BinaryOp::Eq, value, c, loc), loc);
    if (g.is_default) cond = kir::MakeBinary(kir::BinaryOp::LogicalOr, cond, kir::MakeUnary(kir::UnaryOp::LogicalNot, any, loc), loc);
    PushBlock();
    PushScope();
    Emit(kir::MakeStmt(kir::AssignStmt{matched, Const(1, kir::Type::Bool, pos)}, loc));
    for (const ast::Stmt* s : g.stmts) LowerStmt(*s);
    PopScope();
    Emit(kir::MakeStmt(kir::IfStmt{cond, PopBlock(g.pos), nullptr}, Loc(g.pos)));
  }
  Emit(kir::MakeStmt(kir::BreakStmt{}, loc));
  kir::Stmt wrapper = PopBlock(pos);
  frame = controls_.back();
  controls_.pop_back();
  Emit(kir::MakeStmt(kir::WhileStmt{Const(1, kir::Type::Bool, pos), wrapper}, loc));
  EmitReturnCheck(frame, pos);
  if (frame.continue_flag) {
    // Still inside the block that declares the flag.
    PushBlock();
    EmitContinue(pos);
    kir::Stmt go_on = PopBlock(pos);
    Emit(kir::MakeStmt(kir::IfStmt{kir::MakeVar(kernel_, *frame.continue_flag, loc), go_on, nullptr}, loc));
  }
  Emit(PopBlock(pos));
}

void Lowerer::EmitContinue(const SourcePos& pos) {
  const kir::SourceLocation loc = Loc(pos);
  const size_t base = control_base_.back();
  size_t loop = controls_.size();
  while (loop > base && controls_[loop - 1].kind != ControlFrame::Kind::Loop) --loop;
  if (loop == base) Error(pos, "'continue' outside a loop");
  if (loop == controls_.size()) {
    Emit(kir::MakeStmt(kir::ContinueStmt{}, loc));
    return;
  }
  // Inside a switch: leave it with its flag set; after it, the continue is taken.
  ControlFrame& inner = controls_.back();
  if (!inner.continue_flag) Error(pos, "internal: a continue inside a switch without its flag");
  Emit(kir::MakeStmt(kir::AssignStmt{*inner.continue_flag, Const(1, kir::Type::Bool, pos)}, loc));
  Emit(kir::MakeStmt(kir::BreakStmt{}, loc));
}

void Lowerer::LowerBreakContinue(const ast::Stmt& stmt) {
  const bool is_break = stmt.kind == ast::StmtKind::Break;
  if (controls_.size() == control_base_.back()) {
    Error(stmt.pos, is_break ? "'break' outside a loop or switch" : "'continue' outside a loop");
  }
  if (is_break) {
    Emit(kir::MakeStmt(kir::BreakStmt{}, Loc(stmt.pos)));
  } else {
    EmitContinue(stmt.pos);
  }
}

void Lowerer::LowerReturn(const ast::Stmt& stmt) {
  const SourcePos& pos = stmt.pos;
  const kir::SourceLocation loc = Loc(pos);
  FunctionFrame& f = functions_.back();
  if (f.is_entry) {
    if (stmt.expr) Error(pos, "kernel_main returns void");
    Emit(kir::MakeStmt(kir::ReturnStmt{}, loc));
    return;
  }
  const std::string& name = f.decl->name;
  if (stmt.expr) {
    if (f.return_type.kind == Type::Kind::Void) {
      const Value v = LowerExpr(*stmt.expr);
      if (v.kind != Value::Kind::Void) Error(pos, "'" + name + "' returns void but this return has a value");
    } else {
      StoreResult(f, *stmt.expr, pos);
    }
  } else if (f.return_type.kind != Type::Kind::Void) {
    Error(pos, "'" + name + "' must return a " + f.return_type.Describe());
  }
  if (&stmt == f.trailing_return) return;
  const size_t base = control_base_.back();
  if (controls_.size() > base) {
    for (size_t i = base; i < controls_.size(); ++i) controls_[i].return_inside = true;
    Emit(kir::MakeStmt(kir::AssignStmt{*f.returned, Const(1, kir::Type::Bool, pos)}, loc));
  }
  Emit(kir::MakeStmt(kir::BreakStmt{}, loc));
}

}  // namespace tilesim::metalium
