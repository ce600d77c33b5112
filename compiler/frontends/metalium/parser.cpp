// Parser, part 1: top-level declarations, types and statements. Expressions are in parse_expr.cpp.
#include "compiler/frontends/metalium/parser.h"

#include "compiler/frontends/metalium/builtin_names.h"
#include "compiler/frontends/metalium/lexer.h"
#include "compiler/frontends/metalium/parser_impl.h"
#include "tilesim/compiler.h"

namespace tilesim::metalium {

std::string ast::QualifiedName::str() const {
  std::string s;
  for (const std::string& part : parts) s += (s.empty() ? "" : "::") + part;
  return s;
}

namespace {

constexpr int kMaxNesting = 256;

bool IsBuiltinTypeWord(const std::string& w) {
  return w == "void" || w == "bool" || w == "char" || w == "short" || w == "int" || w == "long" ||
         w == "signed" || w == "unsigned" || w == "float" || w == "double" || w == "auto";
}

// Words that may appear among declaration specifiers and are not types.
bool IsSpecifierWord(const std::string& w) {
  return w == "const" || w == "volatile" || w == "constexpr" || w == "consteval" || w == "constinit" ||
         w == "static" || w == "inline" || w == "__inline" || w == "__inline__" || w == "extern" || w == "register" ||
         w == "thread_local" || w == "mutable" || w == "typename" || w == "__restrict" || w == "__restrict__" ||
         w == "__volatile__";
}

// Canonical spelling of a builtin type made of several words; empty if the combination is not a type.
std::string CanonicalBuiltin(const std::vector<std::string>& words) {
  int longs = 0;
  bool is_unsigned = false, is_signed = false, is_short = false, is_int = false, is_char = false;
  std::string single;
  for (const std::string& w : words) {
    if (w == "long") {
      ++longs;
    } else if (w == "unsigned") {
      is_unsigned = true;
    } else if (w == "signed") {
      is_signed = true;
    } else if (w == "short") {
      is_short = true;
    } else if (w == "int") {
      is_int = true;
    } else if (w == "char") {
      is_char = true;
    } else {
      if (!single.empty()) return "";
      single = w;
    }
  }
  if (!single.empty()) {
    return (words.size() == 1 || (single == "double" && longs == 1 && words.size() == 2)) ? single : "";
  }
  if (is_unsigned && is_signed) return "";
  const std::string sign = is_unsigned ? "unsigned " : "";
  if (is_char) return (longs || is_short || is_int) ? "" : is_unsigned ? "unsigned char" : is_signed ? "signed char" : "char";
  if (is_short) return longs ? "" : sign + "short";
  if (longs == 1) return sign + "long";
  if (longs == 2) return sign + "long long";
  if (longs > 2) return "";
  return sign + "int";
}

struct DepthGuard {
  explicit DepthGuard(int& depth) : depth_(depth) {}
  ~DepthGuard() { --depth_; }
  int& depth_;
};

}  // namespace

ast::TranslationUnit Parse(const std::vector<Token>& tokens, const Diagnostics& diag) {
  return Parser(tokens, diag).Run();
}

// ---- Cursor helpers ----

bool Parser::Accept(const char* p) {
  if (!Peek().IsPunct(p)) return false;
  Next();
  return true;
}

const Token& Parser::Expect(const char* punct, const char* context) {
  if (!Peek().IsPunct(punct)) Unexpected(std::string("'") + punct + "' " + context);
  return Next();
}

std::string Parser::ExpectIdentifier(const char* what) {
  if (Peek().kind != TokenKind::Identifier) Unexpected(what);
  return Next().text;
}

void Parser::ErrorAt(const Token& token, const std::string& message) const { diag_.Error(token.pos, message); }

void Parser::Unexpected(const std::string& expected) const {
  ErrorAt(Peek(), "expected " + expected + ", found " + Describe(Peek()));
}

void Parser::Enter() {
  if (++depth_ > kMaxNesting) ErrorAt(Peek(), "the code is nested too deeply");
}

void Parser::SkipBalanced(const char* open, const char* close) {
  const Token& start = Expect(open, "");
  int depth = 1;
  while (depth > 0) {
    if (Peek().kind == TokenKind::End) ErrorAt(start, std::string("unbalanced '") + open + "'");
    if (AtPunct(open)) ++depth;
    if (AtPunct(close)) --depth;
    Next();
  }
}

void Parser::SkipAttributes() {
  while (true) {
    if (AtIdent("__attribute__") || AtIdent("__attribute") || AtIdent("alignas") || AtIdent("__declspec")) {
      Next();
      SkipBalanced("(", ")");
    } else if (AtPunct("[") && AtPunct("[", 1)) {
      Next();
      SkipBalanced("[", "]");
      Expect("]", "to close the attribute");
    } else {
      return;
    }
  }
}

// ---- Names and types ----

bool Parser::IsTemplateName(const std::string& name) const {
  if (value_names_.count(name) != 0) return false;
  return template_names_.count(name) != 0 || IsBuiltinTemplateName(name);
}

bool Parser::IsTypeName(const ast::QualifiedName& name) const {
  if (name.parts.empty()) return false;
  const std::string& last = name.parts.back();
  if (type_names_.count(last) != 0) return true;
  if (!IsBuiltinTypeName(last)) return false;
  for (size_t i = 0; i + 1 < name.parts.size(); ++i) {
    // tt::CBIndex, std::uint32_t, tt::DataFormat; CBIndex::c_0 is a value (handled by the last part)
    if (!IsBuiltinNamespace(name.parts[i])) return false;
  }
  return true;
}

ast::QualifiedName Parser::Name(bool allow_template_args) {
  ast::QualifiedName name;
  Accept("::");
  name.parts.push_back(ExpectIdentifier("a name"));
  while (true) {
    if (allow_template_args && AtPunct("<") && IsTemplateName(name.parts.back())) {
      name.template_args = TemplateArgs();
      name.has_template_args = true;
    }
    if (AtPunct("::") && Peek(1).kind == TokenKind::Identifier) {
      Next();
      name.parts.push_back(Next().text);
      name.template_args.clear();
      name.has_template_args = false;
      continue;
    }
    return name;
  }
}

std::vector<ast::TemplateArg> Parser::TemplateArgs() {
  Expect("<", "to start template arguments");
  std::vector<ast::TemplateArg> args;
  ++template_arg_depth_;
  if (Accept(">")) {
    --template_arg_depth_;
    return args;
  }
  while (true) {
    Enter();
    DepthGuard guard(depth_);
    ast::TemplateArg arg;
    bool is_type = false;
    if (Peek().kind == TokenKind::Identifier || AtPunct("::")) {
      const std::string& w = Peek().text;
      if (IsBuiltinTypeWord(w) || IsSpecifierWord(w)) {
        is_type = true;
      } else {
        const size_t save = index_;
        try {
          is_type = IsTypeName(Name(true)) && !AtPunct("(") && !AtPunct("{") && !AtPunct("::");
        } catch (const compiler::CompileError&) {
          is_type = false;
        }
        index_ = save;
      }
    }
    if (is_type) {
      arg.type = std::make_shared<ast::TypeRef>(TypeName("as a template argument"));
    } else {
      arg.expr = std::shared_ptr<ast::Expr>(Binary(0).release());
    }
    args.push_back(std::move(arg));
    if (Accept(",")) continue;
    if (AtPunct(">>")) {
      // The first '>' of '>>' closes this list; the second closes the enclosing one.
      ErrorAt(Peek(), "nested template argument lists closed with '>>' are not supported; write '> >'");
    }
    Expect(">", "to close the template arguments");
    break;
  }
  --template_arg_depth_;
  return args;
}

bool Parser::ParseDeclSpecifiers(ast::TypeRef& type, bool speculative) {
  std::vector<std::string> words;
  bool have_name = false;
  type.pos = Peek().pos;
  while (true) {
    SkipAttributes();
    const Token& t = Peek();
    if (t.kind != TokenKind::Identifier && !t.IsPunct("::")) break;
    const std::string w = t.text;
    if (IsSpecifierWord(w)) {
      if (w == "const") type.is_const = true;
      if (w == "volatile" || w == "__volatile__") type.is_volatile = true;
      if (w == "constexpr" || w == "consteval" || w == "constinit") {
        type.is_constexpr = true;
        type.is_const = true;
      }
      if (w == "static") type.is_static = true;
      if (w == "inline" || w == "__inline" || w == "__inline__") type.is_inline = true;
      Next();
      continue;
    }
    if (IsBuiltinTypeWord(w)) {
      if (have_name) break;
      words.push_back(w);
      Next();
      continue;
    }
    if (!words.empty() || have_name) break;  // the declarator's name
    const size_t save = index_;
    ast::QualifiedName name;
    try {
      name = Name(true);
    } catch (const compiler::CompileError&) {
      if (!speculative) throw;
      index_ = save;
      return false;
    }
    // A known type, or an unknown name used as one (`Foo x;`): the lowering reports unknown types.
    if (IsTypeName(name) || Peek().kind == TokenKind::Identifier) {
      type.name = name;
      have_name = true;
      continue;
    }
    index_ = save;
    break;
  }
  if (words.empty() && !have_name) {
    if (speculative) return false;
    Unexpected("a type");
  }
  if (!words.empty()) {
    const std::string canonical = CanonicalBuiltin(words);
    if (canonical.empty()) {
      std::string spelled;
      for (const std::string& w : words) spelled += (spelled.empty() ? "" : " ") + w;
      diag_.Error(type.pos, "'" + spelled + "' is not a valid type");
    }
    type.name.parts = {canonical};
  }
  return true;
}

void Parser::PointerDeclarator(ast::TypeRef& type) {
  while (true) {
    SkipAttributes();
    if (Accept("*")) {
      if (type.pointer_depth == 0) {
        type.pointee_const = type.is_const;
        type.is_const = false;
      }
      ++type.pointer_depth;
      while (AtIdent("const") || AtIdent("volatile") || AtIdent("__restrict") || AtIdent("__restrict__")) {
        if (Next().text == "const") type.is_const = true;
      }
    } else if (Accept("&") || Accept("&&")) {
      type.is_reference = true;
    } else {
      return;
    }
  }
}

ast::TypeRef Parser::TypeName(const char* context) {
  ast::TypeRef type;
  if (!ParseDeclSpecifiers(type, true)) {
    std::string expected = "a type ";
    expected.append(context);
    Unexpected(expected);
  }
  PointerDeclarator(type);
  return type;
}

bool Parser::StartsDeclaration() {
  const Token& t = Peek();
  if (t.kind != TokenKind::Identifier && !t.IsPunct("::")) return false;
  if (IsBuiltinTypeWord(t.text) || IsSpecifierWord(t.text)) return true;
  const size_t save = index_;
  bool result = false;
  try {
    const ast::QualifiedName name = Name(true);
    if (IsTypeName(name)) {
      result = Peek().kind == TokenKind::Identifier || AtPunct("*") || AtPunct("&") || AtPunct("&&") ||
               (AtPunct("[") && AtPunct("[", 1));
    } else {
      result = Peek().kind == TokenKind::Identifier;
    }
  } catch (const compiler::CompileError&) {
    result = false;
  }
  index_ = save;
  return result;
}

// ---- Declarators ----

void Parser::DeclaratorRest(ast::VarDecl& decl) {
  while (Accept("[")) {
    if (Accept("]")) {
      decl.array_dims.push_back(nullptr);
      continue;
    }
    decl.array_dims.push_back(AssignmentExpression());
    Expect("]", "to close the array size");
  }
  SkipAttributes();
  if (Accept("=")) {
    decl.init_kind = ast::VarDecl::Init::Equals;
    decl.init = AtPunct("{") ? InitList() : AssignmentExpression();
  } else if (AtPunct("{")) {
    decl.init_kind = ast::VarDecl::Init::Braces;
    decl.init = InitList();
  } else if (Accept("(")) {
    decl.init_kind = ast::VarDecl::Init::Parens;
    if (!Accept(")")) {
      do {
        decl.ctor_args.push_back(AtPunct("{") ? InitList() : AssignmentExpression());
      } while (Accept(","));
      Expect(")", "to close the initialiser");
    }
  }
}

std::vector<ast::VarDecl> Parser::Declarators(const ast::TypeRef& base) {
  std::vector<ast::VarDecl> decls;
  do {
    ast::VarDecl decl;
    decl.type = base;
    PointerDeclarator(decl.type);
    SkipAttributes();
    decl.pos = Peek().pos;
    decl.name = ExpectIdentifier("a variable name");
    value_names_.insert(decl.name);
    DeclaratorRest(decl);
    decls.push_back(std::move(decl));
  } while (Accept(","));
  Expect(";", "after the declaration");
  return decls;
}

}  // namespace tilesim::metalium
