// Planning the address generator declarations of the Metalium C++ printer (accessors.h).
#include "compiler/backend/metalium_cpp/accessors.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "tilesim/compiler.h"

namespace tilesim::compiler::metalium_cpp {
namespace {

using kir::BinaryOp;
using kir::Expr;
using kir::Stmt;

const kir::Expr& StripCasts(const Expr& expr) {
  const Expr* e = &expr;
  while (e->defined()) {
    const auto* cast = std::get_if<kir::CastExpr>(&(*e)->node);
    if (cast == nullptr) break;
    e = &cast->operand;
  }
  return *e;
}

std::optional<uint64_t> ConstValue(const Expr& expr) {
  const Expr& e = StripCasts(expr);
  if (!e.defined()) return std::nullopt;
  if (const auto* c = std::get_if<kir::ConstExpr>(&e->node)) return c->value;
  return std::nullopt;
}

std::optional<uint32_t> CtaIndex(const Expr& expr) {
  const Expr& e = StripCasts(expr);
  if (!e.defined()) return std::nullopt;
  if (const auto* c = std::get_if<kir::CompileTimeArgExpr>(&e->node)) return c->index;
  return std::nullopt;
}

const kir::BinaryExpr* AsBinary(const Expr& expr, BinaryOp op) {
  const Expr& e = StripCasts(expr);
  if (!e.defined()) return nullptr;
  const auto* b = std::get_if<kir::BinaryExpr>(&e->node);
  return b != nullptr && b->op == op ? b : nullptr;
}

// `x op constant` or `constant op x` for a commutative op: x's cta index if the constant is `value`.
std::optional<uint32_t> CtaWithConst(const kir::BinaryExpr* b, uint64_t value, bool commutative) {
  if (b == nullptr) return std::nullopt;
  if (ConstValue(b->rhs) == value) return CtaIndex(b->lhs);
  if (commutative && ConstValue(b->lhs) == value) return CtaIndex(b->rhs);
  return std::nullopt;
}

// Whether the statement-level expression `e` may be moved earlier: only constants, compile-time args and
// variables (no loads or calls, whose value depends on when they run).
bool IsHoistable(const Expr& expr) {
  if (!expr.defined()) return false;
  return std::visit(
      [](const auto& n) -> bool {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, kir::ConstExpr> || std::is_same_v<T, kir::VarExpr> ||
                      std::is_same_v<T, kir::CompileTimeArgExpr>) {
          return true;
        } else if constexpr (std::is_same_v<T, kir::UnaryExpr> || std::is_same_v<T, kir::CastExpr>) {
          return IsHoistable(n.operand);
        } else if constexpr (std::is_same_v<T, kir::BinaryExpr>) {
          return IsHoistable(n.lhs) && IsHoistable(n.rhs);
        } else if constexpr (std::is_same_v<T, kir::SelectExpr>) {
          return IsHoistable(n.cond) && IsHoistable(n.if_true) && IsHoistable(n.if_false);
        } else if constexpr (std::is_same_v<T, kir::CallExpr>) {
          // Arguments and coordinates do not change while a kernel runs; anything else may.
          const bool stable = n.intrinsic == bc::Intrinsic::get_arg_val || n.intrinsic == bc::Intrinsic::get_common_arg_val ||
                              n.intrinsic == bc::Intrinsic::get_absolute_logical_x ||
                              n.intrinsic == bc::Intrinsic::get_absolute_logical_y ||
                              n.intrinsic == bc::Intrinsic::my_x || n.intrinsic == bc::Intrinsic::my_y;
          return stable && std::all_of(n.args.begin(), n.args.end(), [](const Expr& a) { return IsHoistable(a); });
        } else {
          return false;  // loads
        }
      },
      expr->node);
}

void CollectVars(const Expr& expr, std::set<uint32_t>& vars) {
  if (!expr.defined()) return;
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, kir::VarExpr>) {
          vars.insert(n.var.index);
        } else if constexpr (std::is_same_v<T, kir::UnaryExpr> || std::is_same_v<T, kir::CastExpr>) {
          CollectVars(n.operand, vars);
        } else if constexpr (std::is_same_v<T, kir::BinaryExpr>) {
          CollectVars(n.lhs, vars);
          CollectVars(n.rhs, vars);
        } else if constexpr (std::is_same_v<T, kir::SelectExpr>) {
          CollectVars(n.cond, vars);
          CollectVars(n.if_true, vars);
          CollectVars(n.if_false, vars);
        } else if constexpr (std::is_same_v<T, kir::CallExpr>) {
          for (const Expr& a : n.args) CollectVars(a, vars);
        } else if constexpr (std::is_same_v<T, kir::LoadExpr>) {
          CollectVars(n.address, vars);
        }
      },
      expr->node);
}

// A key naming an expression's structure, variables by index. (Built with a stream: GCC 12's -Wrestrict
// misfires on chains of "literal" + std::string temporaries.)
void AppendKey(std::ostringstream& out, const Expr& expr) {
  if (!expr.defined()) {
    out << "_";
    return;
  }
  const int type = static_cast<int>(expr.type());
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, kir::ConstExpr>) {
          out << "c" << type << ":" << n.value;
        } else if constexpr (std::is_same_v<T, kir::VarExpr>) {
          out << "v" << n.var.index;
        } else if constexpr (std::is_same_v<T, kir::CompileTimeArgExpr>) {
          out << "a" << n.index;
        } else if constexpr (std::is_same_v<T, kir::UnaryExpr>) {
          out << "u" << static_cast<int>(n.op) << "(";
          AppendKey(out, n.operand);
          out << ")";
        } else if constexpr (std::is_same_v<T, kir::CastExpr>) {
          out << "t" << type << "(";
          AppendKey(out, n.operand);
          out << ")";
        } else if constexpr (std::is_same_v<T, kir::BinaryExpr>) {
          out << "b" << static_cast<int>(n.op) << "(";
          AppendKey(out, n.lhs);
          out << ",";
          AppendKey(out, n.rhs);
          out << ")";
        } else if constexpr (std::is_same_v<T, kir::SelectExpr>) {
          out << "s(";
          AppendKey(out, n.cond);
          out << ",";
          AppendKey(out, n.if_true);
          out << ",";
          AppendKey(out, n.if_false);
          out << ")";
        } else if constexpr (std::is_same_v<T, kir::CallExpr>) {
          out << "f" << static_cast<int>(n.intrinsic) << "(";
          for (const Expr& a : n.args) {
            AppendKey(out, a);
            out << ",";
          }
          out << ")";
        } else {
          out << "l(";
          AppendKey(out, n.address);
          out << ")";
        }
      },
      expr->node);
}

std::string Key(const Expr& expr) {
  std::ostringstream out;
  AppendKey(out, expr);
  return out.str();
}

class Planner {
 public:
  explicit Planner(const kir::Kernel& kernel) : kernel_(kernel) {}

  AccessorPlan Run() {
    Scan(kernel_.body);
    for (const Site& site : sites_) Place(site);
    return std::move(plan_);
  }

 private:
  struct Site {
    const kir::ExprNode* call;
    const kir::CallExpr* node;
    kir::SourceLocation location;
    const kir::StmtNode* anchor;
    bool anchor_is_loop_header;
  };
  struct Declared {
    const kir::StmtNode* stmt = nullptr;
    bool by_for = false;
    uint32_t order = 0;
  };

  void ScanExpr(const Expr& expr, const kir::StmtNode* anchor, bool loop_header) {
    if (!expr.defined()) return;
    std::visit(
        [&](const auto& n) {
          using T = std::decay_t<decltype(n)>;
          if constexpr (std::is_same_v<T, kir::UnaryExpr> || std::is_same_v<T, kir::CastExpr>) {
            ScanExpr(n.operand, anchor, loop_header);
          } else if constexpr (std::is_same_v<T, kir::BinaryExpr>) {
            ScanExpr(n.lhs, anchor, loop_header);
            ScanExpr(n.rhs, anchor, loop_header);
          } else if constexpr (std::is_same_v<T, kir::SelectExpr>) {
            ScanExpr(n.cond, anchor, loop_header);
            ScanExpr(n.if_true, anchor, loop_header);
            ScanExpr(n.if_false, anchor, loop_header);
          } else if constexpr (std::is_same_v<T, kir::CallExpr>) {
            for (const Expr& a : n.args) ScanExpr(a, anchor, loop_header);
            if (n.intrinsic == bc::Intrinsic::get_noc_addr_interleaved && n.args.size() == 5) {
              sites_.push_back(Site{expr.get(), &n, expr->location, anchor, loop_header});
            }
          } else if constexpr (std::is_same_v<T, kir::LoadExpr>) {
            ScanExpr(n.address, anchor, loop_header);
          }
        },
        expr->node);
  }

  void Declare(kir::VarId var, const kir::StmtNode* stmt, bool by_for) {
    declared_[var.index] = Declared{stmt, by_for, next_order_++};
  }

  void Scan(const Stmt& stmt) {
    if (stmt == nullptr) return;
    const kir::StmtNode* s = stmt.get();
    std::visit(
        [&](const auto& n) {
          using T = std::decay_t<decltype(n)>;
          if constexpr (std::is_same_v<T, kir::LetStmt>) {
            ScanExpr(n.value, s, false);
            Declare(n.var, s, false);
          } else if constexpr (std::is_same_v<T, kir::AssignStmt>) {
            ScanExpr(n.value, s, false);
            assigned_.insert(n.var.index);
          } else if constexpr (std::is_same_v<T, kir::StoreStmt>) {
            ScanExpr(n.address, s, false);
            ScanExpr(n.value, s, false);
          } else if constexpr (std::is_same_v<T, kir::EvaluateStmt>) {
            ScanExpr(n.call, s, false);
          } else if constexpr (std::is_same_v<T, kir::SeqStmt>) {
            for (const Stmt& child : n.stmts) Scan(child);
          } else if constexpr (std::is_same_v<T, kir::ForStmt>) {
            ScanExpr(n.begin, s, true);
            ScanExpr(n.end, s, true);
            ScanExpr(n.step, s, true);
            Declare(n.var, s, true);
            Scan(n.body);
          } else if constexpr (std::is_same_v<T, kir::WhileStmt>) {
            ScanExpr(n.cond, s, true);
            Scan(n.body);
          } else if constexpr (std::is_same_v<T, kir::IfStmt>) {
            ScanExpr(n.cond, s, false);
            Scan(n.then_body);
            Scan(n.else_body);
          }
        },
        s->node);
  }

  [[noreturn]] void Unprintable(const Site& site, const std::string& why) const {
    throw CompileError(DescribeLocation(kernel_, site.location),
                       "the Metalium C++ back end cannot print get_noc_addr_interleaved here: " + why);
  }

  void Place(const Site& site) {
    const std::vector<Expr>& a = site.node->args;
    AccessorDecl decl;
    std::string key;
    const std::optional<uint32_t> page_cta = CtaIndex(a[2]);
    const std::optional<uint32_t> dram_cta = IsDramBitOf(a[3]);
    if (page_cta && dram_cta && *page_cta == *dram_cta + 1 && a[2]->type == kir::Type::U32) {
      decl.kind = AccessorDecl::Kind::TensorAccessor;
      decl.args_offset = *dram_cta;
      key = "T";
      key += std::to_string(*dram_cta);
    } else {
      if (!IsCompileTimeExpr(a[3])) {
        Unprintable(site, "is_dram must be known at compile time (InterleavedAddrGen<is_dram>), and it is a run-time value");
      }
      decl.kind = AccessorDecl::Kind::InterleavedAddrGen;
      decl.page_size = a[2];
      decl.is_dram = a[3];
      key = "I";
      key += Key(a[2]);
      key += "|";
      key += Key(a[3]);
    }
    decl.base = a[1];
    key += "|";
    key += Key(a[1]);

    std::set<uint32_t> vars;
    CollectVars(a[1], vars);
    if (decl.kind == AccessorDecl::Kind::InterleavedAddrGen) CollectVars(a[2], vars);
    bool hoistable = IsHoistable(a[1]) && (decl.kind == AccessorDecl::Kind::TensorAccessor || IsHoistable(a[2]));
    const Declared* latest = nullptr;
    for (uint32_t v : vars) {
      auto it = declared_.find(v);
      if (it == declared_.end() || assigned_.count(v) != 0) {
        hoistable = false;
        break;
      }
      if (latest == nullptr || it->second.order > latest->order) latest = &it->second;
    }
    std::vector<uint32_t>* where = nullptr;
    if (!hoistable) {
      if (site.anchor_is_loop_header) Unprintable(site, "its buffer fields read values that change, inside a loop header");
      key += "@before";
      key += std::to_string(reinterpret_cast<uintptr_t>(site.anchor));
      where = &plan_.before[site.anchor];
    } else if (latest == nullptr) {
      key += "@top";
      where = &plan_.at_top;
    } else if (latest->by_for) {
      key += "@loop";
      key += std::to_string(reinterpret_cast<uintptr_t>(latest->stmt));
      where = &plan_.loop_top[latest->stmt];
    } else {
      key += "@after";
      key += std::to_string(reinterpret_cast<uintptr_t>(latest->stmt));
      where = &plan_.after[latest->stmt];
    }
    auto [it, inserted] = index_of_key_.try_emplace(key, static_cast<uint32_t>(plan_.decls.size()));
    if (inserted) {
      plan_.decls.push_back(std::move(decl));
      where->push_back(it->second);
    }
    plan_.decl_of_call[site.call] = it->second;
  }

  const kir::Kernel& kernel_;
  std::vector<Site> sites_;
  std::map<uint32_t, Declared> declared_;
  std::set<uint32_t> assigned_;
  uint32_t next_order_ = 0;
  std::map<std::string, uint32_t> index_of_key_;
  AccessorPlan plan_;
};

}  // namespace

std::optional<uint32_t> IsDramBitOf(const Expr& expr) {
  // (cta(n) >> 1) & 1
  if (const kir::BinaryExpr* b = AsBinary(expr, BinaryOp::BitAnd)) {
    const Expr* shifted = ConstValue(b->rhs) == 1u ? &b->lhs : ConstValue(b->lhs) == 1u ? &b->rhs : nullptr;
    if (shifted != nullptr) {
      if (std::optional<uint32_t> n = CtaWithConst(AsBinary(*shifted, BinaryOp::Shr), 1, false)) return n;
    }
  }
  // (cta(n) & 2) != 0
  if (const kir::BinaryExpr* b = AsBinary(expr, BinaryOp::Ne)) {
    if (ConstValue(b->rhs) == 0u) {
      if (std::optional<uint32_t> n = CtaWithConst(AsBinary(b->lhs, BinaryOp::BitAnd), 2, true)) return n;
    }
  }
  // (cta(n) & 2) >> 1
  if (const kir::BinaryExpr* b = AsBinary(expr, BinaryOp::Shr)) {
    if (ConstValue(b->rhs) == 1u) {
      if (std::optional<uint32_t> n = CtaWithConst(AsBinary(b->lhs, BinaryOp::BitAnd), 2, true)) return n;
    }
  }
  return std::nullopt;
}

bool SameExpr(const Expr& a, const Expr& b) {
  if (!a.defined() || !b.defined()) return a.defined() == b.defined();
  return a->type == b->type && Key(a) == Key(b);
}

bool IsCompileTimeExpr(const Expr& expr) {
  if (!expr.defined()) return false;
  return std::visit(
      [](const auto& n) -> bool {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, kir::ConstExpr> || std::is_same_v<T, kir::CompileTimeArgExpr>) {
          return true;
        } else if constexpr (std::is_same_v<T, kir::UnaryExpr> || std::is_same_v<T, kir::CastExpr>) {
          return IsCompileTimeExpr(n.operand);
        } else if constexpr (std::is_same_v<T, kir::BinaryExpr>) {
          return IsCompileTimeExpr(n.lhs) && IsCompileTimeExpr(n.rhs);
        } else if constexpr (std::is_same_v<T, kir::SelectExpr>) {
          return IsCompileTimeExpr(n.cond) && IsCompileTimeExpr(n.if_true) && IsCompileTimeExpr(n.if_false);
        } else {
          return false;  // variables, calls, loads
        }
      },
      expr->node);
}

AccessorPlan PlanAccessors(const kir::Kernel& kernel) { return Planner(kernel).Run(); }

}  // namespace tilesim::compiler::metalium_cpp
