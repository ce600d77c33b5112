// #if expressions: integer arithmetic in 64 bits over the tokens left after macro expansion.
#include <cstdint>
#include <string>

#include "compiler/frontends/metalium/lexer.h"
#include "compiler/frontends/metalium/preprocessor.h"

namespace tilesim::metalium {
namespace {

constexpr int kMaxDepth = 256;

class IfEvaluator {
 public:
  IfEvaluator(const std::vector<Token>& tokens, const SourcePos& directive, const Diagnostics& diag)
      : tokens_(tokens), directive_(directive), diag_(diag) {}

  int64_t Run() {
    const int64_t value = Conditional(0);
    if (index_ < tokens_.size()) diag_.Error(tokens_[index_].pos, "unexpected " + Describe(tokens_[index_]) + " in #if");
    return value;
  }

 private:
  const Token* Peek() const { return index_ < tokens_.size() ? &tokens_[index_] : nullptr; }
  bool Accept(const char* punct) {
    if (Peek() != nullptr && Peek()->IsPunct(punct)) {
      ++index_;
      return true;
    }
    return false;
  }
  SourcePos Here() const { return Peek() != nullptr ? Peek()->pos : directive_; }

  int64_t Conditional(int depth) {
    if (depth > kMaxDepth) diag_.Error(Here(), "#if expression nested too deeply");
    const int64_t cond = Binary(0, depth);
    if (!Accept("?")) return cond;
    const int64_t a = Conditional(depth + 1);
    if (!Accept(":")) diag_.Error(Here(), "expected ':' in #if expression");
    const int64_t b = Conditional(depth + 1);
    return cond != 0 ? a : b;
  }

  static int Precedence(const std::string& op) {
    if (op == "||") return 1;
    if (op == "&&") return 2;
    if (op == "|") return 3;
    if (op == "^") return 4;
    if (op == "&") return 5;
    if (op == "==" || op == "!=") return 6;
    if (op == "<" || op == ">" || op == "<=" || op == ">=") return 7;
    if (op == "<<" || op == ">>") return 8;
    if (op == "+" || op == "-") return 9;
    if (op == "*" || op == "/" || op == "%") return 10;
    return 0;
  }

  int64_t Binary(int min_precedence, int depth) {
    int64_t lhs = Unary(depth + 1);
    while (Peek() != nullptr && Peek()->kind == TokenKind::Punct) {
      const Token op = *Peek();
      const int precedence = Precedence(op.text);
      if (precedence == 0 || precedence <= min_precedence) break;
      ++index_;
      const int64_t rhs = Binary(precedence, depth + 1);
      lhs = Apply(op, lhs, rhs);
    }
    return lhs;
  }

  int64_t Apply(const Token& op, int64_t a, int64_t b) const {
    const std::string& o = op.text;
    const uint64_t ua = static_cast<uint64_t>(a);
    const uint64_t ub = static_cast<uint64_t>(b);
    if (o == "||") return (a != 0 || b != 0) ? 1 : 0;
    if (o == "&&") return (a != 0 && b != 0) ? 1 : 0;
    if (o == "|") return a | b;
    if (o == "^") return a ^ b;
    if (o == "&") return a & b;
    if (o == "==") return a == b;
    if (o == "!=") return a != b;
    if (o == "<") return a < b;
    if (o == ">") return a > b;
    if (o == "<=") return a <= b;
    if (o == ">=") return a >= b;
    if (o == "<<") return static_cast<int64_t>(ua << (ub & 63));
    if (o == ">>") return a >> (ub & 63);
    if (o == "+") return static_cast<int64_t>(ua + ub);
    if (o == "-") return static_cast<int64_t>(ua - ub);
    if (o == "*") return static_cast<int64_t>(ua * ub);
    if (b == 0) diag_.Error(op.pos, "division by zero in #if");
    if (a == INT64_MIN && b == -1) return o == "/" ? a : 0;
    return o == "/" ? a / b : a % b;
  }

  int64_t Unary(int depth) {
    if (depth > kMaxDepth) diag_.Error(Here(), "#if expression nested too deeply");
    if (Accept("!")) return Unary(depth + 1) == 0 ? 1 : 0;
    if (Accept("~")) return ~Unary(depth + 1);
    if (Accept("-")) return static_cast<int64_t>(0 - static_cast<uint64_t>(Unary(depth + 1)));
    if (Accept("+")) return Unary(depth + 1);
    if (Accept("(")) {
      const int64_t value = Conditional(depth + 1);
      if (!Accept(")")) diag_.Error(Here(), "expected ')' in #if expression");
      return value;
    }
    const Token* t = Peek();
    if (t == nullptr) diag_.Error(directive_, "#if expression ends too early");
    ++index_;
    switch (t->kind) {
      case TokenKind::Integer: return static_cast<int64_t>(DecodeIntegerLiteral(*t, diag_).value);
      case TokenKind::Char: return DecodeCharLiteral(*t, diag_);
      case TokenKind::Identifier: return t->text == "true" ? 1 : 0;  // an undefined name is 0, as in C
      default: diag_.Error(t->pos, "unexpected " + Describe(*t) + " in #if expression");
    }
  }

  const std::vector<Token>& tokens_;
  SourcePos directive_;
  const Diagnostics& diag_;
  size_t index_ = 0;
};

}  // namespace

int64_t EvaluateIfExpression(const std::vector<Token>& tokens, const SourcePos& directive, const Diagnostics& diag) {
  if (tokens.empty()) diag.Error(directive, "#if with no expression");
  return IfEvaluator(tokens, directive, diag).Run();
}

}  // namespace tilesim::metalium
