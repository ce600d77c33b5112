// Parser, part 2: what a kernel file holds at namespace scope — functions, function templates, constants,
// structs, enums, aliases, namespaces and using-declarations.
#include "compiler/frontends/metalium/parser_impl.h"

namespace tilesim::metalium {

ast::TranslationUnit Parser::Run() {
  ast::TranslationUnit unit;
  TopLevelItems(unit, false);
  return unit;
}

void Parser::TopLevelItems(ast::TranslationUnit& unit, bool until_brace) {
  while (true) {
    if (Peek().kind == TokenKind::End) {
      if (until_brace) Unexpected("'}' to close the namespace");
      return;
    }
    if (until_brace && Accept("}")) return;
    TopLevelItem(unit);
  }
}

void Parser::TopLevelItem(ast::TranslationUnit& unit) {
  SkipAttributes();
  if (Accept(";")) return;
  const Token& t = Peek();
  const SourcePos pos = t.pos;
  if (t.IsIdent("inline") && AtIdent("namespace", 1)) Next();
  if (AtIdent("namespace")) {
    Next();
    while (Peek().kind == TokenKind::Identifier || AtPunct("::")) Next();
    if (Accept("=")) {
      Name(false);
      Expect(";", "after the namespace alias");
      return;
    }
    Expect("{", "to open the namespace");
    Enter();
    TopLevelItems(unit, true);
    Leave();
    return;
  }
  if (t.IsIdent("extern") && Peek(1).kind == TokenKind::String) {
    Next();
    Next();
    if (Accept("{")) {
      Enter();
      TopLevelItems(unit, true);
      Leave();
    } else {
      TopLevelItem(unit);
    }
    return;
  }
  if (t.IsIdent("using")) {
    Next();
    if (AtIdent("namespace")) {
      Next();
      Name(false);
      Expect(";", "after 'using namespace'");
      return;
    }
    if (Peek().kind == TokenKind::Identifier && AtPunct("=", 1)) {
      auto alias = std::make_shared<ast::AliasDecl>();
      alias->pos = Peek().pos;
      alias->name = Next().text;
      Next();
      alias->type = TypeName("in the alias");
      Expect(";", "after the alias");
      type_names_.insert(alias->name);
      unit.items.push_back(ast::TopLevel{ast::TopLevel::Kind::Alias, nullptr, nullptr, nullptr, nullptr, alias, nullptr});
      return;
    }
    Name(false);  // using std::uint32_t;
    Expect(";", "after the using-declaration");
    return;
  }
  if (t.IsIdent("typedef")) {
    Next();
    auto alias = std::make_shared<ast::AliasDecl>();
    alias->type = TypeName("in the typedef");
    alias->pos = Peek().pos;
    alias->name = ExpectIdentifier("the typedef's name");
    Expect(";", "after the typedef");
    type_names_.insert(alias->name);
    unit.items.push_back(ast::TopLevel{ast::TopLevel::Kind::Alias, nullptr, nullptr, nullptr, nullptr, alias, nullptr});
    return;
  }
  if (t.IsIdent("template")) {
    TemplateDeclaration(unit);
    return;
  }
  if (t.IsIdent("union")) ErrorAt(t, "unsupported: unions");
  if (t.IsIdent("struct") || t.IsIdent("class")) {
    StructDeclaration(unit, t.text == "class");
    return;
  }
  if (t.IsIdent("enum")) {
    EnumDeclaration(unit);
    return;
  }
  if (t.IsIdent("static_assert")) {
    Next();
    auto stmt = std::shared_ptr<ast::Stmt>(StaticAssert(pos).release());
    unit.items.push_back(ast::TopLevel{ast::TopLevel::Kind::StaticAssert, nullptr, nullptr, nullptr, nullptr, nullptr, stmt});
    return;
  }
  if (t.IsIdent("asm") || t.IsIdent("__asm__") || t.IsIdent("__asm")) ErrorAt(t, "unsupported: inline assembly");
  ast::TypeRef type;
  if (!ParseDeclSpecifiers(type, true)) Unexpected("a declaration");
  // The first declarator decides: a name followed by '(' is a function.
  ast::TypeRef first = type;
  PointerDeclarator(first);
  SkipAttributes();
  if (Peek().kind != TokenKind::Identifier) Unexpected("a name in the declaration");
  const SourcePos name_pos = Peek().pos;
  std::string name = Next().text;
  while (AtPunct("::") && Peek(1).kind == TokenKind::Identifier) {  // out-of-line definitions: ns::f
    Next();
    name = Next().text;
  }
  if (AtPunct("(")) {
    FunctionRest(unit, first, name, name_pos, {}, false);
    return;
  }
  ast::VarDecl decl;
  decl.type = first;
  decl.name = name;
  decl.pos = name_pos;
  value_names_.insert(name);
  DeclaratorRest(decl);
  std::vector<ast::VarDecl> decls;
  decls.push_back(std::move(decl));
  if (Accept(",")) {
    std::vector<ast::VarDecl> more = Declarators(type);
    for (auto& d : more) decls.push_back(std::move(d));
  } else {
    Expect(";", "after the declaration");
  }
  for (auto& d : decls) {
    auto var = std::make_shared<ast::VarDecl>(std::move(d));
    unit.items.push_back(ast::TopLevel{ast::TopLevel::Kind::Var, nullptr, var, nullptr, nullptr, nullptr, nullptr});
  }
}

void Parser::TemplateDeclaration(ast::TranslationUnit& unit) {
  const Token& start = Next();  // template
  Expect("<", "after 'template'");
  std::vector<ast::TemplateParam> params;
  if (AtPunct(">")) ErrorAt(start, "unsupported: explicit template specialisations");
  while (true) {
    ast::TemplateParam param;
    param.pos = Peek().pos;
    if (AtIdent("typename") || AtIdent("class")) {
      Next();
      if (Accept("...")) ErrorAt(Peek(), "unsupported: variadic templates");
      param.is_type = true;
      param.name = ExpectIdentifier("a template parameter name");
      if (Accept("=")) param.default_type = std::make_shared<ast::TypeRef>(TypeName("as the default"));
      type_names_.insert(param.name);
    } else {
      param.is_type = false;
      ++template_arg_depth_;
      param.value_type = TypeName("for the template parameter");
      if (Accept("...")) ErrorAt(Peek(), "unsupported: variadic templates");
      param.name = ExpectIdentifier("a template parameter name");
      if (Accept("=")) param.default_value = std::shared_ptr<ast::Expr>(Binary(0).release());
      --template_arg_depth_;
    }
    params.push_back(std::move(param));
    if (Accept(",")) continue;
    Expect(">", "to close the template parameters");
    break;
  }
  SkipAttributes();
  if (AtIdent("struct") || AtIdent("class") || AtIdent("union")) ErrorAt(Peek(), "unsupported: class templates");
  if (AtIdent("using")) ErrorAt(Peek(), "unsupported: alias templates");
  if (AtIdent("template")) ErrorAt(Peek(), "unsupported: member templates");
  ast::TypeRef type;
  if (!ParseDeclSpecifiers(type, true)) Unexpected("a function after the template parameters");
  PointerDeclarator(type);
  const SourcePos name_pos = Peek().pos;
  const std::string name = ExpectIdentifier("the template function's name");
  if (!AtPunct("(")) ErrorAt(Peek(), "unsupported: variable templates");
  template_names_.insert(name);
  FunctionRest(unit, type, name, name_pos, std::move(params), true);
}

void Parser::FunctionRest(ast::TranslationUnit& unit, ast::TypeRef type, const std::string& name,
                          const SourcePos& pos, std::vector<ast::TemplateParam> template_params, bool is_template) {
  auto function = std::make_shared<ast::FunctionDecl>();
  function->name = name;
  function->pos = pos;
  function->return_type = std::move(type);
  function->template_params = std::move(template_params);
  function->is_template = is_template;
  Expect("(", "to start the parameters");
  if (AtIdent("void") && AtPunct(")", 1)) Next();
  if (!Accept(")")) {
    while (true) {
      ast::Param param;
      param.pos = Peek().pos;
      if (!ParseDeclSpecifiers(param.type, true)) Unexpected("a parameter type");
      PointerDeclarator(param.type);
      if (Accept("...")) param.is_pack = true;
      SkipAttributes();
      if (Peek().kind == TokenKind::Identifier) {
        param.pos = Peek().pos;
        param.name = Next().text;
        value_names_.insert(param.name);
      }
      if (Accept("[")) {  // T a[] / T a[N]: a pointer
        if (!Accept("]")) {
          AssignmentExpression();
          Expect("]", "to close the array parameter");
        }
        ++param.type.pointer_depth;
      }
      if (Accept("=")) param.default_value = std::shared_ptr<ast::Expr>(AssignmentExpression().release());
      function->params.push_back(std::move(param));
      if (Accept(",")) continue;
      Expect(")", "to close the parameters");
      break;
    }
  }
  while (AtIdent("const") || AtIdent("noexcept") || AtIdent("override") || AtIdent("final")) {
    Next();
    if (AtPunct("(")) SkipBalanced("(", ")");
  }
  if (Accept("->")) function->return_type = TypeName("as the return type");
  SkipAttributes();
  if (AtPunct("=")) ErrorAt(Peek(), "unsupported: defaulted or deleted functions");
  if (!Accept(";")) {
    if (!AtPunct("{")) Unexpected("'{' or ';' after the function's parameters");
    function->body = std::shared_ptr<ast::Stmt>(Compound().release());
  }
  unit.items.push_back(ast::TopLevel{ast::TopLevel::Kind::Function, function, nullptr, nullptr, nullptr, nullptr, nullptr});
}

void Parser::StructDeclaration(ast::TranslationUnit& unit, bool is_class) {
  const Token& keyword = Next();
  if (is_class) ErrorAt(keyword, "unsupported: classes (a plain struct of data members is supported)");
  SkipAttributes();
  auto decl = std::make_shared<ast::StructDecl>();
  decl->pos = Peek().pos;
  if (Peek().kind != TokenKind::Identifier) ErrorAt(Peek(), "unsupported: anonymous structs");
  decl->name = Next().text;
  type_names_.insert(decl->name);
  if (Accept(";")) return;  // a forward declaration
  if (AtIdent("final")) Next();
  if (AtPunct(":")) ErrorAt(Peek(), "unsupported: base classes");
  Expect("{", "to open the struct");
  while (!Accept("}")) {
    if (Peek().kind == TokenKind::End) Unexpected("'}' to close struct '" + decl->name + "'");
    SkipAttributes();
    if (Accept(";")) continue;
    if ((AtIdent("public") || AtIdent("private") || AtIdent("protected")) && AtPunct(":", 1)) {
      Next();
      Next();
      continue;
    }
    if (AtIdent("struct") || AtIdent("class") || AtIdent("union") || AtIdent("enum")) {
      ErrorAt(Peek(), "unsupported: nested types in struct '" + decl->name + "'");
    }
    if (AtIdent("template") || AtIdent("using") || AtIdent("typedef") || AtIdent("friend") || AtIdent("operator") ||
        AtPunct("~") || (AtIdent(decl->name.c_str()) && AtPunct("(", 1))) {
      ErrorAt(Peek(), "unsupported: member functions in struct '" + decl->name + "'");
    }
    ast::TypeRef type;
    if (!ParseDeclSpecifiers(type, true)) Unexpected("a member declaration");
    if (type.is_static) ErrorAt(Peek(), "unsupported: static members in struct '" + decl->name + "'");
    do {
      ast::VarDecl field;
      field.type = type;
      PointerDeclarator(field.type);
      field.pos = Peek().pos;
      field.name = ExpectIdentifier("a member name");
      if (AtPunct("(")) diag_.Error(field.pos, "unsupported: member functions in struct '" + decl->name + "'");
      if (AtPunct(":")) ErrorAt(Peek(), "unsupported: bit-fields");
      DeclaratorRest(field);
      decl->fields.push_back(std::move(field));
    } while (Accept(","));
    Expect(";", "after the member declaration");
  }
  if (Peek().kind == TokenKind::Identifier) ErrorAt(Peek(), "declare variables of struct '" + decl->name + "' separately");
  Expect(";", "after the struct");
  unit.items.push_back(ast::TopLevel{ast::TopLevel::Kind::Struct, nullptr, nullptr, decl, nullptr, nullptr, nullptr});
}

void Parser::EnumDeclaration(ast::TranslationUnit& unit) {
  Next();  // enum
  auto decl = std::make_shared<ast::EnumDecl>();
  decl->pos = Peek().pos;
  if (AtIdent("class") || AtIdent("struct")) {
    Next();
    decl->scoped = true;
  }
  if (Peek().kind == TokenKind::Identifier) {
    decl->name = Next().text;
    type_names_.insert(decl->name);
  }
  if (Accept(":")) decl->underlying = std::make_shared<ast::TypeRef>(TypeName("as the enum's underlying type"));
  if (Accept(";")) return;
  Expect("{", "to open the enum");
  while (!Accept("}")) {
    decl->enumerator_pos.push_back(Peek().pos);
    const std::string name = ExpectIdentifier("an enumerator");
    std::shared_ptr<ast::Expr> value;
    if (Accept("=")) value = std::shared_ptr<ast::Expr>(AssignmentExpression().release());
    decl->enumerators.emplace_back(name, value);
    if (!Accept(",")) {
      Expect("}", "to close the enum");
      break;
    }
  }
  if (Peek().kind == TokenKind::Identifier) ErrorAt(Peek(), "declare variables of the enum separately");
  Expect(";", "after the enum");
  unit.items.push_back(ast::TopLevel{ast::TopLevel::Kind::Enum, nullptr, nullptr, nullptr, decl, nullptr, nullptr});
}

}  // namespace tilesim::metalium
