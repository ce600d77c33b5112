// Parser, part 3: statements.
#include "compiler/frontends/metalium/lexer.h"
#include "compiler/frontends/metalium/parser_impl.h"

namespace tilesim::metalium {
namespace {

ast::StmtPtr MakeStmt(ast::StmtKind kind, const SourcePos& pos) {
  auto stmt = std::make_unique<ast::Stmt>();
  stmt->kind = kind;
  stmt->pos = pos;
  return stmt;
}

}  // namespace

ast::StmtPtr Parser::Compound() {
  const Token& open = Expect("{", "to open a block");
  auto block = MakeStmt(ast::StmtKind::Compound, open.pos);
  Enter();
  while (!Accept("}")) {
    if (Peek().kind == TokenKind::End) ErrorAt(open, "this '{' is never closed");
    block->body.push_back(Statement());
  }
  Leave();
  return block;
}

ast::StmtPtr Parser::StaticAssert(const SourcePos& pos) {
  auto stmt = MakeStmt(ast::StmtKind::StaticAssert, pos);
  Expect("(", "after static_assert");
  stmt->expr = AssignmentExpression();
  if (Accept(",")) {
    if (Peek().kind != TokenKind::String) Unexpected("a message string");
    while (Peek().kind == TokenKind::String) stmt->text += DecodeStringLiteral(Next(), diag_);
  }
  Expect(")", "to close static_assert");
  Expect(";", "after static_assert");
  return stmt;
}

ast::StmtPtr Parser::DeclarationStatement() {
  const SourcePos pos = Peek().pos;
  ast::TypeRef type;
  if (!ParseDeclSpecifiers(type, true)) Unexpected("a declaration");
  auto stmt = MakeStmt(ast::StmtKind::Decl, pos);
  stmt->decls = Declarators(type);
  return stmt;
}

ast::StmtPtr Parser::ForStatement(const SourcePos& pos) {
  Expect("(", "after 'for'");
  auto loop = MakeStmt(ast::StmtKind::For, pos);
  if (Accept(";")) {
    // no init
  } else if (StartsDeclaration()) {
    // Either `T i = 0; ...` or the range-for `T x : range`.
    const SourcePos decl_pos = Peek().pos;
    ast::TypeRef type;
    if (!ParseDeclSpecifiers(type, true)) Unexpected("a declaration");
    ast::TypeRef first = type;
    PointerDeclarator(first);
    const SourcePos name_pos = Peek().pos;
    const std::string name = ExpectIdentifier("a loop variable");
    value_names_.insert(name);
    if (Accept(":")) {
      loop->kind = ast::StmtKind::RangeFor;
      loop->expr = Expression();
      Expect(")", "to close the for header");
      loop->then_branch = Statement();
      return loop;
    }
    ast::VarDecl decl;
    decl.type = first;
    decl.name = name;
    decl.pos = name_pos;
    DeclaratorRest(decl);
    auto init = MakeStmt(ast::StmtKind::Decl, decl_pos);
    init->decls.push_back(std::move(decl));
    if (Accept(",")) {
      for (auto& d : Declarators(type)) init->decls.push_back(std::move(d));
    } else {
      Expect(";", "after the loop's initialiser");
    }
    loop->init = std::move(init);
  } else {
    auto init = MakeStmt(ast::StmtKind::Expr, Peek().pos);
    init->expr = Expression();
    Expect(";", "after the loop's initialiser");
    loop->init = std::move(init);
  }
  if (!AtPunct(";")) loop->expr = Expression();
  Expect(";", "after the loop condition");
  if (!AtPunct(")")) loop->step = Expression();
  Expect(")", "to close the for header");
  loop->then_branch = Statement();
  return loop;
}

ast::StmtPtr Parser::Statement() {
  Enter();
  struct Guard {
    Parser& p;
    ~Guard() { p.Leave(); }
  } guard{*this};
  SkipAttributes();
  const Token& t = Peek();
  const SourcePos pos = t.pos;
  if (t.IsPunct("{")) return Compound();
  if (Accept(";")) return MakeStmt(ast::StmtKind::Empty, pos);
  if (t.kind == TokenKind::Identifier) {
    const std::string w = t.text;
    if (w == "if") {
      Next();
      auto stmt = MakeStmt(ast::StmtKind::If, pos);
      if (AtIdent("constexpr")) {
        Next();
        stmt->is_constexpr = true;
      }
      Expect("(", "after 'if'");
      if (StartsDeclaration()) ErrorAt(Peek(), "unsupported: declarations in if conditions");
      stmt->expr = Expression();
      if (AtPunct(";")) ErrorAt(Peek(), "unsupported: if statements with an initialiser");
      Expect(")", "to close the if condition");
      stmt->then_branch = Statement();
      if (AtIdent("else")) {
        Next();
        stmt->else_branch = Statement();
      }
      return stmt;
    }
    if (w == "for") {
      Next();
      return ForStatement(pos);
    }
    if (w == "while") {
      Next();
      auto stmt = MakeStmt(ast::StmtKind::While, pos);
      Expect("(", "after 'while'");
      if (StartsDeclaration()) ErrorAt(Peek(), "unsupported: declarations in while conditions");
      stmt->expr = Expression();
      Expect(")", "to close the while condition");
      stmt->then_branch = Statement();
      return stmt;
    }
    if (w == "do") {
      Next();
      auto stmt = MakeStmt(ast::StmtKind::DoWhile, pos);
      stmt->then_branch = Statement();
      if (!AtIdent("while")) Unexpected("'while' after the do-while body");
      Next();
      Expect("(", "after 'while'");
      stmt->expr = Expression();
      Expect(")", "to close the do-while condition");
      Expect(";", "after the do-while statement");
      return stmt;
    }
    if (w == "switch") {
      Next();
      auto stmt = MakeStmt(ast::StmtKind::Switch, pos);
      Expect("(", "after 'switch'");
      stmt->expr = Expression();
      Expect(")", "to close the switch condition");
      stmt->then_branch = Statement();
      return stmt;
    }
    if (w == "case") {
      Next();
      auto stmt = MakeStmt(ast::StmtKind::Case, pos);
      stmt->expr = AssignmentExpression();
      if (AtPunct("...")) ErrorAt(Peek(), "unsupported: case ranges");
      Expect(":", "after the case value");
      return stmt;
    }
    if (w == "default" && AtPunct(":", 1)) {
      Next();
      Next();
      return MakeStmt(ast::StmtKind::Default, pos);
    }
    if (w == "break" || w == "continue") {
      Next();
      Expect(";", w == "break" ? "after 'break'" : "after 'continue'");
      return MakeStmt(w == "break" ? ast::StmtKind::Break : ast::StmtKind::Continue, pos);
    }
    if (w == "return") {
      Next();
      auto stmt = MakeStmt(ast::StmtKind::Return, pos);
      if (!AtPunct(";")) stmt->expr = AtPunct("{") ? InitList() : Expression();
      Expect(";", "after the return statement");
      return stmt;
    }
    if (w == "goto") ErrorAt(t, "unsupported: goto");
    if (w == "static_assert") {
      Next();
      return StaticAssert(pos);
    }
    if (w == "asm" || w == "__asm__" || w == "__asm") ErrorAt(t, "unsupported: inline assembly");
    if (w == "try" || w == "throw" || w == "catch") ErrorAt(t, "unsupported: exceptions");
    if (w == "struct" || w == "class" || w == "union" || w == "enum") ErrorAt(t, "unsupported: local type definitions");
    if (w == "using" || w == "typedef") ErrorAt(t, "unsupported: type aliases inside functions (declare them at file scope)");
    if (w == "template") ErrorAt(t, "unsupported: templates inside functions");
    if (AtPunct(":", 1)) ErrorAt(t, "unsupported: labels");
    if (w == "else") ErrorAt(t, "'else' without a matching 'if'");
  }
  if (StartsDeclaration()) return DeclarationStatement();
  auto stmt = MakeStmt(ast::StmtKind::Expr, pos);
  stmt->expr = Expression();
  Expect(";", "after the expression");
  return stmt;
}

}  // namespace tilesim::metalium
