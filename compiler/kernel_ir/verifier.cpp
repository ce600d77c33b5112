// The Kernel IR verifier: one walk over the tree that tracks which variables are in scope and how many
// loops enclose each statement, collecting every problem instead of stopping at the first.
#include <string>
#include <vector>

#include "compiler/kernel_ir/type_rules.h"
#include "tilesim/compiler.h"

namespace tilesim::kir {
namespace {

std::string TypeName(Type type) {
  return IsValidType(type) ? std::string(ToString(type)) : "<invalid type " + std::to_string(int(type)) + ">";
}

class Verifier {
 public:
  Verifier(const Kernel& kernel, const VerifyOptions& options)
      : kernel_(kernel), options_(options), state_(kernel.vars.size()) {}

  std::vector<std::string> Run() {
    if (static_cast<uint8_t>(kernel_.role) >= kNumKernelRoles) {
      Error({}, "invalid kernel role " + std::to_string(static_cast<int>(kernel_.role)));
    }
    for (size_t i = 0; i < kernel_.vars.size(); ++i) {
      if (!IsValidType(kernel_.vars[i].type)) {
        Error({}, "variable '" + kernel_.vars[i].name + "' has " + TypeName(kernel_.vars[i].type));
      }
    }
    if (kernel_.body == nullptr) {
      Error({}, "the kernel has no body");
    } else {
      CheckScoped(kernel_.body, {}, "the kernel body");
    }
    return std::move(errors_);
  }

 private:
  struct VarState {
    bool declared_once = false;  // declared at some point before here (to tell "out of scope" from "undeclared")
    bool in_scope = false;
    bool is_loop_var = false;
  };

  void Error(SourceLocation loc, const std::string& message) {
    errors_.push_back(compiler::DescribeLocation(kernel_, loc) + ": " + message);
  }

  // The node's own location if it has one, else its parent's; a location naming a missing file is
  // reported (the bytecode source map could not hold it) and replaced by the parent's.
  SourceLocation Locate(SourceLocation own, SourceLocation parent) {
    if (own.line == 0) return parent;
    if (own.file >= kernel_.files.size()) {
      Error(parent, "source location " + std::to_string(own.line) + ":" + std::to_string(own.column) +
                        " names file " + std::to_string(own.file) + ", but the kernel has " +
                        std::to_string(kernel_.files.size()) + " file(s)");
      return parent;
    }
    return own;
  }

  std::string VarName(VarId var) const { return "'" + kernel_.vars[var.index].name + "'"; }

  // True if `var` may be read or written here; reports why not otherwise.
  bool CheckVarUse(VarId var, SourceLocation loc) {
    if (var.index >= kernel_.vars.size()) {
      Error(loc, "variable " + std::to_string(var.index) + " does not exist (the kernel has " +
                     std::to_string(kernel_.vars.size()) + ")");
      return false;
    }
    const VarState& state = state_[var.index];
    if (state.in_scope) return true;
    Error(loc, "variable " + VarName(var) +
                   (state.declared_once ? " used outside its scope" : " used before its declaration"));
    return false;
  }

  void Declare(VarId var, SourceLocation loc, bool is_loop_var) {
    if (var.index >= kernel_.vars.size()) {
      Error(loc, "declaration of variable " + std::to_string(var.index) + ", which does not exist (the kernel has " +
                     std::to_string(kernel_.vars.size()) + ")");
      return;
    }
    VarState& state = state_[var.index];
    if (state.in_scope) {
      Error(loc, "variable " + VarName(var) + " declared again while still in scope");
      return;
    }
    state = VarState{true, true, is_loop_var};
    scopes_.back().push_back(var.index);
  }

  void PushScope() { scopes_.emplace_back(); }
  void PopScope() {
    for (uint32_t index : scopes_.back()) {
      state_[index].in_scope = false;
      state_[index].is_loop_var = false;
    }
    scopes_.pop_back();
  }

  void ExpectType(const ExprNode& node, Type expected, SourceLocation loc, const std::string& what) {
    if (node.type != expected) {
      Error(loc, what + " is typed " + TypeName(node.type) + " but its operands make it " + TypeName(expected));
    }
  }

  // `as_value`: the expression's value is used (everything but an EvaluateStmt's call).
  void CheckExpr(const Expr& expr, SourceLocation parent, const std::string& what, bool as_value = true) {
    if (!expr.defined()) {
      Error(parent, "null expression for " + what);
      return;
    }
    const ExprNode& node = *expr;
    SourceLocation loc = Locate(node.location, parent);
    if (!IsValidType(node.type)) Error(loc, what + " has " + TypeName(node.type));

    if (const auto* c = std::get_if<ConstExpr>(&node.node)) {
      if (IsValidType(node.type) && Truncate(c->value, node.type) != c->value) {
        Error(loc, "constant " + std::to_string(c->value) + " does not fit its type " + TypeName(node.type));
      }
    } else if (const auto* v = std::get_if<VarExpr>(&node.node)) {
      if (CheckVarUse(v->var, loc) && kernel_.vars[v->var.index].type != node.type) {
        Error(loc, "reference to " + VarName(v->var) + " is typed " + TypeName(node.type) + " but the variable is " +
                       TypeName(kernel_.vars[v->var.index].type));
      }
    } else if (const auto* u = std::get_if<UnaryExpr>(&node.node)) {
      std::string name = "operator " + std::string(ToString(u->op));
      CheckExpr(u->operand, loc, "the operand of " + name);
      if (u->operand.defined()) ExpectType(node, ResultType(u->op, u->operand.type()), loc, name);
    } else if (const auto* b = std::get_if<BinaryExpr>(&node.node)) {
      std::string name = "operator " + std::string(ToString(b->op));
      CheckExpr(b->lhs, loc, "the left operand of " + name);
      CheckExpr(b->rhs, loc, "the right operand of " + name);
      if (b->lhs.defined() && b->rhs.defined()) {
        ExpectType(node, ResultType(b->op, b->lhs.type(), b->rhs.type()), loc, name);
      }
    } else if (const auto* s = std::get_if<SelectExpr>(&node.node)) {
      CheckExpr(s->cond, loc, "the condition of ?:");
      CheckExpr(s->if_true, loc, "the true operand of ?:");
      CheckExpr(s->if_false, loc, "the false operand of ?:");
      if (s->if_true.defined() && s->if_false.defined()) {
        ExpectType(node, SelectType(s->if_true.type(), s->if_false.type()), loc, "?:");
      }
    } else if (const auto* cast = std::get_if<CastExpr>(&node.node)) {
      CheckExpr(cast->operand, loc, "the operand of a cast");
    } else if (const auto* call = std::get_if<CallExpr>(&node.node)) {
      CheckCall(*call, node, loc, as_value);
    } else if (const auto* load = std::get_if<LoadExpr>(&node.node)) {
      CheckExpr(load->address, loc, "the address of load32");
      if (load->address.defined() && !Is32Bit(load->address.type())) {
        Error(loc, "load32 address must be 32-bit, not " + TypeName(load->address.type()));
      }
      if (node.type != Type::U32) Error(loc, "load32 is typed " + TypeName(node.type) + " instead of uint32_t");
    } else if (const auto* arg = std::get_if<CompileTimeArgExpr>(&node.node)) {
      if (options_.compile_time_args_resolved) {
        Error(loc, "get_compile_time_arg_val(" + std::to_string(arg->index) + ") was not substituted");
      }
      if (node.type != Type::U32) Error(loc, "get_compile_time_arg_val is typed " + TypeName(node.type));
    }
  }

  void CheckCall(const CallExpr& call, const ExprNode& node, SourceLocation loc, bool as_value) {
    if (!IsValidIntrinsic(call.intrinsic)) {
      Error(loc, "call of unknown intrinsic " + std::to_string(static_cast<uint32_t>(call.intrinsic)));
      for (const Expr& arg : call.args) CheckExpr(arg, loc, "an argument of an unknown intrinsic");
      return;
    }
    const bc::IntrinsicInfo& info = bc::Info(call.intrinsic);
    std::string name(info.name);
    if (as_value && info.result() == bc::ValueKind::Void) {
      Error(loc, "void intrinsic " + name + "() used as a value");
    } else if (info.result() != bc::ValueKind::Void && node.type != TypeOf(info.result())) {
      Error(loc, name + "() is typed " + TypeName(node.type) + " but returns " + TypeName(TypeOf(info.result())));
    }
    if (call.args.size() != info.num_args()) {
      Error(loc, name + "() takes " + std::to_string(info.num_args()) + " argument(s), " +
                     std::to_string(call.args.size()) + " given");
    }
    if (static_cast<uint8_t>(kernel_.role) < kNumKernelRoles && !info.allowed_in(kernel_.role)) {
      Error(loc, name + "() is not available to " + std::string(ToString(kernel_.role)) + " kernels");
    }
    for (size_t i = 0; i < call.args.size(); ++i) {
      CheckExpr(call.args[i], loc, "argument " + std::to_string(i + 1) + " of " + name + "()");
    }
  }

  // A statement that opens its own scope (a loop or if body, the kernel body).
  void CheckScoped(const Stmt& stmt, SourceLocation parent, const std::string& what) {
    PushScope();
    CheckStmt(stmt, parent, what);
    PopScope();
  }

  void CheckStmt(const Stmt& stmt, SourceLocation parent, const std::string& what) {
    if (stmt == nullptr) {
      Error(parent, "null statement in " + what);
      return;
    }
    SourceLocation loc = Locate(stmt->location, parent);
    const auto& node = stmt->node;
    if (const auto* let = std::get_if<LetStmt>(&node)) {
      // The initialiser is checked first: a variable is not in scope in its own initialiser.
      CheckExpr(let->value, loc, "the initial value of a declaration");
      Declare(let->var, loc, /*is_loop_var=*/false);
    } else if (const auto* assign = std::get_if<AssignStmt>(&node)) {
      if (CheckVarUse(assign->var, loc)) {
        if (kernel_.vars[assign->var.index].is_const) {
          Error(loc, "assignment to const variable " + VarName(assign->var));
        } else if (state_[assign->var.index].is_loop_var) {
          Error(loc, "assignment to " + VarName(assign->var) + ", the variable of an enclosing for loop");
        }
      }
      CheckExpr(assign->value, loc, "the value of an assignment");
    } else if (const auto* store = std::get_if<StoreStmt>(&node)) {
      CheckExpr(store->address, loc, "the address of store32");
      CheckExpr(store->value, loc, "the value of store32");
      if (store->address.defined() && !Is32Bit(store->address.type())) {
        Error(loc, "store32 address must be 32-bit, not " + TypeName(store->address.type()));
      }
    } else if (const auto* eval = std::get_if<EvaluateStmt>(&node)) {
      if (eval->call.defined() && !std::holds_alternative<CallExpr>(eval->call->node)) {
        Error(loc, "an evaluate statement must call an intrinsic; it holds " + Print(kernel_, eval->call));
      }
      CheckExpr(eval->call, loc, "an evaluate statement", /*as_value=*/false);
    } else if (const auto* seq = std::get_if<SeqStmt>(&node)) {
      PushScope();
      for (const Stmt& child : seq->stmts) CheckStmt(child, loc, "a block");
      PopScope();
    } else if (const auto* loop = std::get_if<ForStmt>(&node)) {
      CheckExpr(loop->begin, loc, "the start of a for loop");
      PushScope();
      Declare(loop->var, loc, /*is_loop_var=*/true);
      // End and step are evaluated on every iteration, with the loop variable in scope.
      CheckExpr(loop->end, loc, "the end of a for loop");
      CheckExpr(loop->step, loc, "the step of a for loop");
      ++loop_depth_;
      CheckScoped(loop->body, loc, "the body of a for loop");
      --loop_depth_;
      PopScope();
    } else if (const auto* loop = std::get_if<WhileStmt>(&node)) {
      CheckExpr(loop->cond, loc, "the condition of a while loop");
      ++loop_depth_;
      CheckScoped(loop->body, loc, "the body of a while loop");
      --loop_depth_;
    } else if (const auto* branch = std::get_if<IfStmt>(&node)) {
      CheckExpr(branch->cond, loc, "the condition of an if");
      CheckScoped(branch->then_body, loc, "the then-branch of an if");
      if (branch->else_body != nullptr) CheckScoped(branch->else_body, loc, "the else-branch of an if");
    } else if (std::holds_alternative<BreakStmt>(node)) {
      if (loop_depth_ == 0) Error(loc, "break outside a loop");
    } else if (std::holds_alternative<ContinueStmt>(node)) {
      if (loop_depth_ == 0) Error(loc, "continue outside a loop");
    }
  }

  const Kernel& kernel_;
  VerifyOptions options_;
  std::vector<VarState> state_;
  std::vector<std::vector<uint32_t>> scopes_;
  int loop_depth_ = 0;
  std::vector<std::string> errors_;
};

}  // namespace

std::vector<std::string> VerifyKernel(const Kernel& kernel, const VerifyOptions& options) {
  return Verifier(kernel, options).Run();
}

}  // namespace tilesim::kir
