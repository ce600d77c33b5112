// Lowering of calls: the kernel API (builtins_*.cpp), constructors of its objects, and helper functions,
// which are inlined at each call with their template arguments bound.
//
// An inlined helper's body is a block in the caller. A `return` that is not the body's last statement
// leaves through a while (true) { body; break; } wrapper: `break` there, and from inside loops a
// `returned` flag that each loop checks after it ends.
#include "compiler/frontends/metalium/builtin_names.h"
#include "compiler/frontends/metalium/builtins.h"
#include "compiler/frontends/metalium/lowering.h"

namespace tilesim::metalium {
namespace {

constexpr int kMaxCallDepth = 64;

template <typename Visit>
void ForEachChild(const ast::Stmt& stmt, const Visit& visit) {
  for (const ast::StmtPtr& s : stmt.body) visit(*s);
  if (stmt.init) visit(*stmt.init);
  if (stmt.then_branch) visit(*stmt.then_branch);
  if (stmt.else_branch) visit(*stmt.else_branch);
}

bool HasOtherReturn(const ast::Stmt& stmt, const ast::Stmt* trailing) {
  if (stmt.kind == ast::StmtKind::Return) return &stmt != trailing;
  bool found = false;
  ForEachChild(stmt, [&](const ast::Stmt& child) { found = found || HasOtherReturn(child, trailing); });
  return found;
}

bool ReturnInsideControl(const ast::Stmt& stmt, bool inside) {
  if (stmt.kind == ast::StmtKind::Return) return inside;
  const bool control = stmt.kind == ast::StmtKind::For || stmt.kind == ast::StmtKind::While ||
                       stmt.kind == ast::StmtKind::DoWhile || stmt.kind == ast::StmtKind::Switch ||
                       stmt.kind == ast::StmtKind::RangeFor;
  bool found = false;
  ForEachChild(stmt, [&](const ast::Stmt& child) { found = found || ReturnInsideControl(child, inside || control); });
  return found;
}

size_t RequiredParams(const ast::FunctionDecl& f) {
  size_t required = 0;
  for (const ast::Param& p : f.params) {
    if (p.default_value == nullptr) ++required;
  }
  return required;
}

}  // namespace

// ---- BuiltinCall ----

const Value& BuiltinCall::Arg(size_t i) {
  if (i >= args.size()) lowerer->Error(pos, "'" + name + "' needs argument " + std::to_string(i + 1));
  if (!cache[i]) {
    const ast::Expr& arg = *args[i];
    if (arg.kind == ast::ExprKind::InitList) lowerer->Error(arg.pos, "an initialiser list is not a value here");
    const size_t mark = lowerer->blocks_.back().size();
    Value v = lowerer->LowerExpr(arg);
    if (lowerer->blocks_.back().size() > mark) {
      // This argument ran statements: the arguments already evaluated keep their values from before.
      for (std::optional<Value>& other : cache) {
        if (other) lowerer->MaterializeIfNeeded(*other, mark, pos);
      }
    }
    cache[i] = std::move(v);
  }
  return *cache[i];
}

kir::Expr BuiltinCall::U32(size_t i) { return lowerer->ToU32(Arg(i), args[i]->pos); }
kir::Expr BuiltinCall::U64(size_t i) { return lowerer->ToU64(Arg(i), args[i]->pos); }

kir::Expr BuiltinCall::U32Or(size_t i, uint32_t default_value) {
  return i < args.size() ? U32(i) : lowerer->Const(default_value, kir::Type::U32, pos);
}

void BuiltinCall::RequireArgs(size_t min, size_t max) const {
  if (args.size() >= min && args.size() <= max) return;
  std::string expected = min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
  lowerer->Error(pos, "'" + name + "' takes " + expected + " argument" + (max == 1 ? "" : "s") + ", " +
                          std::to_string(args.size()) + " given");
}

std::optional<uint64_t> BuiltinCall::TemplateValue(size_t i) {
  if (template_args == nullptr || i >= template_args->size()) return std::nullopt;
  const ast::TemplateArg& arg = (*template_args)[i];
  if (arg.expr == nullptr) return std::nullopt;
  const Value v = lowerer->LowerExpr(*arg.expr);
  return lowerer->RequireConstant(lowerer->ToU64(v, arg.expr->pos), "template argument " + std::to_string(i + 1) + " of '" + name + "'",
                                  arg.expr->pos);
}

// ---- Calls ----

Value Lowerer::CallBuiltin(const std::string& name, const ast::Expr& call, const std::vector<ast::TemplateArg>* targs,
                           std::optional<Value> receiver) {
  BuiltinCall c;
  c.lowerer = this;
  c.name = name;
  c.pos = call.pos;
  c.template_args = targs;
  for (size_t i = 1; i < call.operands.size(); ++i) c.args.push_back(call.operands[i].get());
  c.cache.resize(c.args.size());
  if (receiver) {
    c.receiver = std::move(receiver);
    return ObjectMethod(c);
  }
  const BuiltinHandler* handler = FindBuiltin(name);
  if (handler == nullptr) Error(call.pos, "unknown function '" + name + "'");
  return (*handler)(c);
}

Value Lowerer::LowerCall(const ast::Expr& expr) {
  const ast::Expr& callee = *expr.operands[0];
  const SourcePos& pos = expr.pos;
  if (callee.kind == ast::ExprKind::Member) {
    if (callee.arrow) Error(callee.pos, "unsupported: '->' (pointers address integers in L1, not objects)");
    const Value base = LowerExpr(*callee.operands[0]);
    if (base.kind != Value::Kind::Object) {
      Error(callee.pos, "unsupported: calling member '" + callee.text + "' of " + base.Describe() + " (structs have no member functions)");
    }
    return CallBuiltin(callee.text, expr, callee.name.has_template_args ? &callee.name.template_args : nullptr, base);
  }
  if (callee.kind != ast::ExprKind::Name) Error(pos, "this expression cannot be called");
  const ast::QualifiedName& name = callee.name;
  const std::vector<ast::TemplateArg>* targs = name.has_template_args ? &name.template_args : nullptr;
  if (EntityPtr entity = Lookup(name)) {
    if (entity->kind == Entity::Kind::Functions) return CallFunction(entity->functions, expr, targs);
    if (entity->kind == Entity::Kind::TypeName) {
      std::vector<const ast::Expr*> args;
      for (size_t i = 1; i < expr.operands.size(); ++i) args.push_back(expr.operands[i].get());
      const Type& type = entity->type;
      if (type.kind == Type::Kind::Scalar || type.kind == Type::Kind::Pointer) {
        if (args.size() != 1) Error(pos, "a functional cast takes exactly one value");
        return CastTo(type, LowerExpr(*args[0]), "convert", pos);
      }
      if (type.kind == Type::Kind::Object) return ConstructObject(type, nullptr, args, pos);
      if (type.kind == Type::Kind::Struct) {
        EntityPtr temp = MakeStorage(type.struct_decl->name, type, pos, false);
        if (args.size() > temp->elements.size()) Error(pos, "too many initialisers for struct '" + type.struct_decl->name + "'");
        for (size_t i = 0; i < args.size(); ++i) {
          Type field_type;
          const EntityPtr& field = temp->elements[i];
          if (field->kind == Entity::Kind::Var) {
            field_type.kind = field->is_pointer ? Type::Kind::Pointer : Type::Kind::Scalar;
            field_type.scalar = field->ctype;
          }
          InitializeFrom(field, field_type, args[i], pos);
        }
        return ReadEntity(temp, pos);
      }
      Error(pos, "cannot construct " + type.Describe());
    }
    Error(pos, "'" + name.str() + "' is not a function");
  }
  bool builtin_scope = true;
  for (size_t i = 0; i + 1 < name.parts.size(); ++i) builtin_scope = builtin_scope && IsBuiltinNamespace(name.parts[i]);
  if (builtin_scope) {
    if (std::optional<Type> type = FindBuiltinType(name.last(), pos, diag_)) {
      std::vector<const ast::Expr*> args;
      for (size_t i = 1; i < expr.operands.size(); ++i) args.push_back(expr.operands[i].get());
      type->object_template_args = name.template_args;
      if (type->kind == Type::Kind::Object) return ConstructObject(*type, nullptr, args, pos);
      if (type->kind == Type::Kind::Scalar) {
        if (args.size() != 1) Error(pos, "a functional cast takes exactly one value");
        return CastTo(*type, LowerExpr(*args[0]), "convert", pos);
      }
    }
  }
  if (name.parts.size() > 1 && !builtin_scope && FindBuiltin(name.last()) == nullptr) {
    Error(pos, "unknown function '" + name.str() + "'");
  }
  return CallBuiltin(name.last(), expr, targs, std::nullopt);
}

Value Lowerer::CallFunction(const std::vector<const ast::FunctionDecl*>& overloads, const ast::Expr& call,
                            const std::vector<ast::TemplateArg>* template_args) {
  const SourcePos& pos = call.pos;
  const size_t nargs = call.operands.size() - 1;
  const std::string& fname = overloads.front()->name;
  std::vector<const ast::FunctionDecl*> candidates;
  bool any_definition = false;
  for (const ast::FunctionDecl* f : overloads) {
    if (f->body == nullptr) continue;
    any_definition = true;
    if (nargs <= f->params.size() && nargs >= RequiredParams(*f)) candidates.push_back(f);
  }
  if (!any_definition) Error(pos, "function '" + fname + "' is declared but never defined");
  if (candidates.empty()) Error(pos, "no definition of '" + fname + "' takes " + std::to_string(nargs) + " argument" + (nargs == 1 ? "" : "s"));
  if (candidates.size() > 1) {
    Error(pos, "unsupported: overloads of '" + fname + "' that take the same number of arguments");
  }
  const ast::FunctionDecl& f = *candidates.front();
  for (const FunctionFrame& frame : functions_) {
    if (frame.decl == &f) {
      Error(pos, "recursion is not supported: '" + fname + "' calls itself (helpers are inlined at each call)");
    }
  }
  if (call_depth_ >= kMaxCallDepth) Error(pos, "helper calls nested too deeply");
  for (const ast::Param& p : f.params) {
    if (p.is_pack) Error(p.pos, "unsupported: parameter packs");
  }

  // Arguments, in the caller's scope.
  struct Bound {
    bool by_reference = false;
    LValue place;
    Value value;
  };
  std::vector<Bound> bound(nargs);
  for (size_t i = 0; i < nargs; ++i) {
    const ast::Param& p = f.params[i];
    const ast::Expr& arg = *call.operands[i + 1];
    if (p.type.is_reference && !p.type.is_const && p.type.pointer_depth == 0) {
      bound[i].by_reference = true;
      bound[i].place = LowerLValue(arg);
      if (bound[i].place.kind == LValue::Kind::Dynamic) {
        Error(arg.pos, "unsupported: passing an array element chosen at run time by reference");
      }
    } else {
      if (arg.kind == ast::ExprKind::InitList) Error(arg.pos, "unsupported: an initialiser list as a helper argument");
      const size_t mark = blocks_.back().size();
      bound[i].value = LowerExpr(arg);
      if (blocks_.back().size() > mark) {
        for (size_t j = 0; j < i; ++j) {
          if (!bound[j].by_reference) MaterializeIfNeeded(bound[j].value, mark, arg.pos);
        }
      }
    }
  }

  // Explicit template arguments are evaluated in the caller's scope.
  std::vector<EntityPtr> explicit_targs;
  for (size_t t = 0; t < f.template_params.size() && template_args != nullptr && t < template_args->size(); ++t) {
    const ast::TemplateParam& tp = f.template_params[t];
    const ast::TemplateArg& arg = (*template_args)[t];
    auto entity = std::make_shared<Entity>();
    entity->name = tp.name;
    entity->pos = tp.pos;
    if (tp.is_type) {
      if (arg.type == nullptr) Error(pos, "template parameter '" + tp.name + "' of '" + fname + "' is a type");
      entity->kind = Entity::Kind::TypeName;
      entity->type = ResolveType(*arg.type);
    } else {
      // Helpers are inlined, so a value argument known only at run time works like a const parameter; the
      // places that need a constant (if constexpr, array sizes...) still say so.
      if (arg.expr == nullptr) Error(pos, "template parameter '" + tp.name + "' of '" + fname + "' is a value");
      Type vt = ResolveType(tp.value_type);
      if (vt.kind != Type::Kind::Scalar) vt = Type{};
      entity = BindValue(tp.name, vt, LowerExpr(*arg.expr), true, arg.expr->pos);
    }
    explicit_targs.push_back(entity);
  }
  if (template_args != nullptr && template_args->size() > f.template_params.size()) {
    Error(pos, "too many template arguments for '" + fname + "'");
  }

  FunctionFrame frame;
  frame.decl = &f;
  PushScope();
  frame.scope_base = scopes_.size() - 1;
  functions_.push_back(frame);  // names resolve in the callee from here on
  ++call_depth_;
  struct Exit {
    Lowerer& l;
    ~Exit() { --l.call_depth_; }
  } exit{*this};

  // Template parameters: explicit arguments, then deduction from the arguments, then defaults.
  for (size_t t = 0; t < f.template_params.size(); ++t) {
    const ast::TemplateParam& tp = f.template_params[t];
    if (t < explicit_targs.size()) {
      Declare(tp.name, explicit_targs[t], tp.pos);
      continue;
    }
    auto entity = std::make_shared<Entity>();
    entity->name = tp.name;
    entity->pos = tp.pos;
    if (tp.is_type) {
      for (size_t i = 0; i < nargs && entity->kind != Entity::Kind::TypeName; ++i) {
        const ast::TypeRef& pt = f.params[i].type;
        if (pt.name.parts.size() != 1 || pt.name.parts[0] != tp.name) continue;
        Type deduced = DeduceAuto(bound[i].by_reference ? Load(bound[i].place) : bound[i].value);
        if (pt.pointer_depth == 1 && deduced.kind == Type::Kind::Pointer) deduced.kind = Type::Kind::Scalar;
        if (deduced.kind == Type::Kind::Void) Error(pos, "cannot deduce template parameter '" + tp.name + "' of '" + fname + "'");
        entity->kind = Entity::Kind::TypeName;
        entity->type = deduced;
      }
      if (entity->kind != Entity::Kind::TypeName) {
        if (tp.default_type == nullptr) Error(pos, "cannot deduce template parameter '" + tp.name + "' of '" + fname + "'");
        entity->kind = Entity::Kind::TypeName;
        entity->type = ResolveType(*tp.default_type);
      }
    } else {
      if (tp.default_value == nullptr) Error(pos, "template parameter '" + tp.name + "' of '" + fname + "' needs an argument");
      const Type vt = ResolveType(tp.value_type);
      const CType ct = vt.kind == Type::Kind::Scalar ? vt.scalar : CType::U32;
      entity->kind = Entity::Kind::Constant;
      entity->value = Value::Scalar(Convert(LowerExpr(*tp.default_value), ct, tp.pos), ct);
    }
    Declare(tp.name, entity, tp.pos);
  }

  FunctionFrame& current = functions_.back();  // a deque element: stable while inner calls push frames
  current.return_type = ResolveType(f.return_type);
  const SourcePos& fpos = f.pos;
  switch (current.return_type.kind) {
    case Type::Kind::Scalar:
      current.result = NewVar(fname + "_result", KirType(current.return_type.scalar), false);
      Emit(kir::MakeStmt(kir::LetStmt{*current.result, Const(0, KirType(current.return_type.scalar), pos)}, Loc(pos)));
      break;
    case Type::Kind::Pointer:
      current.result = NewVar(fname + "_result", kir::Type::U32, false);
      Emit(kir::MakeStmt(kir::LetStmt{*current.result, Const(0, kir::Type::U32, pos)}, Loc(pos)));
      break;
    case Type::Kind::Struct: current.result_aggregate = MakeStorage(fname + "_result", current.return_type, pos, false); break;
    case Type::Kind::Auto:
      current.result_block = blocks_.size() - 1;
      current.result_index = blocks_.back().size();
      break;
    case Type::Kind::Void:
    case Type::Kind::Object: break;
  }

  // Parameters.
  for (size_t i = 0; i < f.params.size(); ++i) {
    const ast::Param& p = f.params[i];
    if (i < nargs && bound[i].by_reference) {
      const LValue& place = bound[i].place;
      if (p.name.empty()) continue;
      if (place.kind == LValue::Kind::Memory) {
        auto entity = std::make_shared<Entity>();
        entity->kind = Entity::Kind::Memory;
        entity->name = p.name;
        entity->pos = p.pos;
        entity->ctype = place.ctype;
        entity->value = Value::Scalar(Snapshot(p.name + "_address", place.address, p.pos), CType::U32);
        Declare(p.name, entity, p.pos);
      } else {
        Declare(p.name, place.entity, p.pos);
      }
      continue;
    }
    const Value value = i < nargs ? bound[i].value : LowerExpr(*p.default_value);
    Type type = ResolveType(p.type);
    if (type.kind == Type::Kind::Auto) type = DeduceAuto(value);
    if (type.kind == Type::Kind::Void) Error(p.pos, "parameter '" + p.name + "' cannot be void");
    const bool is_const = p.type.is_const || (p.type.is_reference && type.kind == Type::Kind::Object);
    EntityPtr entity = BindValue(p.name.empty() ? "unnamed" : p.name, type, value, is_const, p.pos);
    if (!p.name.empty()) Declare(p.name, entity, p.pos);
  }

  // The body.
  const ast::Stmt& body = *f.body;
  current.trailing_return =
      !body.body.empty() && body.body.back()->kind == ast::StmtKind::Return ? body.body.back().get() : nullptr;
  current.wrapped = HasOtherReturn(body, current.trailing_return);
  if (current.wrapped && ReturnInsideControl(body, false)) {
    current.returned = NewVar(fname + "_returned", kir::Type::Bool, false);
    Emit(kir::MakeStmt(kir::LetStmt{*current.returned, Const(0, kir::Type::Bool, fpos)}, Loc(fpos)));
  }
  control_base_.push_back(controls_.size());
  PushBlock();
  for (const ast::StmtPtr& stmt : body.body) LowerStmt(*stmt);
  if (current.wrapped) Emit(kir::MakeStmt(kir::BreakStmt{}, Loc(fpos)));
  kir::Stmt block = PopBlock(fpos);
  control_base_.pop_back();
  if (current.wrapped) {
    Emit(kir::MakeStmt(kir::WhileStmt{Const(1, kir::Type::Bool, fpos), block}, Loc(pos)));
  } else {
    Emit(block);
  }
  const FunctionFrame done = functions_.back();
  functions_.pop_back();
  PopScope();

  switch (done.return_type.kind) {
    case Type::Kind::Void: return Value{};
    case Type::Kind::Scalar:
      if (!done.result) Error(pos, "'" + fname + "' never returns a value");
      return Value::Scalar(kir::MakeVar(kernel_, *done.result, Loc(pos)), done.return_type.scalar);
    case Type::Kind::Pointer:
      if (!done.result) Error(pos, "'" + fname + "' never returns a value");
      return Value::Pointer(kir::MakeVar(kernel_, *done.result, Loc(pos)), done.return_type.scalar);
    case Type::Kind::Struct: return ReadEntity(done.result_aggregate, pos);
    case Type::Kind::Object:
    case Type::Kind::Auto:
      if (done.result_value) return *done.result_value;
      if (done.result_aggregate) return ReadEntity(done.result_aggregate, pos);
      Error(pos, "'" + fname + "' never returns a value");
  }
  return Value{};
}

void Lowerer::StoreResult(FunctionFrame& frame, const ast::Expr& expr, const SourcePos& pos) {
  const std::string& fname = frame.decl->name;
  const bool trailing = frame.trailing_return != nullptr && frame.trailing_return->expr.get() == &expr;
  Type& type = frame.return_type;
  if (type.kind == Type::Kind::Struct) {
    if (expr.kind == ast::ExprKind::InitList) {
      InitializeAggregate(frame.result_aggregate, expr);
      return;
    }
    const Value v = LowerExpr(expr);
    if (v.kind != Value::Kind::Aggregate || v.aggregate->struct_decl != type.struct_decl) {
      Error(pos, "'" + fname + "' returns " + type.Describe() + ", not " + v.Describe());
    }
    CopyAggregate(frame.result_aggregate, v.aggregate, pos);
    return;
  }
  if (expr.kind == ast::ExprKind::InitList) Error(pos, "unsupported: returning an initialiser list here");
  const Value v = LowerExpr(expr);
  if (type.kind == Type::Kind::Object || (type.kind == Type::Kind::Auto && v.kind == Value::Kind::Object)) {
    if (v.kind != Value::Kind::Object) Error(pos, "'" + fname + "' returns " + type.Describe() + ", not " + v.Describe());
    if (!trailing || frame.wrapped) Error(pos, "unsupported: returning a kernel API object from anywhere but the end of '" + fname + "'");
    frame.result_value = v;
    return;
  }
  if (type.kind == Type::Kind::Auto) {
    const Type deduced = DeduceAuto(v);
    if (deduced.kind != Type::Kind::Scalar && deduced.kind != Type::Kind::Pointer) {
      Error(pos, "unsupported: an auto return of " + v.Describe());
    }
    type = deduced;
    const kir::Type kt = deduced.kind == Type::Kind::Pointer ? kir::Type::U32 : KirType(deduced.scalar);
    frame.result = NewVar(fname + "_result", kt, false);
    auto& block = blocks_[frame.result_block];
    block.insert(block.begin() + static_cast<std::ptrdiff_t>(frame.result_index),
                 kir::MakeStmt(kir::LetStmt{*frame.result, Const(0, kt, pos)}, Loc(pos)));
  }
  if (type.kind == Type::Kind::Pointer) {
    if (v.kind != Value::Kind::Pointer && !(v.kind == Value::Kind::Scalar && ConstantValue(v.expr) == 0u)) {
      Error(pos, "'" + fname + "' returns a pointer, not " + v.Describe());
    }
    Emit(kir::MakeStmt(kir::AssignStmt{*frame.result, ToU32(v, pos)}, Loc(pos)));
    return;
  }
  Emit(kir::MakeStmt(kir::AssignStmt{*frame.result, Convert(v, type.scalar, pos)}, Loc(pos)));
}

}  // namespace tilesim::metalium
