#include "compiler/backend/bytecode_codegen.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/backend/bytecode_emitter.h"
#include "compiler/kernel_ir/constant_fold.h"
#include "compiler/kernel_ir/type_rules.h"
#include "tilesim/compiler.h"

namespace tilesim::compiler {
namespace {

using bc::Opcode;
using kir::BinaryOp;
using kir::Expr;
using kir::Stmt;
using kir::Type;
using kir::UnaryOp;
using kir::VarId;

constexpr int kNoRegister = -1;

// Conversions that leave a canonical register unchanged (see bytecode_codegen.h).
bool IsNoOpConversion(Type from, Type to) {
  if (from == to) return true;
  switch (to) {
    case Type::Bool: return false;
    case Type::I32:
    case Type::U32: return from != Type::U64;
    case Type::U64: return from != Type::I32;
  }
  return false;
}

// True if `pred` holds for some node of the expression tree.
template <typename Pred>
bool AnyNode(const Expr& expr, const Pred& pred) {
  if (!expr.defined()) return false;
  if (pred(*expr)) return true;
  const auto& node = expr->node;
  if (const auto* u = std::get_if<kir::UnaryExpr>(&node)) return AnyNode(u->operand, pred);
  if (const auto* b = std::get_if<kir::BinaryExpr>(&node)) return AnyNode(b->lhs, pred) || AnyNode(b->rhs, pred);
  if (const auto* s = std::get_if<kir::SelectExpr>(&node)) {
    return AnyNode(s->cond, pred) || AnyNode(s->if_true, pred) || AnyNode(s->if_false, pred);
  }
  if (const auto* c = std::get_if<kir::CastExpr>(&node)) return AnyNode(c->operand, pred);
  if (const auto* call = std::get_if<kir::CallExpr>(&node)) {
    return std::any_of(call->args.begin(), call->args.end(), [&](const Expr& arg) { return AnyNode(arg, pred); });
  }
  if (const auto* load = std::get_if<kir::LoadExpr>(&node)) return AnyNode(load->address, pred);
  return false;
}

bool References(const Expr& expr, VarId var) {
  return AnyNode(expr, [&](const kir::ExprNode& node) {
    const auto* v = std::get_if<kir::VarExpr>(&node.node);
    return v != nullptr && v->var == var;
  });
}

// Evaluating it could do something besides computing a value: call an intrinsic, read L1 (which traps
// out of bounds) or divide (which traps on zero). Such operands of ?: must not run unless chosen.
bool HasEffects(const Expr& expr) {
  return AnyNode(expr, [](const kir::ExprNode& node) {
    if (std::holds_alternative<kir::CallExpr>(node.node) || std::holds_alternative<kir::LoadExpr>(node.node)) return true;
    const auto* b = std::get_if<kir::BinaryExpr>(&node.node);
    return b != nullptr && (b->op == BinaryOp::Div || b->op == BinaryOp::Mod);
  });
}

// `value` reads `var` only as the operand of its outermost operator, as in `x = x + 1` or `x = -x`: code
// for it may then write `var`'s register directly, since that is written only by the final instruction.
bool UpdatesInPlace(const Expr& value, VarId var) {
  auto is_var = [&](const Expr& e) {
    const auto* v = std::get_if<kir::VarExpr>(&e->node);
    return v != nullptr && v->var == var;
  };
  if (const auto* b = std::get_if<kir::BinaryExpr>(&value->node)) {
    return !kir::IsLogical(b->op) && is_var(b->lhs) && !References(b->rhs, var) &&
           IsNoOpConversion(b->lhs.type(), kir::OperandType(b->op, b->lhs.type(), b->rhs.type()));
  }
  if (const auto* u = std::get_if<kir::UnaryExpr>(&value->node)) {
    return is_var(u->operand) && IsNoOpConversion(u->operand.type(), kir::ResultType(u->op, u->operand.type()));
  }
  return false;
}

class CodeGenerator {
 public:
  explicit CodeGenerator(const kir::Kernel& kernel)
      : kernel_(kernel), emit_(binary_), var_register_(kernel.vars.size(), kNoRegister) {}

  bc::KernelBinary Run() {
    binary_.name = kernel_.name;
    binary_.role = kernel_.role;
    binary_.strings = kernel_.strings;
    binary_.files = kernel_.files;
    EmitScoped(kernel_.body);
    emit_.Emit(Opcode::HALT);
    // At least one register, so that a kernel without values still names a valid one in its operands.
    binary_.num_registers = std::max(1u, max_registers_);
    return std::move(binary_);
  }

 private:
  // Instructions emitted while it lives come from `location` (when known).
  class AtLocation {
   public:
    AtLocation(BytecodeEmitter& emitter, const kir::SourceLocation& location)
        : emitter_(emitter), saved_(emitter.location()) {
      if (location.line != 0) emitter.SetLocation(location);
    }
    ~AtLocation() { emitter_.SetLocation(saved_); }
    AtLocation(const AtLocation&) = delete;
    AtLocation& operator=(const AtLocation&) = delete;

   private:
    BytecodeEmitter& emitter_;
    kir::SourceLocation saved_;
  };

  [[noreturn]] void Internal(const std::string& message) const {
    throw InternalError("kernel '" + kernel_.name + "' at " + DescribeLocation(kernel_, emit_.location()) + ": " +
                        message + " (the IR verifier should have rejected it)");
  }

  // ---- Registers ----

  uint8_t PushRegister() {
    if (top_ >= bc::kMaxRegisters) {
      throw CompileError(DescribeLocation(kernel_, emit_.location()),
                         "kernel '" + kernel_.name + "' needs more than " + std::to_string(bc::kMaxRegisters) +
                             " registers: too many values are live at once (the variables in scope plus the "
                             "temporaries of one statement)");
    }
    uint8_t reg = static_cast<uint8_t>(top_++);
    max_registers_ = std::max(max_registers_, top_);
    return reg;
  }

  uint8_t VarRegister(VarId var) {
    if (var.index >= var_register_.size() || var_register_[var.index] == kNoRegister) {
      Internal("variable " + std::to_string(var.index) + " is used where it has no register");
    }
    return static_cast<uint8_t>(var_register_[var.index]);
  }

  void DeclareVar(VarId var, uint8_t reg) {
    if (var.index >= var_register_.size()) Internal("declaration of unknown variable " + std::to_string(var.index));
    var_register_[var.index] = reg;
    scopes_.back().push_back(var.index);
  }

  Type VarType(VarId var) const { return kernel_.vars.at(var.index).type; }

  // ---- Expressions ----

  // Converts the canonical `from` value in `reg` to a canonical `to` value, in place.
  void ConvertInPlace(uint8_t reg, Type from, Type to) {
    if (IsNoOpConversion(from, to)) return;
    if (to == Type::Bool) {
      uint32_t mark = top_;
      uint8_t zero = PushRegister();
      emit_.LoadConstant(zero, 0);
      emit_.Emit(Opcode::NE, reg, reg, zero);
      top_ = mark;
    } else if (to == Type::U64) {
      emit_.Emit(Opcode::SEXT32, reg, reg);  // only i32 is not a no-op here
    } else {
      emit_.Emit(Opcode::TRUNC32, reg, reg);  // only u64 is not a no-op here
    }
  }

  // A register holding `expr` converted to `type`: a variable's own register when that needs no code,
  // else a new temporary (freed by whoever owns the enclosing mark).
  uint8_t Eval(const Expr& expr, Type type) {
    if (!expr.defined()) Internal("null expression");
    if (const auto* v = std::get_if<kir::VarExpr>(&expr->node); v != nullptr && IsNoOpConversion(expr.type(), type)) {
      return VarRegister(v->var);
    }
    uint8_t reg = PushRegister();
    EvalInto(expr, reg, type);
    return reg;
  }

  // Like Eval, but computes into `scratch` rather than a new temporary: the first operand of an
  // operation goes into the operation's own destination, so a left-deep chain such as a + b + c + ...
  // needs no temporaries at all. Safe because nothing else in the expression reads the destination
  // (EmitAssign makes sure of it).
  uint8_t EvalUsing(const Expr& expr, Type type, uint8_t scratch) {
    if (!expr.defined()) Internal("null expression");
    if (const auto* v = std::get_if<kir::VarExpr>(&expr->node); v != nullptr && IsNoOpConversion(expr.type(), type)) {
      return VarRegister(v->var);
    }
    EvalInto(expr, scratch, type);
    return scratch;
  }

  void EvalInto(const Expr& expr, uint8_t dst, Type type) {
    EvalInto(expr, dst);
    ConvertInPlace(dst, expr.type(), type);
  }

  // `expr`, as a canonical value of its own type, into `dst`. Temporaries above `dst` are freed on return.
  void EvalInto(const Expr& expr, uint8_t dst) {
    if (!expr.defined()) Internal("null expression");
    AtLocation at(emit_, expr->location);
    uint32_t mark = top_;
    if (auto value = kir::FoldConstant(expr)) {
      emit_.LoadConstant(dst, *value);
      return;
    }
    const auto& node = expr->node;
    if (const auto* v = std::get_if<kir::VarExpr>(&node)) {
      uint8_t src = VarRegister(v->var);
      if (src != dst) emit_.Emit(Opcode::MOV, dst, src);
    } else if (const auto* u = std::get_if<kir::UnaryExpr>(&node)) {
      EmitUnary(*u, expr.type(), dst);
    } else if (const auto* b = std::get_if<kir::BinaryExpr>(&node)) {
      EmitBinary(*b, dst);
    } else if (const auto* s = std::get_if<kir::SelectExpr>(&node)) {
      EmitSelect(*s, expr.type(), dst);
    } else if (const auto* c = std::get_if<kir::CastExpr>(&node)) {
      EvalInto(c->operand, dst, expr.type());
    } else if (const auto* call = std::get_if<kir::CallExpr>(&node)) {
      EmitCall(*call, dst);
    } else if (const auto* load = std::get_if<kir::LoadExpr>(&node)) {
      auto [base, offset] = AddressOperand(load->address, dst);
      emit_.Emit(Opcode::LD32, dst, base, 0, offset);
    } else {
      Internal("get_compile_time_arg_val left in the kernel");
    }
    top_ = mark;
  }

  void EmitUnary(const kir::UnaryExpr& u, Type type, uint8_t dst) {
    if (u.op == UnaryOp::LogicalNot) {
      emit_.Emit(Opcode::LNOT, dst, EvalUsing(u.operand, u.operand.type(), dst));
      return;
    }
    uint8_t operand = EvalUsing(u.operand, type, dst);
    if (kir::Is32Bit(type)) {
      emit_.Emit(u.op == UnaryOp::Neg ? Opcode::NEG32 : Opcode::NOT32, dst, operand);
      return;
    }
    // 64-bit: -x is 0 - x and ~x is x ^ all-ones, there being no 64-bit NEG / NOT.
    uint8_t constant = PushRegister();
    if (u.op == UnaryOp::Neg) {
      emit_.LoadConstant(constant, 0);
      emit_.Emit(Opcode::SUB64, dst, constant, operand);
    } else {
      emit_.LoadConstant(constant, ~0ull);
      emit_.Emit(Opcode::XOR, dst, operand, constant);
    }
  }

  void EmitBinary(const kir::BinaryExpr& b, uint8_t dst) {
    if (kir::IsLogical(b.op)) {
      EmitShortCircuit(b, dst);
      return;
    }
    Type type = kir::OperandType(b.op, b.lhs.type(), b.rhs.type());
    uint8_t lhs = EvalUsing(b.lhs, type, dst);
    // x + constant and x - constant in 32 bits: one ADDI32.
    if ((b.op == BinaryOp::Add || b.op == BinaryOp::Sub) && kir::Is32Bit(type)) {
      if (auto constant = kir::FoldConstant(b.rhs)) {
        uint32_t imm = static_cast<uint32_t>(kir::ConvertConstant(*constant, b.rhs.type(), type));
        emit_.Emit(Opcode::ADDI32, dst, lhs, 0, b.op == BinaryOp::Add ? imm : 0u - imm);
        return;
      }
    }
    // A shift amount is used as it is: only its low bits count.
    uint8_t rhs = Eval(b.rhs, kir::IsShift(b.op) ? b.rhs.type() : type);
    bool is64 = type == Type::U64;
    bool is_signed = type == Type::I32;
    switch (b.op) {
      case BinaryOp::Add: emit_.Emit(is64 ? Opcode::ADD64 : Opcode::ADD32, dst, lhs, rhs); break;
      case BinaryOp::Sub: emit_.Emit(is64 ? Opcode::SUB64 : Opcode::SUB32, dst, lhs, rhs); break;
      case BinaryOp::Mul: emit_.Emit(is64 ? Opcode::MUL64 : Opcode::MUL32, dst, lhs, rhs); break;
      case BinaryOp::Div:
        emit_.Emit(is64 ? Opcode::DIVU64 : is_signed ? Opcode::DIVS32 : Opcode::DIVU32, dst, lhs, rhs);
        break;
      case BinaryOp::Mod:
        emit_.Emit(is64 ? Opcode::REMU64 : is_signed ? Opcode::REMS32 : Opcode::REMU32, dst, lhs, rhs);
        break;
      case BinaryOp::BitAnd: emit_.Emit(Opcode::AND, dst, lhs, rhs); break;
      case BinaryOp::BitOr: emit_.Emit(Opcode::OR, dst, lhs, rhs); break;
      case BinaryOp::BitXor: emit_.Emit(Opcode::XOR, dst, lhs, rhs); break;
      case BinaryOp::Shl: emit_.Emit(is64 ? Opcode::SHL64 : Opcode::SHL32, dst, lhs, rhs); break;
      case BinaryOp::Shr:
        emit_.Emit(is64 ? Opcode::SHRU64 : is_signed ? Opcode::SHRS32 : Opcode::SHRU32, dst, lhs, rhs);
        break;
      case BinaryOp::Eq: emit_.Emit(Opcode::EQ, dst, lhs, rhs); break;
      case BinaryOp::Ne: emit_.Emit(Opcode::NE, dst, lhs, rhs); break;
      // a > b is b < a and a >= b is b <= a.
      case BinaryOp::Lt: emit_.Emit(is_signed ? Opcode::LTS32 : Opcode::LTU, dst, lhs, rhs); break;
      case BinaryOp::Le: emit_.Emit(is_signed ? Opcode::LES32 : Opcode::LEU, dst, lhs, rhs); break;
      case BinaryOp::Gt: emit_.Emit(is_signed ? Opcode::LTS32 : Opcode::LTU, dst, rhs, lhs); break;
      case BinaryOp::Ge: emit_.Emit(is_signed ? Opcode::LES32 : Opcode::LEU, dst, rhs, lhs); break;
      case BinaryOp::LogicalAnd:
      case BinaryOp::LogicalOr: break;  // handled above
    }
  }

  // a && b: dst = bool(a); if dst == 0 skip; dst = bool(b). a || b skips when dst != 0.
  void EmitShortCircuit(const kir::BinaryExpr& b, uint8_t dst) {
    bool is_and = b.op == BinaryOp::LogicalAnd;
    if (kir::FoldConstant(b.lhs)) {  // a constant left side that did not decide the result: only b counts
      EvalInto(b.rhs, dst, Type::Bool);
      return;
    }
    EvalInto(b.lhs, dst, Type::Bool);
    uint32_t skip = emit_.EmitJump(is_and ? Opcode::JZ : Opcode::JNZ, dst);
    EvalInto(b.rhs, dst, Type::Bool);
    emit_.PatchTarget(skip, emit_.pc());
  }

  void EmitSelect(const kir::SelectExpr& s, Type type, uint8_t dst) {
    if (auto cond = kir::FoldConstant(s.cond)) {
      EvalInto(*cond != 0 ? s.if_true : s.if_false, dst, type);
      return;
    }
    uint8_t cond = EvalUsing(s.cond, s.cond.type(), dst);  // SELECT and JZ test != 0: any type will do
    if (!HasEffects(s.if_true) && !HasEffects(s.if_false)) {
      uint8_t if_true = Eval(s.if_true, type);
      uint8_t if_false = Eval(s.if_false, type);
      emit_.Emit(Opcode::SELECT, dst, cond, if_true, if_false);
      return;
    }
    uint32_t to_false = emit_.EmitJump(Opcode::JZ, cond);
    EvalInto(s.if_true, dst, type);
    uint32_t to_end = emit_.EmitJump(Opcode::JMP);
    emit_.PatchTarget(to_false, emit_.pc());
    EvalInto(s.if_false, dst, type);
    emit_.PatchTarget(to_end, emit_.pc());
  }

  // CALL takes its arguments in consecutive registers: each is evaluated into the next one.
  void EmitCall(const kir::CallExpr& call, uint8_t dst) {
    if (!kir::IsValidIntrinsic(call.intrinsic)) Internal("call of an unknown intrinsic");
    const bc::IntrinsicInfo& info = bc::Info(call.intrinsic);
    if (call.args.size() != info.num_args()) Internal(std::string(info.name) + "() with a wrong argument count");
    uint32_t mark = top_;
    uint8_t first = 0;
    for (size_t i = 0; i < call.args.size(); ++i) {
      uint8_t reg = PushRegister();
      if (i == 0) first = reg;
      EvalInto(call.args[i], reg, kir::TypeOf(info.arg(static_cast<uint32_t>(i))));
    }
    emit_.Emit(Opcode::CALL, dst, first, static_cast<uint8_t>(call.args.size()), emit_.Import(call.intrinsic));
    top_ = mark;
  }

  // LD32 / ST32 add an immediate to the base register: `p + constant` needs no ADD of its own.
  // `scratch`: a register the address may be computed in (a load's destination), or nothing (a store).
  std::pair<uint8_t, uint32_t> AddressOperand(const Expr& address, std::optional<uint8_t> scratch = std::nullopt) {
    auto operand = [&](const Expr& e, Type type) { return scratch ? EvalUsing(e, type, *scratch) : Eval(e, type); };
    if (!address.defined()) Internal("null address");
    if (const auto* b = std::get_if<kir::BinaryExpr>(&address->node);
        b != nullptr && (b->op == BinaryOp::Add || b->op == BinaryOp::Sub) && kir::Is32Bit(address.type())) {
      if (auto constant = kir::FoldConstant(b->rhs); constant && !kir::FoldConstant(b->lhs)) {
        uint32_t imm = static_cast<uint32_t>(kir::ConvertConstant(*constant, b->rhs.type(), address.type()));
        return {operand(b->lhs, address.type()), b->op == BinaryOp::Add ? imm : 0u - imm};
      }
    }
    return {operand(address, Type::U32), 0};
  }

  // ---- Statements ----

  // A statement with a scope of its own: its variables end with it.
  void EmitScoped(const Stmt& stmt) {
    uint32_t mark = top_;
    scopes_.emplace_back();
    EmitStmt(stmt);
    for (uint32_t index : scopes_.back()) var_register_[index] = kNoRegister;
    scopes_.pop_back();
    top_ = mark;
  }

  // Jumps if `cond` is false; returns the jump's pc, or nothing when `cond` is constant true.
  std::optional<uint32_t> EmitJumpIfFalse(const Expr& cond) {
    if (auto value = kir::FoldConstant(cond)) {
      if (*value != 0) return std::nullopt;
      return emit_.EmitJump(Opcode::JMP);
    }
    uint32_t mark = top_;
    uint8_t reg = Eval(cond, cond.type());
    top_ = mark;
    return emit_.EmitJump(Opcode::JZ, reg);
  }

  void EmitAssign(VarId var, const Expr& value) {
    uint8_t reg = VarRegister(var);
    if (!References(value, var) || UpdatesInPlace(value, var)) {
      EvalInto(value, reg, VarType(var));
      return;
    }
    uint8_t temp = PushRegister();
    EvalInto(value, temp, VarType(var));
    emit_.Emit(Opcode::MOV, reg, temp);
  }

  struct Loop {
    std::vector<uint32_t> breaks;     // jumps to the loop's exit
    std::vector<uint32_t> continues;  // jumps to its next iteration, when that is not yet emitted
    std::optional<uint32_t> continue_target;
  };

  void EmitStmt(const Stmt& stmt) {
    if (stmt == nullptr) Internal("null statement");
    AtLocation at(emit_, stmt->location);
    uint32_t mark = top_;
    const auto& node = stmt->node;
    if (const auto* let = std::get_if<kir::LetStmt>(&node)) {
      uint8_t reg = PushRegister();
      EvalInto(let->value, reg, VarType(let->var));
      DeclareVar(let->var, reg);
      top_ = reg + 1u;  // the variable stays; the initialiser's temporaries go
      return;
    }
    if (const auto* assign = std::get_if<kir::AssignStmt>(&node)) {
      EmitAssign(assign->var, assign->value);
    } else if (const auto* store = std::get_if<kir::StoreStmt>(&node)) {
      auto [base, offset] = AddressOperand(store->address);
      uint8_t value = Eval(store->value, Type::U32);
      emit_.Emit(Opcode::ST32, value, base, 0, offset);
    } else if (const auto* eval = std::get_if<kir::EvaluateStmt>(&node)) {
      const auto* call = eval->call.defined() ? std::get_if<kir::CallExpr>(&eval->call->node) : nullptr;
      if (call == nullptr) Internal("an evaluate statement without a call");
      AtLocation call_at(emit_, eval->call->location);
      EmitCall(*call, bc::kDiscardRegister);
    } else if (const auto* seq = std::get_if<kir::SeqStmt>(&node)) {
      scopes_.emplace_back();
      for (const Stmt& child : seq->stmts) EmitStmt(child);
      for (uint32_t index : scopes_.back()) var_register_[index] = kNoRegister;
      scopes_.pop_back();
    } else if (const auto* loop = std::get_if<kir::ForStmt>(&node)) {
      EmitFor(*loop);
    } else if (const auto* loop = std::get_if<kir::WhileStmt>(&node)) {
      uint32_t head = emit_.pc();
      std::optional<uint32_t> exit = EmitJumpIfFalse(loop->cond);
      loops_.push_back(Loop{{}, {}, head});
      EmitScoped(loop->body);
      emit_.Emit(Opcode::JMP, 0, 0, 0, head);
      FinishLoop(exit);
    } else if (const auto* branch = std::get_if<kir::IfStmt>(&node)) {
      EmitIf(*branch);
    } else if (std::holds_alternative<kir::BreakStmt>(node)) {
      if (loops_.empty()) Internal("break outside a loop");
      loops_.back().breaks.push_back(emit_.EmitJump(Opcode::JMP));
    } else if (std::holds_alternative<kir::ContinueStmt>(node)) {
      if (loops_.empty()) Internal("continue outside a loop");
      Loop& loop = loops_.back();
      uint32_t jump = emit_.EmitJump(Opcode::JMP);
      if (loop.continue_target) {
        emit_.PatchTarget(jump, *loop.continue_target);
      } else {
        loop.continues.push_back(jump);
      }
    } else if (std::holds_alternative<kir::ReturnStmt>(node)) {
      emit_.Emit(Opcode::HALT);
    }
    top_ = mark;
  }

  // for (var = begin; var < end; var += step): end and step are evaluated on every iteration, as in C++.
  void EmitFor(const kir::ForStmt& loop) {
    if (!loop.end.defined() || !loop.step.defined()) Internal("for loop without an end or a step");
    scopes_.emplace_back();
    uint8_t reg = PushRegister();
    EvalInto(loop.begin, reg, VarType(loop.var));
    DeclareVar(loop.var, reg);
    top_ = reg + 1u;
    Expr var = kir::MakeVar(kernel_, loop.var);
    uint32_t head = emit_.pc();
    std::optional<uint32_t> exit = EmitJumpIfFalse(kir::MakeBinary(BinaryOp::Lt, var, loop.end));
    loops_.push_back(Loop{});
    EmitScoped(loop.body);
    Loop& current = loops_.back();
    current.continue_target = emit_.pc();
    for (uint32_t jump : current.continues) emit_.PatchTarget(jump, emit_.pc());
    EmitAssign(loop.var, kir::MakeBinary(BinaryOp::Add, var, loop.step));
    emit_.Emit(Opcode::JMP, 0, 0, 0, head);
    FinishLoop(exit);
    var_register_[loop.var.index] = kNoRegister;
    scopes_.pop_back();
  }

  // Patches the loop's exits to here and closes it.
  void FinishLoop(std::optional<uint32_t> exit) {
    uint32_t end = emit_.pc();
    if (exit) emit_.PatchTarget(*exit, end);
    for (uint32_t jump : loops_.back().breaks) emit_.PatchTarget(jump, end);
    loops_.pop_back();
  }

  void EmitIf(const kir::IfStmt& branch) {
    if (auto cond = kir::FoldConstant(branch.cond)) {  // only the branch taken is emitted
      if (*cond != 0) {
        EmitScoped(branch.then_body);
      } else if (branch.else_body != nullptr) {
        EmitScoped(branch.else_body);
      }
      return;
    }
    std::optional<uint32_t> to_else = EmitJumpIfFalse(branch.cond);
    EmitScoped(branch.then_body);
    if (branch.else_body == nullptr) {
      emit_.PatchTarget(*to_else, emit_.pc());
      return;
    }
    uint32_t to_end = emit_.EmitJump(Opcode::JMP);
    emit_.PatchTarget(*to_else, emit_.pc());
    EmitScoped(branch.else_body);
    emit_.PatchTarget(to_end, emit_.pc());
  }

  const kir::Kernel& kernel_;
  bc::KernelBinary binary_;
  BytecodeEmitter emit_;
  std::vector<int> var_register_;             // per variable: its register while in scope, else kNoRegister
  std::vector<std::vector<uint32_t>> scopes_;  // variables declared in each open scope
  std::vector<Loop> loops_;
  uint32_t top_ = 0;                          // first free register
  uint32_t max_registers_ = 0;
};

}  // namespace

bc::KernelBinary GenerateBytecode(const kir::Kernel& kernel) { return CodeGenerator(kernel).Run(); }

}  // namespace tilesim::compiler
