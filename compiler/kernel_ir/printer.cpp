// Kernel IR as C-like text. Every composite operand is parenthesised, so the text never depends on
// operator precedence and a golden string changes only when the IR does.
#include <sstream>
#include <string>

#include "compiler/kernel_ir/type_rules.h"
#include "tilesim/compiler.h"

namespace tilesim::kir {
namespace {

class Printer {
 public:
  explicit Printer(const Kernel& kernel) : kernel_(kernel) {}

  std::string Expression(const Expr& expr) {
    std::ostringstream out;
    PrintExpr(out, expr);
    return out.str();
  }

  std::string KernelText() {
    out_ << "// " << ToString(kernel_.role) << " kernel " << kernel_.name << "\n";
    out_ << "void kernel_main() ";
    if (kernel_.body != nullptr && std::holds_alternative<SeqStmt>(kernel_.body->node)) {
      PrintBlock(std::get<SeqStmt>(kernel_.body->node), 0);
    } else {
      out_ << "{\n";
      PrintStmt(kernel_.body, 1);
      out_ << "}";
    }
    out_ << "\n";
    return out_.str();
  }

 private:
  std::string VarName(VarId var) const {
    if (var.index >= kernel_.vars.size()) return "<var " + std::to_string(var.index) + ">";
    return kernel_.vars[var.index].name;
  }

  std::string VarType(VarId var) const {
    if (var.index >= kernel_.vars.size()) return "<type?>";
    return std::string(ToString(kernel_.vars[var.index].type));
  }

  static void PrintConst(std::ostream& out, uint64_t value, Type type) {
    switch (type) {
      case Type::Bool: out << (value != 0 ? "true" : "false"); break;
      case Type::I32: out << "int32_t(" << static_cast<int32_t>(static_cast<uint32_t>(value)) << ")"; break;
      case Type::U32: out << value; break;
      case Type::U64: out << value << "ull"; break;
    }
  }

  // An operand: simple nodes as they are, composite ones in parentheses.
  void PrintOperand(std::ostream& out, const Expr& expr) {
    bool composite = expr.defined() && (std::holds_alternative<BinaryExpr>(expr->node) ||
                                        std::holds_alternative<SelectExpr>(expr->node));
    if (composite) out << "(";
    PrintExpr(out, expr);
    if (composite) out << ")";
  }

  void PrintExpr(std::ostream& out, const Expr& expr) {
    if (!expr.defined()) {
      out << "<null>";
      return;
    }
    const ExprNode& node = *expr;
    if (const auto* c = std::get_if<ConstExpr>(&node.node)) {
      PrintConst(out, c->value, node.type);
    } else if (const auto* v = std::get_if<VarExpr>(&node.node)) {
      out << VarName(v->var);
    } else if (const auto* u = std::get_if<UnaryExpr>(&node.node)) {
      out << ToString(u->op);
      PrintOperand(out, u->operand);
    } else if (const auto* b = std::get_if<BinaryExpr>(&node.node)) {
      PrintOperand(out, b->lhs);
      out << " " << ToString(b->op) << " ";
      PrintOperand(out, b->rhs);
    } else if (const auto* s = std::get_if<SelectExpr>(&node.node)) {
      PrintOperand(out, s->cond);
      out << " ? ";
      PrintOperand(out, s->if_true);
      out << " : ";
      PrintOperand(out, s->if_false);
    } else if (const auto* cast = std::get_if<CastExpr>(&node.node)) {
      out << "(" << ToString(node.type) << ")";
      bool simple = cast->operand.defined() && (std::holds_alternative<VarExpr>(cast->operand->node) ||
                                                std::holds_alternative<ConstExpr>(cast->operand->node));
      if (!simple) out << "(";
      PrintExpr(out, cast->operand);
      if (!simple) out << ")";
    } else if (const auto* call = std::get_if<CallExpr>(&node.node)) {
      PrintCall(out, *call);
    } else if (const auto* load = std::get_if<LoadExpr>(&node.node)) {
      out << "load32(";
      PrintExpr(out, load->address);
      out << ")";
    } else if (const auto* arg = std::get_if<CompileTimeArgExpr>(&node.node)) {
      out << "get_compile_time_arg_val(" << arg->index << ")";
    }
  }

  void PrintCall(std::ostream& out, const CallExpr& call) {
    if (!IsValidIntrinsic(call.intrinsic)) {
      out << "<intrinsic " << static_cast<uint32_t>(call.intrinsic) << ">";
    } else {
      out << bc::Info(call.intrinsic).name;
    }
    out << "(";
    for (size_t i = 0; i < call.args.size(); ++i) {
      if (i > 0) out << ", ";
      PrintExpr(out, call.args[i]);
    }
    out << ")";
    // dprint_str's argument indexes Kernel::strings: show the text it stands for.
    if (call.intrinsic == bc::Intrinsic::dprint_str && call.args.size() == 1 && call.args[0].defined()) {
      if (const auto* c = std::get_if<ConstExpr>(&call.args[0]->node); c != nullptr && c->value < kernel_.strings.size()) {
        out << " /* \"" << Escape(kernel_.strings[c->value]) << "\" */";
      }
    }
  }

  static std::string Escape(const std::string& text) {
    std::string escaped;
    for (char ch : text) {
      if (ch == '\n') escaped += "\\n";
      else if (ch == '"' || ch == '\\') escaped += std::string("\\") + ch;
      else escaped += ch;
    }
    return escaped;
  }

  void Indent(int depth) {
    for (int i = 0; i < depth; ++i) out_ << "  ";
  }

  // "{\n" statements "}" (no newline after the brace: the caller decides what follows).
  void PrintBlock(const SeqStmt& seq, int depth) {
    out_ << "{\n";
    for (const Stmt& stmt : seq.stmts) PrintStmt(stmt, depth + 1);
    Indent(depth);
    out_ << "}";
  }

  // A loop or if body: a SeqStmt prints as the braces themselves; anything else gets braces around it.
  void PrintBody(const Stmt& body, int depth) {
    if (body != nullptr && std::holds_alternative<SeqStmt>(body->node)) {
      PrintBlock(std::get<SeqStmt>(body->node), depth);
      return;
    }
    out_ << "{\n";
    PrintStmt(body, depth + 1);
    Indent(depth);
    out_ << "}";
  }

  void PrintStmt(const Stmt& stmt, int depth) {
    Indent(depth);
    if (stmt == nullptr) {
      out_ << "<null>;\n";
      return;
    }
    const auto& node = stmt->node;
    if (const auto* let = std::get_if<LetStmt>(&node)) {
      bool is_const = let->var.index < kernel_.vars.size() && kernel_.vars[let->var.index].is_const;
      out_ << (is_const ? "const " : "") << VarType(let->var) << " " << VarName(let->var) << " = ";
      PrintExpr(out_, let->value);
      out_ << ";\n";
    } else if (const auto* assign = std::get_if<AssignStmt>(&node)) {
      out_ << VarName(assign->var) << " = ";
      PrintExpr(out_, assign->value);
      out_ << ";\n";
    } else if (const auto* store = std::get_if<StoreStmt>(&node)) {
      out_ << "store32(";
      PrintExpr(out_, store->address);
      out_ << ", ";
      PrintExpr(out_, store->value);
      out_ << ");\n";
    } else if (const auto* eval = std::get_if<EvaluateStmt>(&node)) {
      PrintExpr(out_, eval->call);
      out_ << ";\n";
    } else if (const auto* seq = std::get_if<SeqStmt>(&node)) {
      PrintBlock(*seq, depth);
      out_ << "\n";
    } else if (const auto* loop = std::get_if<ForStmt>(&node)) {
      std::string name = VarName(loop->var);
      out_ << "for (" << VarType(loop->var) << " " << name << " = ";
      PrintExpr(out_, loop->begin);
      out_ << "; " << name << " < ";
      PrintOperand(out_, loop->end);
      out_ << "; " << name << " += ";
      PrintOperand(out_, loop->step);
      out_ << ") ";
      PrintBody(loop->body, depth);
      out_ << "\n";
    } else if (const auto* loop = std::get_if<WhileStmt>(&node)) {
      out_ << "while (";
      PrintExpr(out_, loop->cond);
      out_ << ") ";
      PrintBody(loop->body, depth);
      out_ << "\n";
    } else if (const auto* branch = std::get_if<IfStmt>(&node)) {
      out_ << "if (";
      PrintExpr(out_, branch->cond);
      out_ << ") ";
      PrintBody(branch->then_body, depth);
      if (branch->else_body != nullptr) {
        out_ << " else ";
        PrintBody(branch->else_body, depth);
      }
      out_ << "\n";
    } else if (std::holds_alternative<BreakStmt>(node)) {
      out_ << "break;\n";
    } else if (std::holds_alternative<ContinueStmt>(node)) {
      out_ << "continue;\n";
    } else if (std::holds_alternative<ReturnStmt>(node)) {
      out_ << "return;\n";
    }
  }

  const Kernel& kernel_;
  std::ostringstream out_;
};

}  // namespace

std::string Print(const Kernel& kernel) { return Printer(kernel).KernelText(); }

std::string Print(const Kernel& kernel, const Expr& expr) { return Printer(kernel).Expression(expr); }

}  // namespace tilesim::kir
