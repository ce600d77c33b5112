// Lowering basics: C types, values, IR building helpers, integral conversions, compile-time values,
// blocks and name lookup.
#include <functional>

#include "compiler/frontends/metalium/builtin_names.h"
#include "compiler/frontends/metalium/lowering.h"
#include "compiler/kernel_ir/constant_fold.h"
#include "tilesim/compiler.h"

namespace tilesim::metalium {

kir::Type KirType(CType type) {
  switch (type) {
    case CType::Bool: return kir::Type::Bool;
    case CType::U32: return kir::Type::U32;
    case CType::U64: return kir::Type::U64;
    default: return kir::Type::I32;  // int and the promoted narrow types
  }
}

CType CTypeOf(kir::Type type) {
  switch (type) {
    case kir::Type::Bool: return CType::Bool;
    case kir::Type::I32: return CType::I32;
    case kir::Type::U32: return CType::U32;
    case kir::Type::U64: return CType::U64;
  }
  return CType::U32;
}

std::string CTypeName(CType type) {
  switch (type) {
    case CType::Void: return "void";
    case CType::Bool: return "bool";
    case CType::I8: return "int8_t";
    case CType::U8: return "uint8_t";
    case CType::I16: return "int16_t";
    case CType::U16: return "uint16_t";
    case CType::I32: return "int32_t";
    case CType::U32: return "uint32_t";
    case CType::U64: return "uint64_t";
  }
  return "?";
}

uint32_t SizeOf(CType type) {
  switch (type) {
    case CType::Void: return 1;
    case CType::Bool:
    case CType::I8:
    case CType::U8: return 1;
    case CType::I16:
    case CType::U16: return 2;
    case CType::I32:
    case CType::U32: return 4;
    case CType::U64: return 8;
  }
  return 4;
}

Value Value::Scalar(kir::Expr expr, CType ctype) {
  Value v;
  v.kind = Kind::Scalar;
  v.expr = std::move(expr);
  v.ctype = ctype;
  return v;
}

Value Value::Scalar(kir::Expr expr) {
  const CType ctype = CTypeOf(expr.type());
  return Scalar(std::move(expr), ctype);
}

Value Value::Pointer(kir::Expr address, CType pointee) {
  Value v;
  v.kind = Kind::Pointer;
  v.expr = std::move(address);
  v.ctype = pointee;
  return v;
}

Value Value::Of(ObjectPtr object) {
  Value v;
  v.kind = Kind::Object;
  v.object = std::move(object);
  return v;
}

std::string Value::Describe() const {
  switch (kind) {
    case Kind::Void: return "void";
    case Kind::Scalar: return CTypeName(ctype);
    case Kind::Pointer: return "a pointer to " + CTypeName(ctype);
    case Kind::Object: return object ? object->type_name : "an object";
    case Kind::Aggregate:
      return aggregate && aggregate->kind == Entity::Kind::Array ? "an array" : "struct '" + (aggregate ? aggregate->name : "") + "'";
    case Kind::String: return "a string literal";
  }
  return "a value";
}

std::string Type::Describe() const {
  switch (kind) {
    case Kind::Void: return "void";
    case Kind::Scalar: return CTypeName(scalar);
    case Kind::Pointer: return CTypeName(scalar) + "*";
    case Kind::Object: return object_name;
    case Kind::Struct: return struct_decl ? struct_decl->name : "struct";
    case Kind::Auto: return "auto";
  }
  return "?";
}

Lowerer::Lowerer(Diagnostics& diag, const FrontEndOptions& options,
                 std::optional<std::span<const uint32_t>> compile_time_args)
    : diag_(diag), options_(options) {
  if (compile_time_args) compile_time_args_ = std::vector<uint32_t>(compile_time_args->begin(), compile_time_args->end());
}

kir::SourceLocation Lowerer::Loc(const SourcePos& pos) const {
  return kir::SourceLocation{pos.file, pos.line, pos.column};
}

void Lowerer::Emit(kir::Stmt stmt) { blocks_.back().push_back(std::move(stmt)); }

void Lowerer::CheckRole(bc::Intrinsic intrinsic, const std::string& spelled, const SourcePos& pos) const {
  const bc::IntrinsicInfo& info = bc::Info(intrinsic);
  if (info.allowed_in(options_.role)) return;
  const bool compute_only = (info.roles & kRoleMaskDataMovement) == 0;
  Error(pos, "'" + spelled + "' is not available in a " + std::string(ToString(options_.role)) + " kernel (" +
                 (compute_only ? "it is a compute API" : "it runs on the data movement cores") + ")");
}

void Lowerer::EmitCall(bc::Intrinsic intrinsic, std::vector<kir::Expr> args, const SourcePos& pos) {
  Emit(kir::MakeStmt(kir::EvaluateStmt{kir::MakeCall(intrinsic, std::move(args), Loc(pos))}, Loc(pos)));
}

kir::Expr Lowerer::Call(bc::Intrinsic intrinsic, std::vector<kir::Expr> args, const SourcePos& pos) {
  return kir::MakeCall(intrinsic, std::move(args), Loc(pos));
}

kir::VarId Lowerer::NewVar(const std::string& name, kir::Type type, bool is_const) {
  kernel_.vars.push_back(kir::VarInfo{name, type, is_const});
  return kir::VarId{static_cast<uint32_t>(kernel_.vars.size() - 1)};
}

kir::Expr Lowerer::Let(const std::string& name, kir::Expr init, const SourcePos& pos, bool is_const) {
  const kir::VarId var = NewVar(name, init.type(), is_const);
  Emit(kir::MakeStmt(kir::LetStmt{var, std::move(init)}, Loc(pos)));
  return kir::MakeVar(kernel_, var, Loc(pos));
}

namespace {

// Does the expression read anything that may change (variables, memory, device state)?
bool IsPure(const kir::Expr& expr) {
  if (!expr.defined()) return false;
  return std::visit(
      [](const auto& node) -> bool {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, kir::ConstExpr> || std::is_same_v<T, kir::CompileTimeArgExpr>) {
          return true;
        } else if constexpr (std::is_same_v<T, kir::UnaryExpr> || std::is_same_v<T, kir::CastExpr>) {
          return IsPure(node.operand);
        } else if constexpr (std::is_same_v<T, kir::BinaryExpr>) {
          return IsPure(node.lhs) && IsPure(node.rhs);
        } else if constexpr (std::is_same_v<T, kir::SelectExpr>) {
          return IsPure(node.cond) && IsPure(node.if_true) && IsPure(node.if_false);
        } else {
          return false;
        }
      },
      expr->node);
}

bool UsesCompileTimeArgs(const kir::Expr& expr) {
  if (!expr.defined()) return false;
  return std::visit(
      [](const auto& node) -> bool {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, kir::CompileTimeArgExpr>) {
          return true;
        } else if constexpr (std::is_same_v<T, kir::UnaryExpr> || std::is_same_v<T, kir::CastExpr>) {
          return UsesCompileTimeArgs(node.operand);
        } else if constexpr (std::is_same_v<T, kir::BinaryExpr>) {
          return UsesCompileTimeArgs(node.lhs) || UsesCompileTimeArgs(node.rhs);
        } else if constexpr (std::is_same_v<T, kir::SelectExpr>) {
          return UsesCompileTimeArgs(node.cond) || UsesCompileTimeArgs(node.if_true) ||
                 UsesCompileTimeArgs(node.if_false);
        } else {
          return false;
        }
      },
      expr->node);
}

}  // namespace

bool IsPureExpr(const kir::Expr& expr) { return IsPure(expr); }

kir::Expr Lowerer::Snapshot(const std::string& name, kir::Expr expr, const SourcePos& pos) {
  if (IsPure(expr)) return expr;
  return Let(name, std::move(expr), pos);
}

kir::Expr Lowerer::Const(uint64_t value, kir::Type type, const SourcePos& pos) const {
  return kir::MakeConst(value, type, Loc(pos));
}

kir::Expr Lowerer::Fold(kir::Expr expr) const {
  if (!expr.defined()) return expr;
  if (std::holds_alternative<kir::ConstExpr>(expr->node)) return expr;
  if (std::optional<uint64_t> value = kir::FoldConstant(expr)) {
    return kir::MakeConst(*value, expr.type(), expr->location);
  }
  return expr;
}

std::optional<uint64_t> Lowerer::ConstantValue(const kir::Expr& expr) const {
  if (!expr.defined()) return std::nullopt;
  return kir::FoldConstant(expr);
}

uint64_t Lowerer::RequireConstant(const kir::Expr& expr, const std::string& what, const SourcePos& pos) const {
  if (std::optional<uint64_t> value = ConstantValue(expr)) return *value;
  if (UsesCompileTimeArgs(expr)) {
    Error(pos, what + " depends on get_compile_time_arg_val(): compile the kernel with its compile-time args "
                      "(ParseKernel with compile_time_args, or --compile-args)");
  }
  Error(pos, what + " must be a compile-time constant");
}

kir::Expr Lowerer::CompileTimeArg(uint32_t index, const SourcePos& pos) const {
  if (compile_time_args_) {
    if (index >= compile_time_args_->size()) {
      Error(pos, "compile-time arg " + std::to_string(index) + " requested, " +
                     std::to_string(compile_time_args_->size()) + " given");
    }
    return Const((*compile_time_args_)[index], kir::Type::U32, pos);
  }
  return kir::MakeCompileTimeArg(index, Loc(pos));
}

std::optional<uint32_t> Lowerer::KnownCompileTimeArg(uint32_t index) const {
  if (!compile_time_args_ || index >= compile_time_args_->size()) return std::nullopt;
  return (*compile_time_args_)[index];
}

kir::Expr Lowerer::Convert(const Value& value, CType to, const SourcePos& pos) const {
  if (value.kind == Value::Kind::Pointer) {
    if (to == CType::Bool) return Fold(kir::MakeBinary(kir::BinaryOp::Ne, value.expr, Const(0, kir::Type::U32, pos)));
    Value address = Value::Scalar(value.expr, CType::U32);
    return Convert(address, to, pos);
  }
  if (value.kind != Value::Kind::Scalar) Error(pos, "expected an integer, found " + value.Describe());
  const kir::Expr& e = value.expr;
  const kir::SourceLocation loc = Loc(pos);
  auto cast = [&](kir::Type type, const kir::Expr& x) { return x.type() == type ? x : kir::MakeCast(type, x, loc); };
  kir::Expr result;
  switch (to) {
    case CType::Void: Error(pos, "cannot convert to void here");
    case CType::Bool:
    case CType::I32:
    case CType::U32:
    case CType::U64: result = cast(KirType(to), e); break;
    case CType::U8:
    case CType::U16: {
      const uint32_t mask = to == CType::U8 ? 0xffu : 0xffffu;
      result = cast(kir::Type::I32, kir::MakeBinary(kir::BinaryOp::BitAnd, cast(kir::Type::U32, e),
                                                    Const(mask, kir::Type::U32, pos), loc));
      break;
    }
    case CType::I8:
    case CType::I16: {
      const uint32_t shift = to == CType::I8 ? 24 : 16;
      kir::Expr up = kir::MakeBinary(kir::BinaryOp::Shl, cast(kir::Type::U32, e), Const(shift, kir::Type::U32, pos), loc);
      result = kir::MakeBinary(kir::BinaryOp::Shr, cast(kir::Type::I32, up), Const(shift, kir::Type::U32, pos), loc);
      break;
    }
  }
  return Fold(result);
}

kir::Expr Lowerer::ToU32(const Value& value, const SourcePos& pos) const { return Convert(value, CType::U32, pos); }
kir::Expr Lowerer::ToU64(const Value& value, const SourcePos& pos) const { return Convert(value, CType::U64, pos); }
kir::Expr Lowerer::ToBool(const Value& value, const SourcePos& pos) const { return Convert(value, CType::Bool, pos); }

uint32_t Lowerer::AddString(const std::string& text) {
  auto it = strings_.find(text);
  if (it != strings_.end()) return it->second;
  kernel_.strings.push_back(text);
  const uint32_t index = static_cast<uint32_t>(kernel_.strings.size() - 1);
  strings_[text] = index;
  return index;
}

kir::VarId Lowerer::MatmulTransposeVar() {
  if (!matmul_transpose_var_) {
    matmul_transpose_var_ = NewVar("matmul_transpose", kir::Type::U32, false);
    prologue_.push_back(kir::MakeStmt(kir::LetStmt{*matmul_transpose_var_, Const(0, kir::Type::U32, {})}));
  }
  return *matmul_transpose_var_;
}

// ---- Blocks and scopes ----

kir::Stmt Lowerer::PopBlock(const SourcePos& pos) {
  std::vector<kir::Stmt> stmts = std::move(blocks_.back());
  blocks_.pop_back();
  return kir::MakeStmt(kir::SeqStmt{std::move(stmts)}, Loc(pos));
}

void Lowerer::Declare(const std::string& name, EntityPtr entity, const SourcePos& pos) {
  auto& scope = scopes_.back();
  auto it = scope.find(name);
  if (it != scope.end() && it->second->kind != Entity::Kind::Functions) {
    Error(pos, "redefinition of '" + name + "' (first declared at " + diag_.Describe(it->second->pos) + ")");
  }
  scope[name] = std::move(entity);
}

EntityPtr Lowerer::LookupKey(const std::string& key) const {
  const size_t base = functions_.empty() ? 1 : std::max<size_t>(1, functions_.back().scope_base);
  for (size_t i = scopes_.size(); i > base; --i) {
    auto it = scopes_[i - 1].find(key);
    if (it != scopes_[i - 1].end()) return it->second;
  }
  auto it = scopes_.front().find(key);
  return it != scopes_.front().end() ? it->second : nullptr;
}

EntityPtr Lowerer::Lookup(const ast::QualifiedName& name) const {
  // Namespaces are flattened, so `ns::f` is found as `f`. A name qualified with a kernel API namespace
  // (std::max, tt::CBIndex) never means a local variable of the same last name.
  bool api_qualified = false;
  for (size_t k = 0; k < name.parts.size(); ++k) {
    std::string key;
    for (size_t i = k; i < name.parts.size(); ++i) key += (key.empty() ? "" : "::") + name.parts[i];
    if (EntityPtr entity = LookupKey(key)) {
      const bool declaration = entity->kind == Entity::Kind::Functions || entity->kind == Entity::Kind::TypeName;
      if (!api_qualified || declaration) return entity;
    }
    api_qualified = api_qualified || IsBuiltinNamespace(name.parts[k]);
  }
  return nullptr;
}

}  // namespace tilesim::metalium
