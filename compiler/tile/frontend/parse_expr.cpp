// Parser of the tile DSL: expressions, by Python's precedence levels, and the token helpers.
#include <array>

#include "compiler/tile/frontend/parser_core.h"

namespace tilesim::tile::frontend {

namespace {

constexpr std::string_view kKeywords[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield"};

// Binary operator levels from loosest to tightest: | ^ & shifts additive multiplicative.
const std::array<std::vector<std::string_view>, 6> kBinaryLevels = {{
    {"|"}, {"^"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "//", "%", "@"},
}};

// Raises the nesting count for the life of one recursive parse step (the caller checks the limit).
class DepthGuard {
 public:
  explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
  ~DepthGuard() { --depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  int& depth_;
};

}  // namespace

bool IsKeyword(std::string_view text) {
  for (std::string_view keyword : kKeywords) {
    if (text == keyword) return true;
  }
  return false;
}

std::string ParserCore::Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::Name:
    case TokenKind::Operator: return "'" + token.text + "'";
    case TokenKind::Integer:
    case TokenKind::Float: return "the number " + token.text;
    case TokenKind::String: return "a string";
    default: return std::string(ToString(token.kind));
  }
}

void ParserCore::Fail(const Token& token, const std::string& message) const { ThrowAt(file_, token.location, message); }

const Token& ParserCore::Expect(TokenKind kind, std::string_view what) {
  if (!At(kind)) Fail(Peek(), "expected " + std::string(what) + " but found " + Describe(Peek()));
  return Next();
}

void ParserCore::ExpectOperator(std::string_view op) {
  if (!AtOperator(op)) Fail(Peek(), "expected '" + std::string(op) + "' but found " + Describe(Peek()));
  Next();
}

void ParserCore::ExpectName(std::string_view name) {
  if (!AtName(name)) Fail(Peek(), "expected '" + std::string(name) + "' but found " + Describe(Peek()));
  Next();
}

void ParserCore::ExpectSeparator(std::string_view close) {
  if (AtOperator(close)) return;
  if (!AtOperator(",")) Fail(Peek(), "expected ',' or '" + std::string(close) + "' but found " + Describe(Peek()));
  Next();
}

ExprPtr ParserCore::ParseExpressionList() {
  ExprPtr first = ParseExpression();
  if (!AtOperator(",")) return first;
  auto tuple = MakeExpr(Expr::Kind::Tuple, first->location);
  tuple->items.push_back(std::move(first));
  while (AcceptOperator(",")) {
    if (At(TokenKind::Newline) || AtOperator("=") || AtOperator(";") || AtOperator(":") || At(TokenKind::End)) break;
    tuple->items.push_back(ParseExpression());
  }
  return tuple;
}

ExprPtr ParserCore::ParseExpression() {
  DepthGuard guard(expr_depth_);
  if (expr_depth_ > kMaxDepth) Fail(Peek(), "expression nested too deeply");
  if (AtName("lambda")) return ParseLambda();
  ExprPtr value = ParseOr();
  if (!AtName("if")) return value;
  auto conditional = MakeExpr(Expr::Kind::IfElse, Next().location);
  ExprPtr condition = ParseOr();
  ExpectName("else");
  conditional->items.push_back(std::move(value));
  conditional->items.push_back(std::move(condition));
  conditional->items.push_back(ParseExpression());
  return conditional;
}

// `lambda i, j: (i, j)` (layout functions handed to GPU hints): parsed so the hint can be ignored; using
// one as a value is an error where it is used.
ExprPtr ParserCore::ParseLambda() {
  auto lambda = MakeExpr(Expr::Kind::Lambda, Next().location);
  while (!AtOperator(":")) {
    const Token& param = Expect(TokenKind::Name, "a lambda parameter");
    lambda->text += (lambda->text.empty() ? "" : ", ");
    lambda->text += param.text;
    if (AcceptOperator("=")) ParseExpression();
    if (!AtOperator(":")) ExpectOperator(",");
  }
  Next();  // :
  lambda->items.push_back(ParseExpression());
  return lambda;
}

ExprPtr ParserCore::ParseOr() {
  ExprPtr lhs = ParseAnd();
  while (AtName("or")) {
    auto op = MakeExpr(Expr::Kind::BoolOp, Next().location);
    op->text = "or";
    op->items.push_back(std::move(lhs));
    op->items.push_back(ParseAnd());
    lhs = std::move(op);
  }
  return lhs;
}

ExprPtr ParserCore::ParseAnd() {
  ExprPtr lhs = ParseNot();
  while (AtName("and")) {
    auto op = MakeExpr(Expr::Kind::BoolOp, Next().location);
    op->text = "and";
    op->items.push_back(std::move(lhs));
    op->items.push_back(ParseNot());
    lhs = std::move(op);
  }
  return lhs;
}

ExprPtr ParserCore::ParseNot() {
  if (!AtName("not")) return ParseComparison();
  DepthGuard guard(expr_depth_);
  if (expr_depth_ > kMaxDepth) Fail(Peek(), "expression nested too deeply");
  auto op = MakeExpr(Expr::Kind::Unary, Next().location);
  op->text = "not";
  op->items.push_back(ParseNot());
  return op;
}

ExprPtr ParserCore::ParseComparison() {
  ExprPtr lhs = ParseBinaryLevel(0);
  while (true) {
    std::string op_text;
    const SourceLocation at = Peek().location;
    if (At(TokenKind::Operator) && (Peek().text == "<" || Peek().text == ">" || Peek().text == "==" ||
                                    Peek().text == "!=" || Peek().text == "<=" || Peek().text == ">=")) {
      op_text = Next().text;
    } else if (AtName("in")) {
      op_text = Next().text;
    } else if (AtName("is")) {
      Next();
      op_text = AcceptName("not") ? "is not" : "is";
    } else if (AtName("not") && pos_ + 1 < tokens_.size() && tokens_[pos_ + 1].kind == TokenKind::Name &&
               tokens_[pos_ + 1].text == "in") {
      Next();
      Next();
      op_text = "not in";
    } else {
      return lhs;
    }
    auto compare = MakeExpr(Expr::Kind::Compare, at);
    compare->text = op_text;
    compare->items.push_back(std::move(lhs));
    compare->items.push_back(ParseBinaryLevel(0));
    lhs = std::move(compare);
  }
}

ExprPtr ParserCore::ParseBinaryLevel(int level) {
  if (level == static_cast<int>(kBinaryLevels.size())) return ParseUnary();
  ExprPtr lhs = ParseBinaryLevel(level + 1);
  while (true) {
    bool matched = false;
    for (std::string_view op : kBinaryLevels[level]) {
      if (AtOperator(op)) {
        auto binary = MakeExpr(Expr::Kind::Binary, Next().location);
        binary->text = std::string(op);
        binary->items.push_back(std::move(lhs));
        binary->items.push_back(ParseBinaryLevel(level + 1));
        lhs = std::move(binary);
        matched = true;
        break;
      }
    }
    if (!matched) return lhs;
  }
}

ExprPtr ParserCore::ParseUnary() {
  if (AtOperator("-") || AtOperator("+") || AtOperator("~")) {
    DepthGuard guard(expr_depth_);
  if (expr_depth_ > kMaxDepth) Fail(Peek(), "expression nested too deeply");
    auto op = MakeExpr(Expr::Kind::Unary, Peek().location);
    op->text = Next().text;
    op->items.push_back(ParseUnary());
    return op;
  }
  return ParsePower();
}

ExprPtr ParserCore::ParsePower() {
  ExprPtr base = ParsePrimary();
  if (!AtOperator("**")) return base;
  DepthGuard guard(expr_depth_);
  if (expr_depth_ > kMaxDepth) Fail(Peek(), "expression nested too deeply");
  auto power = MakeExpr(Expr::Kind::Binary, Next().location);
  power->text = "**";
  power->items.push_back(std::move(base));
  power->items.push_back(ParseUnary());  // right-associative, binds tighter than unary minus on its left
  return power;
}

ExprPtr ParserCore::ParsePrimary() {
  ExprPtr value = ParseAtom();
  while (true) {
    if (AtOperator(".")) {
      Next();
      const Token& attr = Expect(TokenKind::Name, "an attribute name after '.'");
      auto attribute = MakeExpr(Expr::Kind::Attribute, value->location);
      attribute->text = attr.text;
      attribute->base = std::move(value);
      value = std::move(attribute);
    } else if (AtOperator("(")) {
      auto call = MakeExpr(Expr::Kind::Call, value->location);
      Next();
      call->base = std::move(value);
      ParseCallArguments(*call);
      value = std::move(call);
    } else if (AtOperator("[")) {
      auto subscript = MakeExpr(Expr::Kind::Subscript, value->location);
      Next();
      subscript->base = std::move(value);
      do {
        if (AtOperator("]")) break;
        subscript->items.push_back(ParseSubscriptItem());
      } while (AcceptOperator(","));
      if (subscript->items.empty()) Fail(Peek(), "expected an index");
      ExpectOperator("]");
      value = std::move(subscript);
    } else {
      return value;
    }
  }
}

void ParserCore::ParseCallArguments(Expr& call) {
  while (!AcceptOperator(")")) {
    if (AtOperator("*") || AtOperator("**")) Fail(Peek(), "unsupported: '" + Peek().text + "' argument unpacking");
    const bool is_keyword = At(TokenKind::Name) && pos_ + 1 < tokens_.size() &&
                            tokens_[pos_ + 1].kind == TokenKind::Operator && tokens_[pos_ + 1].text == "=";
    if (is_keyword) {
      Keyword keyword;
      keyword.location = Peek().location;
      keyword.name = Next().text;
      Next();  // =
      keyword.value = ParseExpression();
      call.keywords.push_back(std::move(keyword));
    } else {
      if (!call.keywords.empty()) Fail(Peek(), "positional argument after keyword argument");
      call.items.push_back(ParseExpression());
      // `f(x for x in y)`; a `for` on a later line is more likely a missing ')'.
      if (AtName("for") && Peek().location.line == tokens_[pos_ - 1].location.line) {
        Fail(Peek(), "unsupported: generator expressions");
      }
    }
    ExpectSeparator(")");
  }
}

ExprPtr ParserCore::ParseSubscriptItem() {
  const SourceLocation at = Peek().location;
  ExprPtr lower;
  if (!AtOperator(":")) {
    lower = ParseExpression();
    if (!AtOperator(":")) return lower;
  }
  auto slice = MakeExpr(Expr::Kind::Slice, at);
  Next();  // :
  ExprPtr upper;
  ExprPtr step;
  if (!AtOperator(",") && !AtOperator("]") && !AtOperator(":")) upper = ParseExpression();
  if (AcceptOperator(":") && !AtOperator(",") && !AtOperator("]")) step = ParseExpression();
  slice->items.push_back(std::move(lower));
  slice->items.push_back(std::move(upper));
  slice->items.push_back(std::move(step));
  return slice;
}

ExprPtr ParserCore::ParseAtom() {
  const Token& token = Peek();
  switch (token.kind) {
    case TokenKind::Name: {
      if (token.text == "True" || token.text == "False") {
        auto value = MakeExpr(Expr::Kind::Bool, Next().location);
        value->int_value = token.text == "True";
        return value;
      }
      if (token.text == "None") return MakeExpr(Expr::Kind::None, Next().location);
      if (IsKeyword(token.text)) Fail(token, "expected an expression but found the keyword '" + token.text + "'");
      auto name = MakeExpr(Expr::Kind::Name, token.location);
      name->text = Next().text;
      return name;
    }
    case TokenKind::Integer: {
      auto value = MakeExpr(Expr::Kind::Integer, token.location);
      value->int_value = Next().int_value;
      return value;
    }
    case TokenKind::Float: {
      auto value = MakeExpr(Expr::Kind::Float, token.location);
      value->float_value = Next().float_value;
      return value;
    }
    case TokenKind::String: {
      auto value = MakeExpr(Expr::Kind::String, token.location);
      while (At(TokenKind::String)) value->text += Next().text;  // "a" "b" is "ab"
      return value;
    }
    case TokenKind::Operator:
      if (token.text == "(") return ParseParenthesized(Next());
      if (token.text == "[") return ParseBracketDisplay(Next());
      if (token.text == "{") return ParseBraceDisplay(Next());
      break;
    default: break;
  }
  Fail(token, "expected an expression but found " + Describe(token));
}

ExprPtr ParserCore::ParseParenthesized(const Token& open) {
  if (AcceptOperator(")")) return MakeExpr(Expr::Kind::Tuple, open.location);  // ()
  ExprPtr first = ParseExpression();
  if (AtName("for")) Fail(Peek(), "unsupported: generator expressions");
  if (AcceptOperator(")")) return first;  // (x) is x
  auto tuple = MakeExpr(Expr::Kind::Tuple, open.location);
  tuple->items.push_back(std::move(first));
  while (!AcceptOperator(")")) {
    ExpectSeparator(")");
    if (AcceptOperator(")")) break;
    tuple->items.push_back(ParseExpression());
  }
  return tuple;
}

ExprPtr ParserCore::ParseBracketDisplay(const Token& open) {
  auto list = MakeExpr(Expr::Kind::List, open.location);
  while (!AcceptOperator("]")) {
    list->items.push_back(ParseExpression());
    if (AtName("for")) Fail(Peek(), "unsupported: list comprehensions");
    ExpectSeparator("]");
  }
  return list;
}

ExprPtr ParserCore::ParseBraceDisplay(const Token& open) {
  auto dict = MakeExpr(Expr::Kind::Dict, open.location);
  while (!AcceptOperator("}")) {
    dict->items.push_back(ParseExpression());
    if (AtName("for")) Fail(Peek(), "unsupported: comprehensions");
    if (!AcceptOperator(":")) Fail(Peek(), "unsupported: set displays (expected ':' in a dict)");
    dict->items.push_back(ParseExpression());
    ExpectSeparator("}");
  }
  return dict;
}

}  // namespace tilesim::tile::frontend
