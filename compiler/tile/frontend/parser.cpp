// Parser of the tile DSL: statements, blocks and host-code skipping. Expressions: parse_expr.cpp.
#include "compiler/tile/frontend/parser.h"

#include "compiler/tile/frontend/parser_core.h"

namespace tilesim::tile::frontend {

namespace {

// Keywords that start a statement outside the subset, and how the error names them.
struct UnsupportedKeyword {
  std::string_view keyword;
  std::string_view construct;
};
constexpr UnsupportedKeyword kUnsupportedStatements[] = {
    {"while", "while loops"},     {"if", "if statements"},         {"elif", "if statements"},
    {"else", "if statements"},    {"try", "try statements"},       {"except", "try statements"},
    {"finally", "try statements"}, {"break", "break statements"},  {"continue", "continue statements"},
    {"assert", "assert statements"}, {"raise", "raise statements"}, {"del", "del statements"},
    {"global", "global statements"}, {"nonlocal", "nonlocal statements"}, {"yield", "yield"},
    {"async", "async functions"}, {"await", "await"},
};

constexpr std::string_view kAugmentedOperators[] = {"+=", "-=", "*=", "/=", "//=", "%=", "**=",
                                                    "&=", "|=", "^=", "@="};

}  // namespace

Block ParserCore::ParseModuleBody() {
  Block body;
  while (!At(TokenKind::End)) {
    if (Accept(TokenKind::Newline)) continue;
    if (At(TokenKind::Indent)) Fail(Peek(), "unexpected indent");
    ParseStatement(body);
  }
  return body;
}

// A block after a header's ':' — an indented suite, or simple statements on the same line.
Block ParserCore::ParseBlock() {
  Block body;
  if (!Accept(TokenKind::Newline)) {
    ParseSimpleStatements(body);
    return body;
  }
  if (!At(TokenKind::Indent)) Fail(Peek(), "expected an indented block");
  if (++block_depth_ > kMaxDepth) Fail(Peek(), "blocks nested too deeply");
  Next();
  while (!Accept(TokenKind::Dedent)) {
    if (At(TokenKind::End)) Fail(Peek(), "expected the end of the indented block");
    if (Accept(TokenKind::Newline)) continue;
    if (At(TokenKind::Indent)) Fail(Peek(), "unexpected indent");
    ParseStatement(body);
  }
  --block_depth_;
  return body;
}

// Skips a header's block without reading it: an indented suite (nested Indent / Dedent balanced) or the
// rest of the line.
void ParserCore::SkipBlock() {
  if (!Accept(TokenKind::Newline)) {
    while (!At(TokenKind::Newline) && !At(TokenKind::End)) Next();
    Accept(TokenKind::Newline);
    return;
  }
  if (!At(TokenKind::Indent)) Fail(Peek(), "expected an indented block");
  int depth = 0;
  do {
    if (At(TokenKind::End)) Fail(Peek(), "expected the end of the indented block");
    if (At(TokenKind::Indent)) ++depth;
    if (At(TokenKind::Dedent)) --depth;
    Next();
  } while (depth > 0);
}

// Skips to the ':' that ends a compound statement's header (brackets in the header are balanced by the
// lexer's line joining, so the first ':' outside brackets is the one).
void ParserCore::SkipHeader() {
  int brackets = 0;
  while (!At(TokenKind::End) && !At(TokenKind::Newline)) {
    const Token& token = Peek();
    if (token.kind == TokenKind::Operator) {
      if (token.text == "(" || token.text == "[" || token.text == "{") ++brackets;
      if (token.text == ")" || token.text == "]" || token.text == "}") --brackets;
      if (token.text == ":" && brackets <= 0) {
        Next();
        return;
      }
    }
    Next();
  }
  Fail(Peek(), "expected ':'");
}

// Whether the def at token `def_pos` (decorated from token `start`) mentions prim_func in its decorators,
// header or block: then it is a kernel or a factory of one, and is parsed; otherwise it is host code.
bool ParserCore::MentionsPrimFunc(size_t start, size_t def_pos) const {
  auto is_prim_func = [](const Token& token) { return token.kind == TokenKind::Name && token.text == "prim_func"; };
  for (size_t i = start; i < def_pos && i < tokens_.size(); ++i) {
    if (is_prim_func(tokens_[i])) return true;
  }
  int depth = 0;
  for (size_t i = def_pos; i < tokens_.size(); ++i) {
    const Token& token = tokens_[i];
    if (token.kind == TokenKind::End) return false;
    if (is_prim_func(token)) return true;
    if (token.kind == TokenKind::Newline && depth == 0) {
      if (i + 1 >= tokens_.size() || tokens_[i + 1].kind != TokenKind::Indent) return false;  // a one-line def
    }
    if (token.kind == TokenKind::Indent) ++depth;
    if (token.kind == TokenKind::Dedent && --depth <= 0) return false;
  }
  return false;
}

void ParserCore::ParseStatement(Block& body) {
  const Token& first = Peek();
  if (first.kind == TokenKind::Operator && first.text == "@") {
    body.push_back(ParseDecorated());
    return;
  }
  if (first.kind == TokenKind::Name) {
    if (first.text == "def") {
      body.push_back(ParseFunctionDef({}, first.location, pos_));
      return;
    }
    if (first.text == "with") return body.push_back(ParseWith());
    if (first.text == "for") return body.push_back(ParseFor());
    if (first.text == "class") {
      auto stmt = MakeStmt(Stmt::Kind::Skipped, first.location);
      stmt->text = "class";
      Next();
      SkipHeader();
      SkipBlock();
      return body.push_back(std::move(stmt));
    }
    if (first.text == "if" && IsMainGuard()) return body.push_back(SkipMainGuard());
    for (const auto& [keyword, construct] : kUnsupportedStatements) {
      if (first.text == keyword) Fail(first, "unsupported: " + std::string(construct));
    }
  }
  ParseSimpleStatements(body);
}

StmtPtr ParserCore::ParseDecorated() {
  const size_t start = pos_;
  const SourceLocation location = Peek().location;
  std::vector<ExprPtr> decorators;
  while (AcceptOperator("@")) {
    decorators.push_back(ParseExpression());
    Expect(TokenKind::Newline, "the end of the decorator line");
    while (Accept(TokenKind::Newline)) {}
  }
  if (!AtName("def")) {
    if (AtName("class")) {
      auto stmt = MakeStmt(Stmt::Kind::Skipped, location);
      stmt->text = "class";
      Next();
      SkipHeader();
      SkipBlock();
      return stmt;
    }
    Fail(Peek(), "expected 'def' after the decorator");
  }
  return ParseFunctionDef(std::move(decorators), location, start);
}

StmtPtr ParserCore::ParseFunctionDef(std::vector<ExprPtr> decorators, SourceLocation location, size_t start) {
  const size_t def_pos = pos_;
  const Token& def_token = Next();  // def
  const Token& name = Expect(TokenKind::Name, "the function's name");
  if (!MentionsPrimFunc(start, def_pos)) {
    auto stmt = MakeStmt(Stmt::Kind::Skipped, def_token.location);
    stmt->text = "def " + name.text;
    stmt->name = name.text;
    SkipHeader();
    SkipBlock();
    return stmt;
  }
  auto stmt = MakeStmt(Stmt::Kind::FunctionDef, location);
  stmt->name = name.text;
  stmt->decorators = std::move(decorators);
  ExpectOperator("(");
  while (!AcceptOperator(")")) {
    if (AtOperator("*") || AtOperator("**") || AtOperator("/")) Fail(Peek(), "unsupported: '" + Peek().text + "' in a parameter list");
    Param param;
    const Token& param_name = Expect(TokenKind::Name, "a parameter name");
    param.name = param_name.text;
    param.location = param_name.location;
    if (AcceptOperator(":")) param.annotation = ParseExpression();
    if (AcceptOperator("=")) param.default_value = ParseExpression();
    stmt->params.push_back(std::move(param));
    ExpectSeparator(")");
  }
  if (AcceptOperator("->")) ParseExpression();  // a return annotation means nothing here
  ExpectOperator(":");
  stmt->body = ParseBlock();
  return stmt;
}

// Names after `with ... as` / `for`: `x`, `x, y` or `(x, y)`.
void ParserCore::ParseTargetNames(Stmt& stmt, std::string_view terminator) {
  const bool parenthesized = AcceptOperator("(") || AcceptOperator("[");
  do {
    if (parenthesized && (AtOperator(")") || AtOperator("]"))) break;
    if (!parenthesized && (AtName(terminator) || AtOperator(terminator))) break;
    const Token& name = Expect(TokenKind::Name, "a name");
    if (IsKeyword(name.text)) Fail(name, "expected a name but found the keyword '" + name.text + "'");
    stmt.targets.push_back(name.text);
    stmt.target_locations.push_back(name.location);
  } while (AcceptOperator(","));
  if (parenthesized && !AcceptOperator(")")) ExpectOperator("]");
  if (stmt.targets.empty()) Fail(Peek(), "expected a name");
}

StmtPtr ParserCore::ParseWith() {
  auto stmt = MakeStmt(Stmt::Kind::With, Next().location);
  stmt->value = ParseExpression();
  if (AcceptName("as")) ParseTargetNames(*stmt, ":");
  if (AtOperator(",")) Fail(Peek(), "unsupported: several context managers in one with statement");
  ExpectOperator(":");
  stmt->body = ParseBlock();
  return stmt;
}

StmtPtr ParserCore::ParseFor() {
  auto stmt = MakeStmt(Stmt::Kind::For, Next().location);
  ParseTargetNames(*stmt, "in");
  ExpectName("in");
  stmt->value = ParseExpression();
  ExpectOperator(":");
  stmt->body = ParseBlock();
  if (AtName("else")) Fail(Peek(), "unsupported: for-else");
  return stmt;
}

bool ParserCore::IsMainGuard() const {
  // if __name__ == "__main__":
  if (pos_ + 4 >= tokens_.size()) return false;
  const Token& name = tokens_[pos_ + 1];
  const Token& op = tokens_[pos_ + 2];
  const Token& value = tokens_[pos_ + 3];
  const Token& colon = tokens_[pos_ + 4];
  return name.kind == TokenKind::Name && name.text == "__name__" && op.kind == TokenKind::Operator &&
         op.text == "==" && value.kind == TokenKind::String && value.text == "__main__" &&
         colon.kind == TokenKind::Operator && colon.text == ":";
}

StmtPtr ParserCore::SkipMainGuard() {
  auto stmt = MakeStmt(Stmt::Kind::Skipped, Peek().location);
  stmt->text = "if __name__ == \"__main__\"";
  do {
    Next();  // if / elif / else
    SkipHeader();
    SkipBlock();
  } while (AtName("elif") || AtName("else"));
  return stmt;
}

void ParserCore::ParseImport(Block& body) {
  const Token& keyword = Next();
  auto stmt = MakeStmt(Stmt::Kind::Import, keyword.location);
  auto dotted_name = [&] {
    std::string path = Expect(TokenKind::Name, "a module name").text;
    while (AcceptOperator(".")) path += "." + Expect(TokenKind::Name, "a module name").text;
    return path;
  };
  if (keyword.text == "import") {
    do {
      const SourceLocation at = Peek().location;
      const std::string path = dotted_name();
      std::string bound = path.substr(0, path.find('.'));
      std::string module = bound;
      if (AcceptName("as")) {
        bound = Expect(TokenKind::Name, "a name").text;
        module = path;
      }
      stmt->imports.push_back({bound, module, at});
    } while (AcceptOperator(","));
  } else {
    const std::string from = dotted_name();
    ExpectName("import");
    const bool parenthesized = AcceptOperator("(");
    do {
      if (parenthesized && AtOperator(")")) break;
      const SourceLocation at = Peek().location;
      if (AcceptOperator("*")) {
        stmt->imports.push_back({"*", from, at});
        continue;
      }
      const std::string name = Expect(TokenKind::Name, "a name").text;
      std::string bound = name;
      if (AcceptName("as")) bound = Expect(TokenKind::Name, "a name").text;
      stmt->imports.push_back({bound, from + "." + name, at});
    } while (AcceptOperator(","));
    if (parenthesized) ExpectOperator(")");
  }
  body.push_back(std::move(stmt));
}

// Simple statements separated by ';' up to the end of the line.
void ParserCore::ParseSimpleStatements(Block& body) {
  do {
    if (At(TokenKind::Newline)) break;
    const Token& first = Peek();
    if (first.kind == TokenKind::Name && (first.text == "import" || first.text == "from")) {
      ParseImport(body);
      continue;
    }
    if (first.kind == TokenKind::Name) {
      for (const auto& [keyword, construct] : kUnsupportedStatements) {
        if (first.text == keyword) Fail(first, "unsupported: " + std::string(construct));
      }
      if (first.text == "pass") {
        body.push_back(MakeStmt(Stmt::Kind::Pass, Next().location));
        continue;
      }
      if (first.text == "return") {
        auto stmt = MakeStmt(Stmt::Kind::Return, Next().location);
        if (!At(TokenKind::Newline) && !AtOperator(";")) stmt->value = ParseExpressionList();
        body.push_back(std::move(stmt));
        continue;
      }
    }
    ExprPtr expr = ParseExpressionList();
    if (AtOperator("=")) {
      auto stmt = MakeStmt(Stmt::Kind::Assign, Next().location);
      stmt->location = expr->location;
      stmt->target = std::move(expr);
      stmt->value = ParseExpressionList();
      if (AtOperator("=")) Fail(Peek(), "unsupported: chained assignment");
      body.push_back(std::move(stmt));
      continue;
    }
    bool augmented = false;
    for (std::string_view op : kAugmentedOperators) {
      if (AtOperator(op)) {
        auto stmt = MakeStmt(Stmt::Kind::AugAssign, expr->location);
        stmt->text = Next().text;
        stmt->target = std::move(expr);
        stmt->value = ParseExpressionList();
        body.push_back(std::move(stmt));
        augmented = true;
        break;
      }
    }
    if (augmented) continue;
    if (AtOperator(":")) Fail(Peek(), "unsupported: annotated assignment");
    auto stmt = MakeStmt(Stmt::Kind::Expr, expr->location);
    stmt->value = std::move(expr);
    body.push_back(std::move(stmt));
  } while (AcceptOperator(";"));
  if (!At(TokenKind::End)) Expect(TokenKind::Newline, "the end of the statement");
}

Module Parse(std::string_view text, const std::string& file) {
  ParserCore parser(Lex(text, file), file);
  Module module;
  module.file = file;
  module.body = parser.ParseModuleBody();
  return module;
}

}  // namespace tilesim::tile::frontend
