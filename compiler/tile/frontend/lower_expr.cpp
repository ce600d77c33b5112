// The binder: index expressions (integers over block indices and loop variables, folded where constant)
// and element-wise value expressions (the right-hand sides under T.Parallel).
#include <map>

#include "compiler/tile/frontend/binder.h"

namespace tilesim::tile::frontend {

namespace {

const tir::IndexConst* AsConst(const tir::Index& index) { return std::get_if<tir::IndexConst>(&index->node); }

// An index as sum(coefficient * term) + constant, where a term is a variable or a non-linear subtree
// (keyed by its structure), so `by * 128 + 128 - by * 128` is seen to be 128.
struct LinearForm {
  std::map<std::string, int64_t> terms;
  int64_t constant = 0;
};

std::string StructuralKey(const tir::Index& index) {
  return std::visit(
      [](const auto& node) -> std::string {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, tir::IndexConst>) {
          return std::to_string(node.value);
        } else if constexpr (std::is_same_v<T, tir::IndexVar>) {
          std::string key = "v";
          key += std::to_string(node.var.index);
          return key;
        } else if constexpr (std::is_same_v<T, tir::IndexBinary>) {
          std::string key = "(";
          key += StructuralKey(node.lhs);
          key += tir::ToString(node.op);
          key += StructuralKey(node.rhs);
          key += ")";
          return key;
        } else if constexpr (std::is_same_v<T, tir::IndexArg>) {
          return "arg:" + node.name;
        } else if constexpr (std::is_same_v<T, tir::IndexCompileTimeArg>) {
          return "cta" + std::to_string(node.index);
        } else {
          std::string key = "call" + std::to_string(static_cast<int>(node.intrinsic)) + "(";
          for (const tir::Index& arg : node.args) key += StructuralKey(arg) + ",";
          return key + ")";
        }
      },
      index->node);
}

// Scales and adds `form` into `into`; false on overflow (then the difference is simply not constant).
bool AddScaled(LinearForm& into, const LinearForm& form, int64_t scale) {
  int64_t scaled = 0;
  if (__builtin_mul_overflow(form.constant, scale, &scaled) || __builtin_add_overflow(into.constant, scaled, &into.constant)) return false;
  for (const auto& [term, coefficient] : form.terms) {
    if (__builtin_mul_overflow(coefficient, scale, &scaled) || __builtin_add_overflow(into.terms[term], scaled, &into.terms[term])) return false;
  }
  return true;
}

bool Linearize(const tir::Index& index, LinearForm& form) {
  if (const auto* value = AsConst(index)) {
    form.constant = value->value;
    return true;
  }
  if (const auto* binary = std::get_if<tir::IndexBinary>(&index->node)) {
    LinearForm lhs, rhs;
    if (binary->op == tir::IndexOp::Add || binary->op == tir::IndexOp::Sub) {
      if (!Linearize(binary->lhs, lhs) || !Linearize(binary->rhs, rhs)) return false;
      return AddScaled(form, lhs, 1) && AddScaled(form, rhs, binary->op == tir::IndexOp::Add ? 1 : -1);
    }
    if (binary->op == tir::IndexOp::Mul) {
      if (const auto* scale = AsConst(binary->rhs)) return Linearize(binary->lhs, lhs) && AddScaled(form, lhs, scale->value);
      if (const auto* scale = AsConst(binary->lhs)) return Linearize(binary->rhs, rhs) && AddScaled(form, rhs, scale->value);
    }
  }
  form.terms[StructuralKey(index)] = 1;
  return true;
}

}  // namespace

std::optional<int64_t> Binder::ConstantDifference(const tir::Index& upper, const tir::Index& lower) {
  LinearForm difference, a, b;
  if (!Linearize(upper, a) || !Linearize(lower, b)) return std::nullopt;
  if (!AddScaled(difference, a, 1) || !AddScaled(difference, b, -1)) return std::nullopt;
  for (const auto& [term, coefficient] : difference.terms) {
    if (coefficient != 0) return std::nullopt;
  }
  return difference.constant;
}

tir::Index Binder::FoldBinary(tir::IndexOp op, tir::Index lhs, tir::Index rhs, SourceLocation location) {
  const auto* a = AsConst(lhs);
  const auto* b = AsConst(rhs);
  if (a && b) return tir::MakeIndexConst(ApplyIntOp(op, a->value, b->value, location), location);
  if (b && b->value == 0 && (op == tir::IndexOp::FloorDiv || op == tir::IndexOp::FloorMod)) Fail(location, "division by zero");
  // x + 0, x * 1, 0 + x, 1 * x: keep the printed IR as the user would read it.
  if (b && ((b->value == 0 && (op == tir::IndexOp::Add || op == tir::IndexOp::Sub)) ||
            (b->value == 1 && (op == tir::IndexOp::Mul || op == tir::IndexOp::FloorDiv)))) {
    return lhs;
  }
  if (a && ((a->value == 0 && op == tir::IndexOp::Add) || (a->value == 1 && op == tir::IndexOp::Mul))) return rhs;
  return tir::MakeIndexBinary(op, std::move(lhs), std::move(rhs), location);
}

tir::Index Binder::LowerIndex(const Expr& expr) {
  const SourceLocation at = expr.location;
  switch (expr.kind) {
    case Expr::Kind::Integer: return tir::MakeIndexConst(expr.int_value, at);
    case Expr::Kind::Name: {
      NameEntry* entry = Lookup(expr.text);
      if (entry != nullptr) {
        if (const auto* var = std::get_if<IndexVarName>(entry)) return tir::MakeIndexVar(var->id, at);
        if (const auto* alias = std::get_if<IndexAlias>(entry)) return alias->value;
        if (std::holds_alternative<BufferName>(*entry)) Fail(at, "buffer " + expr.text + " used as an index");
        if (std::holds_alternative<ValueAlias>(*entry)) Fail(at, expr.text + " is an element value, not an index");
      }
      return tir::MakeIndexConst(EvaluateInt(expr, "the index " + expr.text), at);
    }
    case Expr::Kind::Unary:
      if (expr.text == "-") return FoldBinary(tir::IndexOp::Sub, tir::MakeIndexConst(0, at), LowerIndex(*expr.items[0]), at);
      if (expr.text == "+") return LowerIndex(*expr.items[0]);
      break;
    case Expr::Kind::Binary: {
      static const std::map<std::string, tir::IndexOp> kOps = {{"+", tir::IndexOp::Add}, {"-", tir::IndexOp::Sub},
                                                               {"*", tir::IndexOp::Mul}, {"//", tir::IndexOp::FloorDiv},
                                                               {"%", tir::IndexOp::FloorMod}};
      auto op = kOps.find(expr.text);
      if (op != kOps.end()) return FoldBinary(op->second, LowerIndex(*expr.items[0]), LowerIndex(*expr.items[1]), at);
      if (expr.text == "/") Fail(at, "'/' in an index expression: use // for integer division");
      return tir::MakeIndexConst(EvaluateInt(expr, "the index " + Unparse(expr)), at);
    }
    case Expr::Kind::Call: {
      std::optional<std::string> name = LanguageMember(*expr.base);
      if (!name) name = Builtin(*expr.base);
      if (!name) break;
      if (!expr.keywords.empty()) Fail(expr.keywords[0].location, *name + " takes no keyword arguments");
      if (*name == "ceildiv") {
        if (expr.items.size() != 2) Fail(at, "T.ceildiv takes 2 arguments, got " + std::to_string(expr.items.size()));
        tir::Index a = LowerIndex(*expr.items[0]);
        tir::Index b = LowerIndex(*expr.items[1]);
        tir::Index b_minus_one = FoldBinary(tir::IndexOp::Sub, b, tir::MakeIndexConst(1, at), at);
        return FoldBinary(tir::IndexOp::FloorDiv, FoldBinary(tir::IndexOp::Add, a, b_minus_one, at), b, at);
      }
      if (*name == "min" || *name == "max") {
        if (expr.items.size() < 2) Fail(at, *name + " needs at least 2 arguments in an index expression");
        const tir::IndexOp op = *name == "min" ? tir::IndexOp::Min : tir::IndexOp::Max;
        tir::Index result = LowerIndex(*expr.items[0]);
        for (size_t i = 1; i < expr.items.size(); ++i) result = FoldBinary(op, result, LowerIndex(*expr.items[i]), at);
        return result;
      }
      break;
    }
    default: break;
  }
  Fail(at, "unsupported in an index expression: " + Unparse(expr));
}

tir::Value Binder::LowerValue(const Expr& expr) {
  const SourceLocation at = expr.location;
  switch (expr.kind) {
    case Expr::Kind::Integer: return tir::MakeValueConst(static_cast<double>(expr.int_value), at);
    case Expr::Kind::Float: return tir::MakeValueConst(expr.float_value, at);
    case Expr::Kind::Name: {
      NameEntry* entry = Lookup(expr.text);
      if (entry != nullptr) {
        if (const auto* alias = std::get_if<ValueAlias>(entry)) return alias->value;
        if (std::holds_alternative<IndexVarName>(*entry) || std::holds_alternative<IndexAlias>(*entry)) {
          Fail(at, "unsupported: the index " + expr.text + " used as an element value");
        }
        if (std::holds_alternative<BufferName>(*entry)) Fail(at, "buffer " + expr.text + " needs indices here: " + expr.text + "[i, j]");
      }
      ConstValue value = Evaluate(expr);
      if (!value.is_number()) Fail(at, expr.text + " is " + value.Describe() + ", not a number");
      return tir::MakeValueConst(value.as_double(), at);
    }
    case Expr::Kind::Subscript: {
      const tir::BufferId id = BufferOperand(*expr.base, "a load");
      const tir::Buffer& target = buffer(id);
      if (expr.items.size() != target.shape.size()) {
        Fail(at, target.name + " has rank " + std::to_string(target.shape.size()) + " but " +
                     std::to_string(expr.items.size()) + " indices are given");
      }
      std::vector<tir::Index> indices;
      for (const ExprPtr& item : expr.items) {
        if (item->kind == Expr::Kind::Slice) Fail(item->location, "unsupported: a slice in an element-wise expression");
        indices.push_back(LowerIndex(*item));
      }
      return tir::MakeValueLoad(id, std::move(indices), at);
    }
    case Expr::Kind::Unary:
      if (expr.text == "-") return tir::MakeValueUnary(tir::ValueUnaryOp::Neg, LowerValue(*expr.items[0]), at);
      if (expr.text == "+") return LowerValue(*expr.items[0]);
      break;
    case Expr::Kind::Binary: {
      static const std::map<std::string, tir::ValueBinaryOp> kOps = {
          {"+", tir::ValueBinaryOp::Add}, {"-", tir::ValueBinaryOp::Sub}, {"*", tir::ValueBinaryOp::Mul},
          {"/", tir::ValueBinaryOp::Div}};
      auto op = kOps.find(expr.text);
      if (op == kOps.end()) Fail(at, "unsupported operator '" + expr.text + "' in an element-wise expression");
      return tir::MakeValueBinary(op->second, LowerValue(*expr.items[0]), LowerValue(*expr.items[1]), at);
    }
    case Expr::Kind::Call: {
      if (expr.base->kind == Expr::Kind::Attribute && expr.base->text == "astype" && !LanguageMember(*expr.base)) {
        if (expr.items.size() != 1 || !expr.keywords.empty()) Fail(at, "astype takes 1 argument (the dtype)");
        return tir::MakeValueCast(EvaluateDType(*expr.items[0]), LowerValue(*expr.base->base), at);
      }
      std::optional<std::string> name = LanguageMember(*expr.base);
      if (!name) name = Builtin(*expr.base);
      if (!name) break;
      if (!expr.keywords.empty()) Fail(expr.keywords[0].location, "unexpected keyword argument " + expr.keywords[0].name);
      auto arity = [&](size_t count) {
        if (expr.items.size() != count) {
          Fail(at, Unparse(*expr.base) + " takes " + std::to_string(count) + " argument" + (count == 1 ? "" : "s") +
                       ", got " + std::to_string(expr.items.size()));
        }
      };
      if (*name == "max" || *name == "min") {
        arity(2);
        const auto op = *name == "max" ? tir::ValueBinaryOp::Max : tir::ValueBinaryOp::Min;
        return tir::MakeValueBinary(op, LowerValue(*expr.items[0]), LowerValue(*expr.items[1]), at);
      }
      if (*name == "exp" || *name == "sqrt") {
        arity(1);
        const auto op = *name == "exp" ? tir::ValueUnaryOp::Exp : tir::ValueUnaryOp::Sqrt;
        return tir::MakeValueUnary(op, LowerValue(*expr.items[0]), at);
      }
      if (*name == "cast") {  // T.cast(x, dtype)
        arity(2);
        return tir::MakeValueCast(EvaluateDType(*expr.items[1]), LowerValue(*expr.items[0]), at);
      }
      if (*name == "Cast") {  // T.Cast(dtype, x), as TVM spells it
        arity(2);
        return tir::MakeValueCast(EvaluateDType(*expr.items[0]), LowerValue(*expr.items[1]), at);
      }
      if (IsDTypeName(*name) && LanguageMember(*expr.base)) {  // T.float32(0): a value of that dtype
        arity(1);
        return tir::MakeValueCast(EvaluateDType(*expr.base), LowerValue(*expr.items[0]), at);
      }
      Fail(at, "unsupported in an element-wise expression: " + Unparse(*expr.base));
    }
    default: break;
  }
  Fail(at, "unsupported in an element-wise expression: " + Unparse(expr));
}

}  // namespace tilesim::tile::frontend
