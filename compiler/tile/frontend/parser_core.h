// The parser's state and token helpers, shared by parser.cpp (statements) and parse_expr.cpp (expressions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/tile/frontend/ast.h"
#include "compiler/tile/frontend/lexer.h"

namespace tilesim::tile::frontend {

// Python keywords: never names of values.
bool IsKeyword(std::string_view text);

class ParserCore {
 public:
  ParserCore(std::vector<Token> tokens, const std::string& file) : tokens_(std::move(tokens)), file_(file) {}

  Block ParseModuleBody();

  // ---- Expressions (parse_expr.cpp) ----
  ExprPtr ParseExpression();      // one expression (Python's `test`)
  ExprPtr ParseExpressionList();  // `a, b` without brackets is a Tuple

 private:
  // Deeper nesting than this is an error, not a stack overflow.
  static constexpr int kMaxDepth = 100;

  // ---- Statements (parser.cpp) ----
  void ParseStatement(Block& body);
  void ParseSimpleStatements(Block& body);
  void ParseImport(Block& body);
  StmtPtr ParseDecorated();
  StmtPtr ParseFunctionDef(std::vector<ExprPtr> decorators, SourceLocation location, size_t start);
  StmtPtr ParseWith();
  StmtPtr ParseFor();
  void ParseTargetNames(Stmt& stmt, std::string_view terminator);
  Block ParseBlock();
  void SkipBlock();
  void SkipHeader();
  bool MentionsPrimFunc(size_t start, size_t def_pos) const;
  bool IsMainGuard() const;
  StmtPtr SkipMainGuard();

  // ---- Expression levels, loosest first (parse_expr.cpp) ----
  ExprPtr ParseLambda();
  ExprPtr ParseOr();
  ExprPtr ParseAnd();
  ExprPtr ParseNot();
  ExprPtr ParseComparison();
  ExprPtr ParseBinaryLevel(int level);
  ExprPtr ParseUnary();
  ExprPtr ParsePower();
  ExprPtr ParsePrimary();
  ExprPtr ParseAtom();
  ExprPtr ParseParenthesized(const Token& open);
  ExprPtr ParseBracketDisplay(const Token& open);
  ExprPtr ParseBraceDisplay(const Token& open);
  void ParseCallArguments(Expr& call);
  ExprPtr ParseSubscriptItem();

  // ---- Tokens ----
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return token;
  }
  bool At(TokenKind kind) const { return Peek().kind == kind; }
  bool AtOperator(std::string_view op) const { return At(TokenKind::Operator) && Peek().text == op; }
  bool AtName(std::string_view name) const { return At(TokenKind::Name) && Peek().text == name; }
  bool Accept(TokenKind kind) {
    if (!At(kind)) return false;
    Next();
    return true;
  }
  bool AcceptOperator(std::string_view op) {
    if (!AtOperator(op)) return false;
    Next();
    return true;
  }
  bool AcceptName(std::string_view name) {
    if (!AtName(name)) return false;
    Next();
    return true;
  }
  const Token& Expect(TokenKind kind, std::string_view what);
  void ExpectOperator(std::string_view op);
  void ExpectName(std::string_view name);
  // After an item of a bracketed list: ',' (consumed) or the closing bracket (left for the caller).
  void ExpectSeparator(std::string_view close);
  [[noreturn]] void Fail(const Token& token, const std::string& message) const;
  static std::string Describe(const Token& token);

  static StmtPtr MakeStmt(Stmt::Kind kind, SourceLocation location) {
    auto stmt = std::make_unique<Stmt>();
    stmt->kind = kind;
    stmt->location = location;
    return stmt;
  }
  static ExprPtr MakeExpr(Expr::Kind kind, SourceLocation location) {
    auto expr = std::make_unique<Expr>();
    expr->kind = kind;
    expr->location = location;
    return expr;
  }

  std::vector<Token> tokens_;
  const std::string& file_;
  size_t pos_ = 0;
  int block_depth_ = 0;
  int expr_depth_ = 0;
};

}  // namespace tilesim::tile::frontend
