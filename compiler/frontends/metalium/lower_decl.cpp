// Lowering of declarations: the kernel entry point, file-scope items, types, variables (scalars, pointers,
// arrays, structs, kernel API objects) and their initialisation.
#include "compiler/frontends/metalium/builtin_names.h"
#include "compiler/frontends/metalium/builtins.h"
#include "compiler/frontends/metalium/lowering.h"

namespace tilesim::metalium {
namespace {

constexpr uint32_t kMaxArrayElements = 256;  // arrays live in registers, and a kernel has 255 of them

const ast::FunctionDecl* FindEntry(const EntityPtr& entity, const Diagnostics& diag) {
  if (entity == nullptr || entity->kind != Entity::Kind::Functions) return nullptr;
  const ast::FunctionDecl* entry = nullptr;
  for (const ast::FunctionDecl* f : entity->functions) {
    if (f->body == nullptr) continue;
    if (entry != nullptr) diag.Error(f->pos, "kernel_main is defined twice (first at " + diag.Describe(entry->pos) + ")");
    entry = f;
  }
  return entry;
}

}  // namespace

kir::Kernel Lowerer::Run(const ast::TranslationUnit& unit) {
  kernel_.name = options_.name;
  kernel_.role = options_.role;
  scopes_.emplace_back();
  PushBlock();
  RegisterTopLevel(unit);
  const ast::FunctionDecl* entry = FindEntry(LookupKey("kernel_main"), diag_);
  if (entry == nullptr) {
    Error(SourcePos{0, 1, 1},
          "no kernel entry point: expected 'void kernel_main() { ... }' or 'namespace NAMESPACE { void MAIN { ... } }'");
  }
  if (!entry->params.empty()) Error(entry->params.front().pos, "kernel_main takes no parameters");
  if (entry->is_template) Error(entry->pos, "kernel_main cannot be a template");
  FunctionFrame frame;
  frame.decl = entry;
  frame.is_entry = true;
  frame.scope_base = scopes_.size();
  functions_.push_back(frame);
  control_base_.push_back(controls_.size());
  PushScope();
  for (const ast::StmtPtr& stmt : entry->body->body) LowerStmt(*stmt);
  PopScope();
  functions_.pop_back();
  control_base_.pop_back();
  std::vector<kir::Stmt> body = std::move(prologue_);
  for (kir::Stmt& stmt : blocks_.back()) body.push_back(std::move(stmt));
  blocks_.pop_back();
  kernel_.body = kir::MakeStmt(kir::SeqStmt{std::move(body)}, Loc(entry->pos));
  kernel_.files = diag_.files();
  return std::move(kernel_);
}

void Lowerer::RegisterTopLevel(const ast::TranslationUnit& unit) {
  for (const ast::TopLevel& item : unit.items) {
    switch (item.kind) {
      case ast::TopLevel::Kind::Function: {
        const ast::FunctionDecl& f = *item.function;
        auto& globals = scopes_.front();
        auto it = globals.find(f.name);
        if (it == globals.end()) {
          auto entity = std::make_shared<Entity>();
          entity->kind = Entity::Kind::Functions;
          entity->name = f.name;
          entity->pos = f.pos;
          it = globals.emplace(f.name, entity).first;
        } else if (it->second->kind != Entity::Kind::Functions) {
          Error(f.pos, "'" + f.name + "' is already declared as a variable or type");
        }
        it->second->functions.push_back(item.function.get());
        break;
      }
      case ast::TopLevel::Kind::Struct: {
        auto entity = std::make_shared<Entity>();
        entity->kind = Entity::Kind::TypeName;
        entity->name = item.struct_decl->name;
        entity->pos = item.struct_decl->pos;
        entity->type.kind = Type::Kind::Struct;
        entity->type.struct_decl = item.struct_decl.get();
        Declare(entity->name, entity, entity->pos);
        break;
      }
      case ast::TopLevel::Kind::Enum: {
        const ast::EnumDecl& e = *item.enum_decl;
        CType underlying = CType::I32;
        if (e.underlying) {
          const Type t = ResolveType(*e.underlying);
          if (t.kind != Type::Kind::Scalar) Error(e.pos, "an enum's underlying type must be an integer type");
          underlying = t.scalar;
        }
        if (!e.name.empty()) {
          auto type_entity = std::make_shared<Entity>();
          type_entity->kind = Entity::Kind::TypeName;
          type_entity->name = e.name;
          type_entity->pos = e.pos;
          type_entity->type.kind = Type::Kind::Scalar;
          type_entity->type.scalar = underlying;
          Declare(e.name, type_entity, e.pos);
        }
        uint64_t next = 0;
        for (size_t i = 0; i < e.enumerators.size(); ++i) {
          const auto& [name, init] = e.enumerators[i];
          const SourcePos& pos = e.enumerator_pos[i];
          if (init) {
            const Value v = LowerExpr(*init);
            next = RequireConstant(Convert(v, underlying, pos), "the value of enumerator '" + name + "'", pos);
          }
          auto constant = std::make_shared<Entity>();
          constant->kind = Entity::Kind::Constant;
          constant->name = name;
          constant->pos = pos;
          constant->value = Value::Scalar(Const(next, KirType(underlying), pos), underlying);
          if (!e.scoped) Declare(name, constant, pos);
          if (!e.name.empty()) Declare(e.name + "::" + name, constant, pos);
          ++next;
        }
        break;
      }
      case ast::TopLevel::Kind::Alias: {
        auto entity = std::make_shared<Entity>();
        entity->kind = Entity::Kind::TypeName;
        entity->name = item.alias->name;
        entity->pos = item.alias->pos;
        entity->type = ResolveType(item.alias->type);
        Declare(entity->name, entity, entity->pos);
        break;
      }
      case ast::TopLevel::Kind::Var: LowerVarDecl(*item.var, true); break;
      case ast::TopLevel::Kind::StaticAssert: LowerStaticAssert(*item.static_assert_stmt); break;
    }
  }
}

void Lowerer::LowerStaticAssert(const ast::Stmt& stmt) {
  const Value v = LowerExpr(*stmt.expr);
  if (RequireConstant(ToBool(v, stmt.pos), "a static_assert condition", stmt.pos) == 0) {
    Error(stmt.pos, "static_assert failed" + (stmt.text.empty() ? std::string() : ": " + stmt.text));
  }
}

// ---- Types ----

Type Lowerer::ResolveType(const ast::TypeRef& ref) {
  if (ref.name.parts.empty()) Error(ref.pos, "missing type");
  Type type;
  bool found = false;
  if (EntityPtr entity = Lookup(ref.name); entity != nullptr && entity->kind == Entity::Kind::TypeName) {
    type = entity->type;
    found = true;
  }
  if (!found) {
    bool builtin_scope = true;
    for (size_t i = 0; i + 1 < ref.name.parts.size(); ++i) builtin_scope = builtin_scope && IsBuiltinNamespace(ref.name.parts[i]);
    if (builtin_scope) {
      if (std::optional<Type> builtin = FindBuiltinType(ref.name.last(), ref.pos, diag_)) {
        type = *builtin;
        type.object_template_args = ref.name.template_args;
        found = true;
      }
    }
  }
  if (!found) {
    if (EntityPtr entity = Lookup(ref.name)) Error(ref.pos, "'" + ref.name.str() + "' is not a type");
    Error(ref.pos, "unknown type '" + ref.name.str() + "'");
  }
  if (ref.pointer_depth > 1) Error(ref.pos, "unsupported: pointers to pointers");
  if (ref.pointer_depth == 1) {
    if (type.kind == Type::Kind::Void) {
      type.kind = Type::Kind::Pointer;
      type.scalar = CType::U8;  // void*: byte addressing
    } else if (type.kind == Type::Kind::Scalar) {
      type.kind = Type::Kind::Pointer;
    } else if (type.kind == Type::Kind::Pointer) {
      Error(ref.pos, "unsupported: pointers to pointers");
    } else {
      Error(ref.pos, "unsupported: pointers to " + type.Describe() + " (pointers address uint8/16/32/64 words in L1)");
    }
  }
  return type;
}

Type Lowerer::DeduceAuto(const Value& value) const {
  Type type;
  switch (value.kind) {
    case Value::Kind::Scalar: type.kind = Type::Kind::Scalar; type.scalar = value.ctype; break;
    case Value::Kind::Pointer: type.kind = Type::Kind::Pointer; type.scalar = value.ctype; break;
    case Value::Kind::Object:
      type.kind = Type::Kind::Object;
      type.object = value.object->kind;
      type.object_name = value.object->type_name;
      break;
    case Value::Kind::Aggregate:
      if (value.aggregate->kind != Entity::Kind::Struct) return Type{};  // caller reports arrays
      type.kind = Type::Kind::Struct;
      type.struct_decl = value.aggregate->struct_decl;
      break;
    case Value::Kind::Void:
    case Value::Kind::String: type.kind = Type::Kind::Void; break;
  }
  return type;
}

// ---- Variables ----

EntityPtr Lowerer::MakeStorage(const std::string& name, const Type& type, const SourcePos& pos, bool is_const) {
  auto entity = std::make_shared<Entity>();
  entity->name = name;
  entity->pos = pos;
  entity->is_const = is_const;
  switch (type.kind) {
    case Type::Kind::Scalar:
    case Type::Kind::Pointer: {
      entity->kind = Entity::Kind::Var;
      entity->ctype = type.scalar;
      entity->is_pointer = type.kind == Type::Kind::Pointer;
      const kir::Type kt = entity->is_pointer ? kir::Type::U32 : KirType(type.scalar);
      entity->var = NewVar(name, kt, false);
      Emit(kir::MakeStmt(kir::LetStmt{entity->var, Const(0, kt, pos)}, Loc(pos)));
      return entity;
    }
    case Type::Kind::Struct: {
      entity->kind = Entity::Kind::Struct;
      entity->struct_decl = type.struct_decl;
      for (const ast::VarDecl& field : type.struct_decl->fields) {
        Type field_type = ResolveType(field.type);
        if (field.type.is_reference) Error(field.pos, "unsupported: reference members");
        EntityPtr member;
        if (!field.array_dims.empty()) {
          // Arrays inside structs: make the element storage directly.
          Type element = field_type;
          uint64_t n = 1;
          for (const ast::ExprPtr& dim : field.array_dims) {
            if (!dim) Error(field.pos, "a member array needs its size");
            n *= RequireConstant(ToU32(LowerExpr(*dim), field.pos), "an array size", field.pos);
          }
          if (n == 0 || n > kMaxArrayElements) Error(field.pos, "unsupported array size " + std::to_string(n));
          member = std::make_shared<Entity>();
          member->kind = Entity::Kind::Array;
          member->name = name + "." + field.name;
          member->pos = field.pos;
          member->element_type = element;
          for (uint64_t i = 0; i < n; ++i) {
            member->elements.push_back(MakeStorage(member->name + "[" + std::to_string(i) + "]", element, field.pos, false));
          }
        } else if (field_type.kind == Type::Kind::Object) {
          member = std::make_shared<Entity>();
          member->kind = Entity::Kind::Constant;
          member->name = name + "." + field.name;
          member->pos = field.pos;
          member->element_type = field_type;  // to rebuild it from an initialiser
          const ast::Expr* init = field.init_kind != ast::VarDecl::Init::None ? field.init.get() : nullptr;
          member->value = ConstructObject(field_type, init, {}, field.pos);
        } else {
          member = MakeStorage(name + "." + field.name, field_type, field.pos, false);
          if (field.init_kind != ast::VarDecl::Init::None && field.init) InitializeFrom(member, field_type, field.init.get(), field.pos);
        }
        entity->elements.push_back(member);
        entity->field_names.push_back(field.name);
      }
      return entity;
    }
    default: Error(pos, "cannot make storage for a " + type.Describe());
  }
}

void Lowerer::InitializeFrom(const EntityPtr& entity, const Type& type, const ast::Expr* init, const SourcePos& pos) {
  if (init == nullptr) return;
  if (entity->kind == Entity::Kind::Array || entity->kind == Entity::Kind::Struct) {
    if (init->kind == ast::ExprKind::InitList) {
      InitializeAggregate(entity, *init);
      return;
    }
    const Value v = LowerExpr(*init);
    if (v.kind != Value::Kind::Aggregate || v.aggregate->kind != entity->kind ||
        v.aggregate->struct_decl != entity->struct_decl) {
      Error(init->pos, "cannot initialise " + type.Describe() + " '" + entity->name + "' from " + v.Describe());
    }
    CopyAggregate(entity, v.aggregate, pos);
    return;
  }
  if (init->kind == ast::ExprKind::InitList) {
    if (init->operands.size() > 1) Error(init->pos, "too many initialisers for '" + entity->name + "'");
    if (init->operands.empty()) return;  // {} is zero, which it already is
    InitializeFrom(entity, type, init->operands[0].get(), pos);
    return;
  }
  LValue target;
  target.kind = LValue::Kind::Entity;
  target.entity = entity;
  target.pos = pos;
  target.name = entity->name;
  Store(target, LowerExpr(*init), init->pos);
}

void Lowerer::InitializeAggregate(const EntityPtr& entity, const ast::Expr& list) {
  size_t next = 0;
  for (size_t i = 0; i < list.operands.size(); ++i) {
    const ast::Expr& element = *list.operands[i];
    const std::string& designator = list.designators[i];
    size_t index = next;
    if (!designator.empty()) {
      if (entity->kind != Entity::Kind::Struct) Error(element.pos, "designators name struct members");
      index = entity->field_names.size();
      for (size_t f = 0; f < entity->field_names.size(); ++f) {
        if (entity->field_names[f] == designator) index = f;
      }
      if (index == entity->field_names.size()) {
        Error(element.pos, "struct '" + entity->struct_decl->name + "' has no member '" + designator + "'");
      }
    }
    if (index >= entity->elements.size()) Error(element.pos, "too many initialisers for '" + entity->name + "'");
    const EntityPtr& target = entity->elements[index];
    if (target->kind == Entity::Kind::Constant) {
      // A kernel API object member: rebuilt from its own initialiser.
      const Type object_type = target->element_type.kind == Type::Kind::Object ? target->element_type : DeduceAuto(target->value);
      target->value = ConstructObject(object_type, &element, {}, element.pos);
    } else {
      Type t;
      if (target->kind == Entity::Kind::Var) {
        t.kind = target->is_pointer ? Type::Kind::Pointer : Type::Kind::Scalar;
        t.scalar = target->ctype;
      }
      InitializeFrom(target, t, &element, element.pos);
    }
    next = index + 1;
  }
}

void Lowerer::CopyAggregate(const EntityPtr& to, const EntityPtr& from, const SourcePos& pos) {
  if (to->elements.size() != from->elements.size()) Error(pos, "cannot copy '" + from->name + "' to '" + to->name + "'");
  for (size_t i = 0; i < to->elements.size(); ++i) {
    const EntityPtr& t = to->elements[i];
    const EntityPtr& f = from->elements[i];
    if (t->kind == Entity::Kind::Var) {
      LValue target;
      target.entity = t;
      target.pos = pos;
      target.name = t->name;
      Store(target, ReadEntity(f, pos), pos);
    } else if (t->kind == Entity::Kind::Constant) {
      t->value = f->value;
    } else {
      CopyAggregate(t, f, pos);
    }
  }
}

EntityPtr Lowerer::BindValue(const std::string& name, const Type& type, const Value& value, bool is_const,
                             const SourcePos& pos) {
  auto entity = std::make_shared<Entity>();
  entity->name = name;
  entity->pos = pos;
  entity->is_const = is_const;
  switch (type.kind) {
    case Type::Kind::Scalar: {
      if (value.kind == Value::Kind::Object && value.object->kind == ObjectKind::DataFormat) {
        // `const DataFormat f = get_dataformat(cb);`: kept as the opaque value it is.
        entity->kind = Entity::Kind::Constant;
        entity->value = value;
        return entity;
      }
      const kir::Expr converted = Convert(value, type.scalar, pos);
      if (is_const && IsPureExpr(converted)) {
        entity->kind = Entity::Kind::Constant;
        entity->value = Value::Scalar(converted, type.scalar);
        return entity;
      }
      entity->kind = Entity::Kind::Var;
      entity->ctype = type.scalar;
      entity->var = NewVar(name, converted.type(), is_const);
      Emit(kir::MakeStmt(kir::LetStmt{entity->var, converted}, Loc(pos)));
      return entity;
    }
    case Type::Kind::Pointer: {
      if (value.kind != Value::Kind::Pointer && !(value.kind == Value::Kind::Scalar && ConstantValue(value.expr) == 0u)) {
        Error(pos, "cannot initialise pointer '" + name + "' from " + value.Describe() + " (use reinterpret_cast)");
      }
      const kir::Expr address = ToU32(value, pos);
      entity->ctype = type.scalar;
      entity->is_pointer = true;
      if (is_const && IsPureExpr(address)) {
        entity->kind = Entity::Kind::Constant;
        entity->value = Value::Pointer(address, type.scalar);
        return entity;
      }
      entity->kind = Entity::Kind::Var;
      entity->var = NewVar(name, kir::Type::U32, is_const);
      Emit(kir::MakeStmt(kir::LetStmt{entity->var, address}, Loc(pos)));
      return entity;
    }
    case Type::Kind::Object: {
      if (value.kind != Value::Kind::Object) Error(pos, "cannot initialise '" + name + "' (" + type.Describe() + ") from " + value.Describe());
      entity->kind = Entity::Kind::Constant;
      entity->value = value;
      return entity;
    }
    case Type::Kind::Struct: {
      if (value.kind != Value::Kind::Aggregate || value.aggregate->struct_decl != type.struct_decl) {
        Error(pos, "cannot initialise '" + name + "' (" + type.Describe() + ") from " + value.Describe());
      }
      EntityPtr copy = MakeStorage(name, type, pos, is_const);
      CopyAggregate(copy, value.aggregate, pos);
      copy->is_const = is_const;
      return copy;
    }
    default: Error(pos, "cannot declare '" + name + "' of type " + type.Describe());
  }
}

Value Lowerer::ConstructObject(const Type& type, const ast::Expr* init, const std::vector<const ast::Expr*>& args,
                               const SourcePos& pos) {
  return ConstructBuiltinObject(*this, type, init, args, pos);
}

void Lowerer::LowerVarDecl(const ast::VarDecl& decl, bool is_global) {
  const SourcePos& pos = decl.pos;
  const bool is_const = decl.type.is_const || decl.type.is_constexpr;
  if (decl.type.is_static && !is_global) {
    if (auto it = statics_.find(&decl); it != statics_.end()) {
      Declare(decl.name, it->second, pos);
      return;
    }
  }
  const ast::Expr* init = nullptr;
  if (decl.init_kind == ast::VarDecl::Init::Equals || decl.init_kind == ast::VarDecl::Init::Braces) init = decl.init.get();
  if (decl.init_kind == ast::VarDecl::Init::Parens && decl.ctor_args.size() == 1) init = decl.ctor_args[0].get();

  Type type = ResolveType(decl.type);
  if (decl.type.is_reference) {
    if (init == nullptr) Error(pos, "reference '" + decl.name + "' needs an initialiser");
    if (!is_const && type.kind != Type::Kind::Object) {
      const LValue target = LowerLValue(*init);
      if (target.kind == LValue::Kind::Entity) {
        Declare(decl.name, target.entity, pos);
      } else if (target.kind == LValue::Kind::Memory) {
        auto entity = std::make_shared<Entity>();
        entity->kind = Entity::Kind::Memory;
        entity->name = decl.name;
        entity->pos = pos;
        entity->ctype = target.ctype;
        entity->value = Value::Scalar(Snapshot(decl.name + "_address", target.address, pos), CType::U32);
        Declare(decl.name, entity, pos);
      } else {
        Error(pos, "unsupported: a reference to an array element chosen at run time");
      }
      return;
    }
    // const T& binds to a value: the same as a const copy.
  }
  if (type.kind == Type::Kind::Void) Error(pos, "variable '" + decl.name + "' cannot have type void");

  if (!decl.array_dims.empty()) {
    if (type.kind == Type::Kind::Object) Error(pos, "unsupported: arrays of " + type.Describe());
    std::vector<uint64_t> dims;
    for (size_t d = 0; d < decl.array_dims.size(); ++d) {
      if (decl.array_dims[d] == nullptr) {
        if (d != 0 || init == nullptr || init->kind != ast::ExprKind::InitList) {
          Error(pos, "array '" + decl.name + "' needs a size or an initialiser list");
        }
        dims.push_back(init->operands.size());
        continue;
      }
      dims.push_back(RequireConstant(ToU32(LowerExpr(*decl.array_dims[d]), pos), "the size of array '" + decl.name + "'", pos));
    }
    uint64_t total = 1;
    for (uint64_t d : dims) total *= d;
    if (total == 0 || total > kMaxArrayElements) {
      Error(pos, "unsupported: array '" + decl.name + "' of " + std::to_string(total) + " elements (1.." +
                     std::to_string(kMaxArrayElements) + ")");
    }
    // Build nested arrays, innermost dimension last.
    std::function<EntityPtr(const std::string&, size_t)> build = [&](const std::string& name, size_t level) -> EntityPtr {
      if (level == dims.size()) return MakeStorage(name, type, pos, false);
      auto array = std::make_shared<Entity>();
      array->kind = Entity::Kind::Array;
      array->name = name;
      array->pos = pos;
      array->element_type = type;
      for (uint64_t i = 0; i < dims[level]; ++i) array->elements.push_back(build(name + "[" + std::to_string(i) + "]", level + 1));
      return array;
    };
    EntityPtr array = build(decl.name, 0);
    if (init != nullptr) InitializeFrom(array, type, init, pos);
    array->is_const = is_const;
    Declare(decl.name, array, pos);
    return;
  }

  if (type.kind == Type::Kind::Object) {
    std::vector<const ast::Expr*> args;
    for (const ast::ExprPtr& a : decl.ctor_args) args.push_back(a.get());
    const ast::Expr* object_init = decl.init_kind == ast::VarDecl::Init::Parens ? nullptr : init;
    name_hint_ = decl.name;
    Value object = ConstructObject(type, object_init, args, pos);
    name_hint_.clear();
    Declare(decl.name, BindValue(decl.name, DeduceAuto(object), object, true, pos), pos);
    return;
  }
  if (decl.init_kind == ast::VarDecl::Init::Parens && decl.ctor_args.size() > 1) {
    Error(pos, "too many initialisers for '" + decl.name + "'");
  }
  if (type.kind == Type::Kind::Struct) {
    EntityPtr storage = MakeStorage(decl.name, type, pos, is_const);
    InitializeFrom(storage, type, init, pos);
    storage->is_const = is_const;
    Declare(decl.name, storage, pos);
    return;
  }

  Value value;
  if (init != nullptr) {
    if (init->kind == ast::ExprKind::InitList) {
      if (init->operands.size() > 1) Error(init->pos, "too many initialisers for '" + decl.name + "'");
      if (init->operands.empty()) {
        if (type.kind == Type::Kind::Auto) Error(pos, "cannot deduce 'auto' from '{}'");
        value = Value::Scalar(Const(0, kir::Type::I32, pos), CType::I32);
      } else {
        value = LowerExpr(*init->operands[0]);
      }
    } else {
      name_hint_ = decl.name;
      value = LowerExpr(*init);
      name_hint_.clear();
    }
  } else {
    if (type.kind == Type::Kind::Auto) Error(pos, "'auto' variable '" + decl.name + "' needs an initialiser");
    if (is_const) Error(pos, "const variable '" + decl.name + "' needs an initialiser");
    value = Value::Scalar(Const(0, kir::Type::I32, pos), CType::I32);
  }
  if (type.kind == Type::Kind::Auto) {
    type = DeduceAuto(value);
    if (type.kind == Type::Kind::Void) Error(pos, "cannot deduce the type of '" + decl.name + "' from " + value.Describe());
    if (value.kind == Value::Kind::Aggregate && value.aggregate->kind == Entity::Kind::Array) {
      Error(pos, "unsupported: copying an array into an auto variable");
    }
  }
  if (decl.type.is_static && !is_global) {
    // One variable for every inlined copy of the function, made at the top of the kernel.
    const kir::Expr initial = type.kind == Type::Kind::Pointer ? ToU32(value, pos) : Convert(value, type.scalar, pos);
    if (!ConstantValue(initial)) Error(pos, "unsupported: a static local initialised with a value known only at run time");
    if (type.kind != Type::Kind::Scalar && type.kind != Type::Kind::Pointer) Error(pos, "unsupported: static " + type.Describe());
    auto entity = std::make_shared<Entity>();
    entity->kind = Entity::Kind::Var;
    entity->name = decl.name;
    entity->pos = pos;
    entity->ctype = type.scalar;
    entity->is_pointer = type.kind == Type::Kind::Pointer;
    entity->is_const = is_const;
    entity->var = NewVar(decl.name, initial.type(), false);
    prologue_.push_back(kir::MakeStmt(kir::LetStmt{entity->var, initial}, Loc(pos)));
    statics_[&decl] = entity;
    Declare(decl.name, entity, pos);
    return;
  }
  Declare(decl.name, BindValue(decl.name, type, value, is_const, pos), pos);
}

}  // namespace tilesim::metalium
