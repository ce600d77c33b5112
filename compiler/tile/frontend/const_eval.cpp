// The binder's scopes and compile-time evaluation: constants, shapes, dtypes, module paths.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "compiler/tile/frontend/binder.h"

namespace tilesim::tile::frontend {

namespace {

constexpr std::string_view kBuiltins[] = {"min", "max", "range", "int", "float"};

// TileLang's dtype names (T.float32...) that may appear as attributes; only two are emulated.
constexpr std::string_view kDTypeNames[] = {"bfloat16", "float32", "float", "float16", "half", "float64",
                                            "int8", "int16", "int32", "int64", "uint8", "uint16",
                                            "uint32", "uint64", "bool", "float8_e4m3", "float8_e5m2"};

}  // namespace

bool IsDTypeName(std::string_view name) {
  return std::find(std::begin(kDTypeNames), std::end(kDTypeNames), name) != std::end(kDTypeNames);
}

namespace {

// open + inner + close, built by appending: GCC 12 mis-warns (-Wrestrict) on `"(" + f() + ")"`.
std::string Wrap(std::string_view open, const std::string& inner, std::string_view close) {
  std::string text(open);
  text += inner;
  text += close;
  return text;
}

std::string FormatDouble(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  std::string result = text;
  if (result.find_first_of(".eEn") == std::string::npos) result += ".0";
  return result;
}

}  // namespace

std::string ConstValue::Describe() const {
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return FormatDouble(*d);
  if (const auto* s = std::get_if<std::string>(&value)) return "\"" + *s + "\"";
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "True" : "False";
  return "None";
}

SourceLocation StartOf(const Expr& expr) {
  switch (expr.kind) {
    case Expr::Kind::Binary:
    case Expr::Kind::Compare:
    case Expr::Kind::BoolOp:
    case Expr::Kind::IfElse: return StartOf(*expr.items[0]);
    case Expr::Kind::Attribute:
    case Expr::Kind::Call:
    case Expr::Kind::Subscript: return StartOf(*expr.base);
    default: return expr.location;
  }
}

std::string Unparse(const Expr& expr) {
  auto operand = [](const Expr& e) {
    const bool wrap = e.kind == Expr::Kind::Binary || e.kind == Expr::Kind::Compare || e.kind == Expr::Kind::BoolOp ||
                      e.kind == Expr::Kind::IfElse;
    return wrap ? Wrap("(", Unparse(e), ")") : Unparse(e);
  };
  auto join = [](const std::vector<ExprPtr>& items) {
    std::string text;
    for (size_t i = 0; i < items.size(); ++i) {
    text += i ? ", " : "";
    text += (items[i] ? Unparse(*items[i]) : std::string());
  }
    return text;
  };
  switch (expr.kind) {
    case Expr::Kind::Name: return expr.text;
    case Expr::Kind::Integer: return std::to_string(expr.int_value);
    case Expr::Kind::Float: return FormatDouble(expr.float_value);
    case Expr::Kind::String: return "\"" + expr.text + "\"";
    case Expr::Kind::Bool: return expr.int_value ? "True" : "False";
    case Expr::Kind::None: return "None";
    case Expr::Kind::Attribute: return Unparse(*expr.base) + "." + expr.text;
    case Expr::Kind::Call: {
      std::string text = Unparse(*expr.base) + "(" + join(expr.items);
      for (size_t i = 0; i < expr.keywords.size(); ++i) {
        text += i || !expr.items.empty() ? ", " : "";
        text += expr.keywords[i].name + "=" + Unparse(*expr.keywords[i].value);
      }
      return text + ")";
    }
    case Expr::Kind::Subscript: return Unparse(*expr.base) + "[" + join(expr.items) + "]";
    case Expr::Kind::Slice: {
      std::string text = expr.items[0] ? Unparse(*expr.items[0]) : "";
      text += ":";
      if (expr.items[1]) text += Unparse(*expr.items[1]);
      if (expr.items[2]) text += Wrap(":", Unparse(*expr.items[2]), "");
      return text;
    }
    case Expr::Kind::Tuple: return Wrap("(", join(expr.items), expr.items.size() == 1 ? ",)" : ")");
    case Expr::Kind::List: return Wrap("[", join(expr.items), "]");
    case Expr::Kind::Dict: return "{...}";
    case Expr::Kind::Binary:
    case Expr::Kind::Compare:
    case Expr::Kind::BoolOp: return operand(*expr.items[0]) + " " + expr.text + " " + operand(*expr.items[1]);
    case Expr::Kind::Unary: return expr.text + (expr.text == "not" ? " " : "") + operand(*expr.items[0]);
    case Expr::Kind::Lambda: return Wrap("lambda " + expr.text + ": ", Unparse(*expr.items[0]), "");
    case Expr::Kind::IfElse:
      return operand(*expr.items[0]) + " if " + operand(*expr.items[1]) + " else " + operand(*expr.items[2]);
  }
  return "?";
}

void Binder::Fail(SourceLocation location, const std::string& message) const { ThrowAt(module_.file, location, message); }

NameEntry* Binder::Lookup(const std::string& name) {
  const size_t limit = std::min(scopes_.size(), lookup_limit_);
  for (size_t level = limit; level-- > 0;) {
    auto found = scopes_[level].find(name);
    if (found != scopes_[level].end()) {
      last_lookup_level_ = level;
      return &found->second;
    }
  }
  return nullptr;
}

void Binder::Define(const std::string& name, NameEntry entry, SourceLocation location) {
  auto& scope = scopes_.back();
  auto found = scope.find(name);
  if (found != scope.end()) {
    const bool replaceable = std::holds_alternative<LazyConst>(found->second) ||
                             std::holds_alternative<ModuleAlias>(found->second) ||
                             std::holds_alternative<FunctionName>(found->second);
    if (!replaceable) Fail(location, name + " is already defined");
    scope.erase(found);
  }
  // A buffer or variable may not shadow one of an enclosing kernel scope either: the IR has one namespace.
  if (!std::holds_alternative<LazyConst>(entry) && !std::holds_alternative<ModuleAlias>(entry)) {
    if (NameEntry* outer = Lookup(name)) {
      if (std::holds_alternative<BufferName>(*outer) || std::holds_alternative<IndexVarName>(*outer)) {
        Fail(location, name + " is already defined");
      }
    }
  }
  scope.emplace(name, std::move(entry));
}

std::optional<std::string> Binder::ModulePath(const Expr& expr) {
  if (expr.kind == Expr::Kind::Name) {
    NameEntry* entry = Lookup(expr.text);
    if (entry == nullptr) return std::nullopt;
    if (const auto* alias = std::get_if<ModuleAlias>(entry)) return alias->path;
    return std::nullopt;
  }
  if (expr.kind == Expr::Kind::Attribute) {
    std::optional<std::string> base = ModulePath(*expr.base);
    if (base) return *base + "." + expr.text;
  }
  return std::nullopt;
}

std::optional<std::string> Binder::LanguageMember(const Expr& expr) {
  static constexpr std::string_view kLanguage = "tilelang.language.";
  std::optional<std::string> path = ModulePath(expr);
  if (!path || !path->starts_with(kLanguage)) return std::nullopt;
  std::string member = path->substr(kLanguage.size());
  if (member.find('.') != std::string::npos) return std::nullopt;
  return member;
}

std::optional<std::string> Binder::Builtin(const Expr& expr) {
  if (expr.kind != Expr::Kind::Name || Lookup(expr.text) != nullptr) return std::nullopt;
  for (std::string_view builtin : kBuiltins) {
    if (expr.text == builtin) return expr.text;
  }
  return std::nullopt;
}

int64_t Binder::ApplyIntOp(tir::IndexOp op, int64_t lhs, int64_t rhs, SourceLocation location) const {
  int64_t result = 0;
  bool overflow = false;
  switch (op) {
    case tir::IndexOp::Add: overflow = __builtin_add_overflow(lhs, rhs, &result); break;
    case tir::IndexOp::Sub: overflow = __builtin_sub_overflow(lhs, rhs, &result); break;
    case tir::IndexOp::Mul: overflow = __builtin_mul_overflow(lhs, rhs, &result); break;
    case tir::IndexOp::FloorDiv:
    case tir::IndexOp::FloorMod: {
      if (rhs == 0) Fail(location, "division by zero");
      if (lhs == INT64_MIN && rhs == -1) Fail(location, "integer overflow");
      int64_t quotient = lhs / rhs;
      int64_t remainder = lhs % rhs;
      if (remainder != 0 && ((remainder < 0) != (rhs < 0))) {  // round towards minus infinity, as Python does
        --quotient;
        remainder += rhs;
      }
      result = op == tir::IndexOp::FloorDiv ? quotient : remainder;
      break;
    }
    case tir::IndexOp::Min: result = std::min(lhs, rhs); break;
    case tir::IndexOp::Max: result = std::max(lhs, rhs); break;
    case tir::IndexOp::BitAnd: result = lhs & rhs; break;
    case tir::IndexOp::Lt: result = lhs < rhs; break;
    case tir::IndexOp::Ne: result = lhs != rhs; break;
  }
  if (overflow) Fail(location, "integer overflow");
  return result;
}

ConstValue Binder::EvaluateLazy(LazyConst& constant, size_t level, const std::string& name, SourceLocation use) {
  if (constant.value) return *constant.value;
  if (constant.expr == nullptr) Fail(constant.location, constant.unbound_message);
  if (constant.evaluating) Fail(use, name + " is defined in terms of itself");
  constant.evaluating = true;
  const size_t saved_limit = lookup_limit_;
  lookup_limit_ = level + 1;  // evaluate it where it was defined
  try {
    constant.value = Evaluate(*constant.expr);
  } catch (...) {
    constant.evaluating = false;
    lookup_limit_ = saved_limit;
    throw;
  }
  constant.evaluating = false;
  lookup_limit_ = saved_limit;
  return *constant.value;
}

ConstValue Binder::Evaluate(const Expr& expr) {
  const SourceLocation at = expr.location;
  switch (expr.kind) {
    case Expr::Kind::Integer: return {expr.int_value};
    case Expr::Kind::Float: return {expr.float_value};
    case Expr::Kind::String: return {expr.text};
    case Expr::Kind::Bool: return {expr.int_value != 0};
    case Expr::Kind::None: return {std::monostate{}};
    case Expr::Kind::Name: {
      NameEntry* entry = Lookup(expr.text);
      if (entry == nullptr) {
        if (Builtin(expr)) Fail(at, expr.text + " is a function, not a value");
        Fail(at, "unknown name '" + expr.text + "'");
      }
      if (auto* lazy = std::get_if<LazyConst>(entry)) return EvaluateLazy(*lazy, last_lookup_level_, expr.text, at);
      if (const auto* alias = std::get_if<IndexAlias>(entry)) {
        if (const auto* value = std::get_if<tir::IndexConst>(&alias->value->node)) return {value->value};
      }
      if (std::holds_alternative<ModuleAlias>(*entry)) Fail(at, expr.text + " is a module, not a value");
      if (std::holds_alternative<BufferName>(*entry)) Fail(at, "buffer " + expr.text + " is not a constant");
      if (std::holds_alternative<FunctionName>(*entry)) Fail(at, expr.text + " is a function, not a value");
      Fail(at, expr.text + " is not a constant here (it depends on a block index or loop variable)");
    }
    case Expr::Kind::Attribute: {
      if (std::optional<std::string> member = LanguageMember(expr)) {
        if (IsDTypeName(*member)) return {*member};
        Fail(at, Unparse(expr) + " is not a constant");
      }
      Fail(at, "unsupported in a constant expression: " + Unparse(expr));
    }
    case Expr::Kind::Unary: {
      if (expr.text != "-" && expr.text != "+") Fail(at, "unsupported operator '" + expr.text + "' in a constant expression");
      ConstValue operand = Evaluate(*expr.items[0]);
      if (!operand.is_number()) Fail(at, "unary " + expr.text + " needs a number, not " + operand.Describe());
      if (expr.text == "+") return operand;
      if (operand.is_int()) return {ApplyIntOp(tir::IndexOp::Sub, 0, operand.as_int(), at)};
      return {-operand.as_double()};
    }
    case Expr::Kind::Binary: {
      ConstValue lhs = Evaluate(*expr.items[0]);
      ConstValue rhs = Evaluate(*expr.items[1]);
      const std::string& op = expr.text;
      if (!lhs.is_number() || !rhs.is_number()) {
        Fail(at, "operator " + op + " needs numbers, not " + lhs.Describe() + " and " + rhs.Describe());
      }
      if (lhs.is_int() && rhs.is_int()) {
        const int64_t a = lhs.as_int();
        const int64_t b = rhs.as_int();
        if (op == "+") return {ApplyIntOp(tir::IndexOp::Add, a, b, at)};
        if (op == "-") return {ApplyIntOp(tir::IndexOp::Sub, a, b, at)};
        if (op == "*") return {ApplyIntOp(tir::IndexOp::Mul, a, b, at)};
        if (op == "//") return {ApplyIntOp(tir::IndexOp::FloorDiv, a, b, at)};
        if (op == "%") return {ApplyIntOp(tir::IndexOp::FloorMod, a, b, at)};
        if (op == "**") {
          if (b < 0) return {std::pow(static_cast<double>(a), static_cast<double>(b))};
          int64_t result = 1;
          for (int64_t i = 0; i < b && result != 0; ++i) {
            result = ApplyIntOp(tir::IndexOp::Mul, result, a, at);
            if (a == 1 || a == -1) {
              result = (a == -1 && (b % 2) != 0) ? -1 : 1;
              break;
            }
          }
          return {result};
        }
      }
      const double a = lhs.as_double();
      const double b = rhs.as_double();
      if (op == "+") return {a + b};
      if (op == "-") return {a - b};
      if (op == "*") return {a * b};
      if (op == "**") return {std::pow(a, b)};
      if (op == "/" || op == "//" || op == "%") {
        if (b == 0) Fail(at, "division by zero");
        if (op == "/") return {a / b};
        if (op == "//") return {std::floor(a / b)};
        return {a - b * std::floor(a / b)};
      }
      Fail(at, "unsupported operator '" + op + "' in a constant expression");
    }
    case Expr::Kind::Call: {
      std::optional<std::string> name = LanguageMember(*expr.base);
      if (name && *name == "ceildiv") {
        if (expr.items.size() != 2 || !expr.keywords.empty()) Fail(at, "T.ceildiv takes 2 arguments");
        const int64_t a = EvaluateInt(*expr.items[0], "T.ceildiv's first argument");
        const int64_t b = EvaluateInt(*expr.items[1], "T.ceildiv's second argument");
        if (b == 0) Fail(at, "division by zero");
        return {ApplyIntOp(tir::IndexOp::FloorDiv, ApplyIntOp(tir::IndexOp::Add, a, b - 1, at), b, at)};
      }
      if (!name) name = Builtin(*expr.base);
      if (name && (*name == "min" || *name == "max")) {
        if (expr.items.empty() || !expr.keywords.empty()) Fail(at, *name + " needs at least one argument");
        ConstValue best = Evaluate(*expr.items[0]);
        for (size_t i = 0; i < expr.items.size(); ++i) {
          ConstValue next = Evaluate(*expr.items[i]);
          if (!next.is_number()) Fail(expr.items[i]->location, *name + " needs numbers, not " + next.Describe());
          const bool better = *name == "min" ? next.as_double() < best.as_double() : next.as_double() > best.as_double();
          if (i == 0 || better) best = next;
        }
        return best;
      }
      if (name && (*name == "int" || *name == "float") && expr.items.size() == 1 && expr.keywords.empty()) {
        ConstValue operand = Evaluate(*expr.items[0]);
        if (!operand.is_number()) Fail(at, *name + "() needs a number, not " + operand.Describe());
        if (*name == "float") return {operand.as_double()};
        if (operand.is_int()) return operand;
        const double truncated = std::trunc(operand.as_double());
        if (!(std::fabs(truncated) < 9.2e18)) Fail(at, "integer overflow");
        return {static_cast<int64_t>(truncated)};
      }
      Fail(at, "unsupported in a constant expression: " + Unparse(*expr.base) + "(...)");
    }
    default: break;
  }
  Fail(at, "unsupported in a constant expression: " + Unparse(expr));
}

int64_t Binder::EvaluateInt(const Expr& expr, const std::string& what) {
  ConstValue value = Evaluate(expr);
  if (value.is_int()) return value.as_int();
  std::string message = what + " must be an integer, but " + Unparse(expr) + " is " + value.Describe();
  if (std::holds_alternative<double>(value.value)) message += " (use // for integer division)";
  Fail(StartOf(expr), message);
}

std::vector<int64_t> Binder::EvaluateShape(const Expr& expr, const std::string& owner) {
  std::vector<const Expr*> dims;
  if (expr.kind == Expr::Kind::Tuple || expr.kind == Expr::Kind::List) {
    for (const ExprPtr& item : expr.items) dims.push_back(item.get());
  } else {
    dims.push_back(&expr);
  }
  if (dims.empty()) Fail(expr.location, "the shape of " + owner + " is empty");
  if (dims.size() > 2) {
    Fail(expr.location, owner + " has rank " + std::to_string(dims.size()) + ": only rank 1 and 2 are supported");
  }
  std::vector<int64_t> shape;
  for (size_t i = 0; i < dims.size(); ++i) {
    const std::string what = "dimension " + std::to_string(i) + " of " + owner;
    const int64_t extent = EvaluateInt(*dims[i], what);
    if (extent <= 0) Fail(StartOf(*dims[i]), what + " must be positive, but it is " + std::to_string(extent));
    shape.push_back(extent);
  }
  return shape;
}

tir::DType Binder::EvaluateDType(const Expr& expr) {
  ConstValue value = Evaluate(expr);
  const auto* name = std::get_if<std::string>(&value.value);
  if (name == nullptr) Fail(StartOf(expr), "expected a dtype string such as \"bfloat16\", but " + Unparse(expr) + " is " + value.Describe());
  if (*name == "bfloat16") return tir::DType::BFloat16;
  if (*name == "float32" || *name == "float") return tir::DType::Float32;
  Fail(expr.location, "dtype " + *name + " is not emulated (bfloat16, float32)");
}

}  // namespace tilesim::tile::frontend
