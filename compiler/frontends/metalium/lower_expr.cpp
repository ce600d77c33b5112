// Lowering of expressions: names, literals, operators (with C++'s promotions and pointer arithmetic),
// assignments, conditionals, casts, member access, subscripts and sizeof.
#include <functional>

#include "compiler/frontends/metalium/builtin_names.h"
#include "compiler/frontends/metalium/builtins.h"
#include "compiler/frontends/metalium/lowering.h"

namespace tilesim::metalium {
namespace {

constexpr int kMaxExprDepth = 400;

std::optional<kir::BinaryOp> BinaryOpOf(const std::string& op) {
  static const std::map<std::string, kir::BinaryOp> ops = {
      {"+", kir::BinaryOp::Add},   {"-", kir::BinaryOp::Sub},        {"*", kir::BinaryOp::Mul},
      {"/", kir::BinaryOp::Div},   {"%", kir::BinaryOp::Mod},        {"&", kir::BinaryOp::BitAnd},
      {"|", kir::BinaryOp::BitOr}, {"^", kir::BinaryOp::BitXor},     {"<<", kir::BinaryOp::Shl},
      {">>", kir::BinaryOp::Shr},  {"==", kir::BinaryOp::Eq},        {"!=", kir::BinaryOp::Ne},
      {"<", kir::BinaryOp::Lt},    {"<=", kir::BinaryOp::Le},        {">", kir::BinaryOp::Gt},
      {">=", kir::BinaryOp::Ge},   {"&&", kir::BinaryOp::LogicalAnd}, {"||", kir::BinaryOp::LogicalOr}};
  auto it = ops.find(op);
  if (it == ops.end()) return std::nullopt;
  return it->second;
}

bool IsComparison(const std::string& op) {
  return op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=";
}

// Whether evaluating the expression reads memory, calls the device or may trap: such branches of ?: are
// not evaluated unless taken.
bool MayTrapOrRead(const kir::Expr& expr) {
  if (!expr.defined()) return false;
  return std::visit(
      [](const auto& node) -> bool {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, kir::LoadExpr> || std::is_same_v<T, kir::CallExpr>) {
          return true;
        } else if constexpr (std::is_same_v<T, kir::UnaryExpr> || std::is_same_v<T, kir::CastExpr>) {
          return MayTrapOrRead(node.operand);
        } else if constexpr (std::is_same_v<T, kir::BinaryExpr>) {
          return node.op == kir::BinaryOp::Div || node.op == kir::BinaryOp::Mod || MayTrapOrRead(node.lhs) ||
                 MayTrapOrRead(node.rhs);
        } else if constexpr (std::is_same_v<T, kir::SelectExpr>) {
          return MayTrapOrRead(node.cond) || MayTrapOrRead(node.if_true) || MayTrapOrRead(node.if_false);
        } else {
          return false;
        }
      },
      expr->node);
}

struct DepthGuard {
  explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
  ~DepthGuard() { --depth_; }
  int& depth_;
};

}  // namespace

Value Lowerer::LowerExpr(const ast::Expr& expr) {
  DepthGuard guard(expr_depth_);
  if (expr_depth_ > kMaxExprDepth) Error(expr.pos, "the expression is nested too deeply");
  switch (expr.kind) {
    case ast::ExprKind::IntLiteral:
    case ast::ExprKind::FloatLiteral:
    case ast::ExprKind::StringLiteral:
    case ast::ExprKind::CharLiteral:
    case ast::ExprKind::BoolLiteral:
    case ast::ExprKind::NullPtr: return LowerLiteral(expr);
    case ast::ExprKind::Name: return LowerName(expr);
    case ast::ExprKind::Unary: return LowerUnary(expr);
    case ast::ExprKind::Binary: {
      const std::string& op = expr.op;
      if (op == ",") {
        LowerExpr(*expr.operands[0]);
        return LowerExpr(*expr.operands[1]);
      }
      if (op == "<<" && IsDprintChain(expr)) {
        LowerDprint(expr);
        return Value{};
      }
      if (op.size() >= 1 && op.back() == '=' && op != "==" && op != "!=" && op != "<=" && op != ">=") {
        return LowerAssign(expr);
      }
      return LowerBinary(expr);
    }
    case ast::ExprKind::Conditional: return LowerConditional(expr);
    case ast::ExprKind::Call: return LowerCall(expr);
    case ast::ExprKind::Subscript: return LowerSubscript(expr);
    case ast::ExprKind::Member: return LowerMember(expr);
    case ast::ExprKind::Cast: return LowerCast(expr);
    case ast::ExprKind::SizeOf: return LowerSizeOf(expr);
    case ast::ExprKind::InitList: Error(expr.pos, "an initialiser list is not a value here");
    case ast::ExprKind::Lambda: Error(expr.pos, "unsupported: lambda expressions");
  }
  Error(expr.pos, "unsupported expression");
}

Value Lowerer::LowerLiteral(const ast::Expr& expr) {
  switch (expr.kind) {
    case ast::ExprKind::IntLiteral: {
      const uint64_t v = expr.int_value;
      kir::Type type = kir::Type::U64;
      if (expr.int_long_long) {
        type = kir::Type::U64;
      } else if (expr.int_unsigned) {
        type = v <= 0xffffffffull ? kir::Type::U32 : kir::Type::U64;
      } else if (v <= 0x7fffffffull) {
        type = kir::Type::I32;
      } else if (!expr.int_decimal && v <= 0xffffffffull) {
        type = kir::Type::U32;
      }
      return Value::Scalar(Const(v, type, expr.pos));
    }
    case ast::ExprKind::CharLiteral: {
      Value v = Value::Scalar(Const(expr.int_value, kir::Type::I32, expr.pos), CType::I8);
      v.is_char_literal = true;
      return v;
    }
    case ast::ExprKind::BoolLiteral: return Value::Scalar(Const(expr.int_value, kir::Type::Bool, expr.pos));
    case ast::ExprKind::FloatLiteral:
      Error(expr.pos, "unsupported: floating-point literal '" + expr.text +
                          "' (kernel scalars are integers; floating-point data lives in tiles)");
    case ast::ExprKind::StringLiteral: {
      Value v;
      v.kind = Value::Kind::String;
      v.text = expr.text;
      return v;
    }
    case ast::ExprKind::NullPtr: return Value::Pointer(Const(0, kir::Type::U32, expr.pos), CType::Void);
    default: break;
  }
  Error(expr.pos, "not a literal");
}

Value Lowerer::ReadEntity(const EntityPtr& entity, const SourcePos& pos) {
  switch (entity->kind) {
    case Entity::Kind::Var: {
      kir::Expr ref = kir::MakeVar(kernel_, entity->var, Loc(pos));
      return entity->is_pointer ? Value::Pointer(ref, entity->ctype) : Value::Scalar(ref, entity->ctype);
    }
    case Entity::Kind::Constant: return entity->value;
    case Entity::Kind::Memory: {
      LValue place;
      place.kind = LValue::Kind::Memory;
      place.address = entity->value.expr;
      place.ctype = entity->ctype;
      place.pos = pos;
      return Load(place);
    }
    case Entity::Kind::Array:
    case Entity::Kind::Struct: {
      Value v;
      v.kind = Value::Kind::Aggregate;
      v.aggregate = entity;
      return v;
    }
    case Entity::Kind::TypeName: Error(pos, "'" + entity->name + "' is a type, not a value");
    case Entity::Kind::Functions: Error(pos, "'" + entity->name + "' is a function: call it");
  }
  Error(pos, "'" + entity->name + "' is not a value");
}

Value Lowerer::LowerName(const ast::Expr& expr) {
  const ast::QualifiedName& name = expr.name;
  if (EntityPtr entity = Lookup(name)) return ReadEntity(entity, expr.pos);
  const std::string last = name.last();
  if (last == "DPRINT") Error(expr.pos, "DPRINT is used as 'DPRINT << ... << ENDL()'");
  for (size_t k = 0; k < name.parts.size(); ++k) {
    std::string key;
    for (size_t i = k; i < name.parts.size(); ++i) key += (key.empty() ? "" : "::") + name.parts[i];
    if (std::optional<Value> constant = FindBuiltinConstant(key, options_.role)) {
      Value v = *constant;
      v.expr = Const(*ConstantValue(v.expr), v.expr.type(), expr.pos);
      return v;
    }
  }
  if (FindBuiltin(last) != nullptr) Error(expr.pos, "'" + name.str() + "' is a function: call it");
  if (last == "my_x" || last == "my_y") Error(expr.pos, "'" + last + "' is used as " + last + "[noc]");
  Error(expr.pos, "unknown name '" + name.str() + "'");
}

// ---- Operators ----

Value Lowerer::Arithmetic(const std::string& op, const Value& lhs, const Value& rhs, const SourcePos& pos) {
  const kir::SourceLocation loc = Loc(pos);
  auto invalid = [&]() {
    Error(pos, "invalid operands to '" + op + "' (" + lhs.Describe() + " and " + rhs.Describe() + ")");
  };
  const bool lp = lhs.kind == Value::Kind::Pointer;
  const bool rp = rhs.kind == Value::Kind::Pointer;
  if (lp || rp) {
    if (IsComparison(op)) {
      const kir::Expr a = ToU32(lhs, pos);
      const kir::Expr b = ToU32(rhs, pos);
      return Value::Scalar(Fold(kir::MakeBinary(*BinaryOpOf(op), a, b, loc)));
    }
    if (op == "&&" || op == "||") {
      return Value::Scalar(Fold(kir::MakeBinary(*BinaryOpOf(op), ToBool(lhs, pos), ToBool(rhs, pos), loc)));
    }
    if (lp && rp && op == "-") {
      if (lhs.ctype != rhs.ctype) invalid();
      const kir::Expr diff = kir::MakeCast(kir::Type::I32, kir::MakeBinary(kir::BinaryOp::Sub, lhs.expr, rhs.expr, loc), loc);
      return Value::Scalar(Fold(kir::MakeBinary(kir::BinaryOp::Div, diff, Const(SizeOf(lhs.ctype), kir::Type::I32, pos), loc)));
    }
    if ((op == "+" && (lp != rp)) || (op == "-" && lp && !rp)) {
      const Value& ptr = lp ? lhs : rhs;
      const Value& offset = lp ? rhs : lhs;
      if (offset.kind != Value::Kind::Scalar) invalid();
      if (ptr.ctype == CType::Void) Error(pos, "arithmetic on a null pointer");
      const kir::Expr bytes = kir::MakeBinary(kir::BinaryOp::Mul, Convert(offset, CType::U32, pos),
                                              Const(SizeOf(ptr.ctype), kir::Type::U32, pos), loc);
      const kir::BinaryOp add = op == "+" ? kir::BinaryOp::Add : kir::BinaryOp::Sub;
      return Value::Pointer(Fold(kir::MakeBinary(add, ptr.expr, bytes, loc)), ptr.ctype);
    }
    invalid();
  }
  if (lhs.kind != Value::Kind::Scalar || rhs.kind != Value::Kind::Scalar) invalid();
  const std::optional<kir::BinaryOp> kop = BinaryOpOf(op);
  if (!kop) Error(pos, "unsupported operator '" + op + "'");
  return Value::Scalar(Fold(kir::MakeBinary(*kop, lhs.expr, rhs.expr, loc)));
}

void Lowerer::MaterializeIfNeeded(Value& value, size_t mark, const SourcePos& pos) {
  std::vector<kir::Stmt>& block = blocks_.back();
  if (block.size() <= mark) return;
  if (value.kind != Value::Kind::Scalar && value.kind != Value::Kind::Pointer) return;
  if (IsPureExpr(value.expr)) return;
  // The right operand ran statements (a helper call, an increment): the left one is taken before them.
  const kir::VarId var = NewVar("operand", value.expr.type(), true);
  block.insert(block.begin() + static_cast<std::ptrdiff_t>(mark), kir::MakeStmt(kir::LetStmt{var, value.expr}, Loc(pos)));
  value.expr = kir::MakeVar(kernel_, var, Loc(pos));
}

Lowerer::Lowered Lowerer::LowerDetached(const ast::Expr& expr) {
  PushBlock();
  Lowered result;
  try {
    result.value = LowerExpr(expr);
  } catch (...) {
    blocks_.pop_back();
    throw;
  }
  result.stmts = std::move(blocks_.back());
  blocks_.pop_back();
  return result;
}

Value Lowerer::LowerBinary(const ast::Expr& expr) {
  const std::string& op = expr.op;
  const SourcePos& pos = expr.pos;
  if (op == "&&" || op == "||") {
    const kir::Expr lhs = ToBool(LowerExpr(*expr.operands[0]), pos);
    Lowered rhs = LowerDetached(*expr.operands[1]);
    const kir::Expr rhs_bool = ToBool(rhs.value, pos);
    const kir::BinaryOp kop = op == "&&" ? kir::BinaryOp::LogicalAnd : kir::BinaryOp::LogicalOr;
    if (rhs.stmts.empty()) return Value::Scalar(Fold(kir::MakeBinary(kop, lhs, rhs_bool, Loc(pos))));
    // The right operand has statements: they run only when it is evaluated.
    const kir::VarId result = NewVar(op == "&&" ? "and" : "or", kir::Type::Bool, false);
    Emit(kir::MakeStmt(kir::LetStmt{result, lhs}, Loc(pos)));
    rhs.stmts.push_back(kir::MakeStmt(kir::AssignStmt{result, rhs_bool}, Loc(pos)));
    kir::Expr cond = kir::MakeVar(kernel_, result, Loc(pos));
    if (op == "||") cond = kir::MakeUnary(kir::UnaryOp::LogicalNot, cond, Loc(pos));
    Emit(kir::MakeStmt(kir::IfStmt{cond, kir::MakeStmt(kir::SeqStmt{std::move(rhs.stmts)}, Loc(pos)), nullptr}, Loc(pos)));
    return Value::Scalar(kir::MakeVar(kernel_, result, Loc(pos)));
  }
  Value lhs = LowerExpr(*expr.operands[0]);
  const size_t mark = blocks_.back().size();
  const Value rhs = LowerExpr(*expr.operands[1]);
  MaterializeIfNeeded(lhs, mark, pos);
  return Arithmetic(op, lhs, rhs, pos);
}

Value Lowerer::LowerUnary(const ast::Expr& expr) {
  const std::string& op = expr.op;
  const SourcePos& pos = expr.pos;
  const ast::Expr& operand = *expr.operands[0];
  if (op == "*") return Load(LowerLValue(expr));
  if (op == "&") {
    const LValue place = LowerLValue(operand);
    if (place.kind == LValue::Kind::Memory) return Value::Pointer(place.address, place.ctype);
    Error(pos, "unsupported: taking the address of '" + place.name +
                   "' (kernel variables live in registers; only L1 memory has addresses)");
  }
  if (op == "++" || op == "--" || op == "post++" || op == "post--") {
    const bool increment = op == "++" || op == "post++";
    const bool post = op.rfind("post", 0) == 0;
    const LValue place = LowerLValue(operand);
    Value old = Load(place);
    if (old.kind == Value::Kind::Scalar && old.ctype == CType::Bool) Error(pos, "cannot increment a bool");
    if (post && !IsPureExpr(old.expr)) {
      old.expr = Let(place.name.empty() ? "old" : place.name + "_old", old.expr, pos);
    }
    const Value one = Value::Scalar(Const(1, kir::Type::I32, pos));
    Store(place, Arithmetic(increment ? "+" : "-", old, one, pos), pos);
    return post ? old : Load(place);
  }
  const Value v = LowerExpr(operand);
  if (op == "!") return Value::Scalar(Fold(kir::MakeUnary(kir::UnaryOp::LogicalNot, ToBool(v, pos), Loc(pos))));
  if (v.kind != Value::Kind::Scalar) Error(pos, "invalid operand to unary '" + op + "' (" + v.Describe() + ")");
  if (op == "+") return Value::Scalar(v.expr);  // integral promotion only
  if (op == "-") return Value::Scalar(Fold(kir::MakeUnary(kir::UnaryOp::Neg, v.expr, Loc(pos))));
  if (op == "~") return Value::Scalar(Fold(kir::MakeUnary(kir::UnaryOp::BitNot, v.expr, Loc(pos))));
  Error(pos, "unsupported operator '" + op + "'");
}

Value Lowerer::LowerAssign(const ast::Expr& expr) {
  const SourcePos& pos = expr.pos;
  const std::string op = expr.op.substr(0, expr.op.size() - 1);
  const ast::Expr& target = *expr.operands[0];
  const ast::Expr& source = *expr.operands[1];
  if (op.empty()) {
    // C++17: the right side is evaluated before the left.
    if (source.kind == ast::ExprKind::InitList) {
      const LValue place = LowerLValue(target);
      if (place.kind == LValue::Kind::Entity &&
          (place.entity->kind == Entity::Kind::Struct || place.entity->kind == Entity::Kind::Array)) {
        InitializeAggregate(place.entity, source);
        return Value{};
      }
      if (source.operands.size() != 1) Error(source.pos, "expected one value in the braces");
      Store(place, LowerExpr(*source.operands[0]), pos);
      return Load(place);
    }
    const Value value = LowerExpr(source);
    const LValue place = LowerLValue(target);
    if (place.kind == LValue::Kind::Entity &&
        (place.entity->kind == Entity::Kind::Struct || place.entity->kind == Entity::Kind::Array)) {
      if (value.kind != Value::Kind::Aggregate || value.aggregate->struct_decl != place.entity->struct_decl ||
          value.aggregate->kind != place.entity->kind) {
        Error(pos, "cannot assign " + value.Describe() + " to '" + place.name + "'");
      }
      if (place.entity->kind == Entity::Kind::Array) Error(pos, "cannot assign to array '" + place.name + "'");
      if (place.entity->is_const) Error(pos, "cannot assign to const '" + place.name + "'");
      CopyAggregate(place.entity, value.aggregate, pos);
      return Value{};
    }
    Store(place, value, pos);
    return Load(place);
  }
  const Value rhs = LowerExpr(source);
  const LValue place = LowerLValue(target);
  const Value old = Load(place);
  Store(place, Arithmetic(op, old, rhs, pos), pos);
  return Load(place);
}

Value Lowerer::LowerConditional(const ast::Expr& expr) {
  const SourcePos& pos = expr.pos;
  const kir::Expr cond = ToBool(LowerExpr(*expr.operands[0]), pos);
  Lowered a = LowerDetached(*expr.operands[1]);
  Lowered b = LowerDetached(*expr.operands[2]);
  const bool pointers = a.value.kind == Value::Kind::Pointer || b.value.kind == Value::Kind::Pointer;
  if (a.value.kind == Value::Kind::Object || b.value.kind == Value::Kind::Object ||
      a.value.kind == Value::Kind::String || b.value.kind == Value::Kind::String) {
    const std::optional<uint64_t> known = ConstantValue(cond);
    if (!known || !a.stmts.empty() || !b.stmts.empty()) {
      Error(pos, "unsupported: choosing between " + a.value.Describe() + " and " + b.value.Describe() + " at run time");
    }
    return *known != 0 ? a.value : b.value;
  }
  if (a.value.kind == Value::Kind::Void && b.value.kind == Value::Kind::Void) {
    Emit(kir::MakeStmt(kir::IfStmt{cond, kir::MakeStmt(kir::SeqStmt{std::move(a.stmts)}, Loc(pos)),
                                   kir::MakeStmt(kir::SeqStmt{std::move(b.stmts)}, Loc(pos))},
                       Loc(pos)));
    return Value{};
  }
  if ((a.value.kind != Value::Kind::Scalar && a.value.kind != Value::Kind::Pointer) ||
      (b.value.kind != Value::Kind::Scalar && b.value.kind != Value::Kind::Pointer)) {
    Error(pos, "incompatible operands of ?: (" + a.value.Describe() + " and " + b.value.Describe() + ")");
  }
  const CType pointee = a.value.kind == Value::Kind::Pointer ? a.value.ctype : b.value.ctype;
  const kir::Expr x = pointers ? ToU32(a.value, pos) : a.value.expr;
  const kir::Expr y = pointers ? ToU32(b.value, pos) : b.value.expr;
  if (a.stmts.empty() && b.stmts.empty() && !MayTrapOrRead(x) && !MayTrapOrRead(y)) {
    const kir::Expr select = Fold(kir::MakeSelect(cond, x, y, Loc(pos)));
    return pointers ? Value::Pointer(select, pointee) : Value::Scalar(select);
  }
  const kir::Type type = kir::MakeSelect(cond, x, y).type();
  const kir::VarId result = NewVar("select", type, false);
  Emit(kir::MakeStmt(kir::LetStmt{result, Const(0, type, pos)}, Loc(pos)));
  auto convert = [&](const kir::Expr& e) { return e.type() == type ? e : kir::MakeCast(type, e, Loc(pos)); };
  a.stmts.push_back(kir::MakeStmt(kir::AssignStmt{result, convert(x)}, Loc(pos)));
  b.stmts.push_back(kir::MakeStmt(kir::AssignStmt{result, convert(y)}, Loc(pos)));
  Emit(kir::MakeStmt(kir::IfStmt{cond, kir::MakeStmt(kir::SeqStmt{std::move(a.stmts)}, Loc(pos)),
                                 kir::MakeStmt(kir::SeqStmt{std::move(b.stmts)}, Loc(pos))},
                     Loc(pos)));
  const kir::Expr ref = kir::MakeVar(kernel_, result, Loc(pos));
  return pointers ? Value::Pointer(ref, pointee) : Value::Scalar(ref);
}

// ---- Casts, members, subscripts, sizeof ----

Value Lowerer::CastTo(const Type& type, const Value& value, const std::string& kind, const SourcePos& pos) {
  switch (type.kind) {
    case Type::Kind::Void: return Value{};
    case Type::Kind::Scalar:
      if (value.kind != Value::Kind::Scalar && value.kind != Value::Kind::Pointer) {
        Error(pos, "cannot convert " + value.Describe() + " to " + type.Describe());
      }
      if (value.kind == Value::Kind::Pointer && SizeOf(type.scalar) < 4 && type.scalar != CType::Bool) {
        Error(pos, "casting a pointer to " + type.Describe() + " loses its address");
      }
      return Value::Scalar(Convert(value, type.scalar, pos), type.scalar);
    case Type::Kind::Pointer:
      if (value.kind == Value::Kind::Pointer) return Value::Pointer(value.expr, type.scalar);
      if (value.kind == Value::Kind::Scalar) {
        if (SizeOf(value.ctype) > 4) Error(pos, "an L1 address is 32-bit: cast the uint64_t to uint32_t first");
        return Value::Pointer(Convert(value, CType::U32, pos), type.scalar);
      }
      Error(pos, "cannot convert " + value.Describe() + " to " + type.Describe());
    case Type::Kind::Object:
      if (value.kind != Value::Kind::Object || value.object->kind != type.object) {
        Error(pos, "cannot convert " + value.Describe() + " to " + type.Describe());
      }
      return value;
    case Type::Kind::Struct:
      if (value.kind != Value::Kind::Aggregate || value.aggregate->struct_decl != type.struct_decl) {
        Error(pos, "cannot convert " + value.Describe() + " to " + type.Describe());
      }
      return value;
    case Type::Kind::Auto: Error(pos, "cannot " + kind + " to auto");
  }
  Error(pos, "unsupported cast");
}

Value Lowerer::LowerCast(const ast::Expr& expr) {
  const Type type = ResolveType(*expr.type);
  const ast::Expr& operand = *expr.operands[0];
  if (expr.op == "braced") {
    if (type.kind == Type::Kind::Object) return ConstructObject(type, &operand, {}, expr.pos);
    if (type.kind == Type::Kind::Struct) {
      EntityPtr temp = MakeStorage(type.struct_decl->name, type, expr.pos, false);
      InitializeAggregate(temp, operand);
      return ReadEntity(temp, expr.pos);
    }
    if (operand.operands.size() != 1) Error(expr.pos, "expected one value in the braces");
    return CastTo(type, LowerExpr(*operand.operands[0]), "convert", expr.pos);
  }
  if (expr.op == "functional" && type.kind == Type::Kind::Object) {
    return ConstructObject(type, nullptr, {&operand}, expr.pos);
  }
  return CastTo(type, LowerExpr(operand), "cast", expr.pos);
}

Value Lowerer::LowerMember(const ast::Expr& expr) {
  const SourcePos& pos = expr.pos;
  if (expr.arrow) Error(pos, "unsupported: '->' (pointers address integers in L1, not structs)");
  const Value base = LowerExpr(*expr.operands[0]);
  if (base.kind == Value::Kind::Object) return ObjectMember(*this, base, expr.text, pos);
  if (base.kind == Value::Kind::Aggregate && base.aggregate->kind == Entity::Kind::Struct) {
    const EntityPtr& s = base.aggregate;
    for (size_t i = 0; i < s->field_names.size(); ++i) {
      if (s->field_names[i] == expr.text) return ReadEntity(s->elements[i], pos);
    }
    Error(pos, "struct '" + s->struct_decl->name + "' has no member '" + expr.text + "'");
  }
  Error(pos, "member access '." + expr.text + "' on " + base.Describe());
}

Value Lowerer::LowerSubscript(const ast::Expr& expr) {
  const ast::Expr& base = *expr.operands[0];
  if (base.kind == ast::ExprKind::Name && base.name.parts.size() == 1 &&
      (base.name.last() == "my_x" || base.name.last() == "my_y") && Lookup(base.name) == nullptr) {
    const bc::Intrinsic intrinsic = base.name.last() == "my_x" ? bc::Intrinsic::my_x : bc::Intrinsic::my_y;
    CheckRole(intrinsic, base.name.last(), expr.pos);
    const kir::Expr noc = ToU32(LowerExpr(*expr.operands[1]), expr.pos);
    return Value::Scalar(Call(intrinsic, {noc}, expr.pos), CType::U8);
  }
  return Load(LowerLValue(expr));
}

namespace {

uint32_t SizeOfType(const Type& type, const SourcePos& pos, const Diagnostics& diag);

uint32_t SizeOfEntity(const EntityPtr& entity, const SourcePos& pos, const Diagnostics& diag) {
  switch (entity->kind) {
    case Entity::Kind::Var: return entity->is_pointer ? 4 : SizeOf(entity->ctype);
    case Entity::Kind::Array:
      return static_cast<uint32_t>(entity->elements.size()) * SizeOfEntity(entity->elements.front(), pos, diag);
    case Entity::Kind::Struct: {
      Type t;
      t.kind = Type::Kind::Struct;
      t.struct_decl = entity->struct_decl;
      uint32_t size = 0, align = 1;
      for (const EntityPtr& field : entity->elements) {
        const uint32_t s = SizeOfEntity(field, pos, diag);
        const uint32_t a = field->kind == Entity::Kind::Var ? std::min<uint32_t>(s, 8) : 4;
        size = (size + a - 1) / a * a + s;
        align = std::max(align, a);
      }
      return (size + align - 1) / align * align;
    }
    default: diag.Error(pos, "sizeof is not defined for '" + entity->name + "'");
  }
}

uint32_t SizeOfType(const Type& type, const SourcePos& pos, const Diagnostics& diag) {
  switch (type.kind) {
    case Type::Kind::Scalar: return SizeOf(type.scalar);
    case Type::Kind::Pointer: return 4;
    default: diag.Error(pos, "unsupported: sizeof(" + type.Describe() + ")");
  }
}

}  // namespace

Value Lowerer::LowerSizeOf(const ast::Expr& expr) {
  uint32_t size = 0;
  if (expr.type) {
    const Type type = ResolveType(*expr.type);
    if (type.kind == Type::Kind::Struct) {
      EntityPtr temp;
      PushBlock();  // storage made only to measure it; its statements are dropped
      temp = MakeStorage(type.struct_decl->name, type, expr.pos, false);
      blocks_.pop_back();
      size = SizeOfEntity(temp, expr.pos, diag_);
    } else {
      size = SizeOfType(type, expr.pos, diag_);
    }
  } else {
    const Lowered operand = LowerDetached(*expr.operands[0]);  // not evaluated, as in C++
    const Value& v = operand.value;
    if (v.kind == Value::Kind::Scalar) {
      size = SizeOf(v.ctype);
    } else if (v.kind == Value::Kind::Pointer) {
      size = 4;
    } else if (v.kind == Value::Kind::Aggregate) {
      size = SizeOfEntity(v.aggregate, expr.pos, diag_);
    } else if (v.kind == Value::Kind::String) {
      size = static_cast<uint32_t>(v.text.size() + 1);
    } else {
      Error(expr.pos, "unsupported: sizeof " + v.Describe());
    }
  }
  return Value::Scalar(Const(size, kir::Type::U32, expr.pos), CType::U32);
}

}  // namespace tilesim::metalium
