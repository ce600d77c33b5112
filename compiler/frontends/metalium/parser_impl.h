// The parser's class, shared by parser.cpp (declarations, types, statements) and parse_expr.cpp
// (expressions). Not a public header.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "compiler/frontends/metalium/ast.h"
#include "compiler/frontends/metalium/token.h"

namespace tilesim::metalium {

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const Diagnostics& diag) : tokens_(tokens), diag_(diag) {}
  ast::TranslationUnit Run();

  // ---- Expressions (parse_expr.cpp) ----
  ast::ExprPtr Expression();            // with the comma operator
  ast::ExprPtr AssignmentExpression();  // one argument / initialiser
  ast::ExprPtr InitList();              // at '{'

 private:
  // ---- Token cursor ----
  const Token& Peek(size_t ahead = 0) const {
    const size_t i = index_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  const Token& Next() { return tokens_[index_ < tokens_.size() - 1 ? index_++ : index_]; }
  bool AtPunct(const char* p, size_t ahead = 0) const { return Peek(ahead).IsPunct(p); }
  bool AtIdent(const char* p, size_t ahead = 0) const { return Peek(ahead).IsIdent(p); }
  bool Accept(const char* p);
  const Token& Expect(const char* punct, const char* context);
  std::string ExpectIdentifier(const char* what);
  [[noreturn]] void ErrorAt(const Token& token, const std::string& message) const;
  [[noreturn]] void Unexpected(const std::string& expected) const;
  void Enter();  // recursion guard: deeply nested input is an error, not a stack overflow
  void Leave() { --depth_; }

  // ---- Declarations and types (parser.cpp) ----
  void TopLevelItems(ast::TranslationUnit& unit, bool until_brace);
  void TopLevelItem(ast::TranslationUnit& unit);
  void TemplateDeclaration(ast::TranslationUnit& unit);
  void StructDeclaration(ast::TranslationUnit& unit, bool is_class);
  void EnumDeclaration(ast::TranslationUnit& unit);
  void FunctionRest(ast::TranslationUnit& unit, ast::TypeRef type, const std::string& name, const SourcePos& pos,
                    std::vector<ast::TemplateParam> template_params, bool is_template);
  bool StartsDeclaration();  // speculative: does a declaration start here? (restores the position)
  bool ParseDeclSpecifiers(ast::TypeRef& type, bool speculative);
  void PointerDeclarator(ast::TypeRef& type);
  ast::TypeRef TypeName(const char* context);  // a type in a cast, template argument, sizeof or alias
  ast::QualifiedName Name(bool allow_template_args);
  std::vector<ast::TemplateArg> TemplateArgs();  // at '<'
  bool IsTypeName(const ast::QualifiedName& name) const;
  bool IsTemplateName(const std::string& name) const;
  void SkipAttributes();
  void SkipBalanced(const char* open, const char* close);
  std::vector<ast::VarDecl> Declarators(const ast::TypeRef& base);
  void DeclaratorRest(ast::VarDecl& decl);

  // ---- Statements (parser.cpp) ----
  ast::StmtPtr Statement();
  ast::StmtPtr Compound();
  ast::StmtPtr DeclarationStatement();
  ast::StmtPtr ForStatement(const SourcePos& pos);
  ast::StmtPtr StaticAssert(const SourcePos& pos);

  // ---- Expressions (parse_expr.cpp) ----
  ast::ExprPtr Binary(int min_precedence);
  ast::ExprPtr Unary();
  ast::ExprPtr Postfix(ast::ExprPtr expr);
  ast::ExprPtr Primary();
  bool StartsCast();  // speculative: does "(" type ")" start here?
  ast::ExprPtr MakeExpr(ast::ExprKind kind, const SourcePos& pos) const;

  const std::vector<Token>& tokens_;
  const Diagnostics& diag_;
  size_t index_ = 0;
  int depth_ = 0;
  int template_arg_depth_ = 0;  // inside <...>: a bare '>' closes the list instead of comparing
  std::set<std::string> type_names_;      // user structs, enums, aliases, template type parameters
  std::set<std::string> template_names_;  // user function templates
  // Names declared as variables or parameters so far: `max < n` compares when `max` is a variable, even
  // though std::max is a template (C++ decides the same way, by what the name denotes).
  std::set<std::string> value_names_;

};

}  // namespace tilesim::metalium
