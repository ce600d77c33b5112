// Parser, part 4: expressions, by precedence climbing over C++'s operator table.
#include "compiler/frontends/metalium/builtin_names.h"
#include "compiler/frontends/metalium/lexer.h"
#include "compiler/frontends/metalium/parser_impl.h"
#include "tilesim/compiler.h"

namespace tilesim::metalium {
namespace {

int BinaryPrecedence(const Token& t) {
  if (t.kind != TokenKind::Punct) return 0;
  const std::string& op = t.text;
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

bool IsAssignmentOp(const Token& t) {
  if (t.kind != TokenKind::Punct) return false;
  const std::string& op = t.text;
  return op == "=" || op == "+=" || op == "-=" || op == "*=" || op == "/=" || op == "%=" || op == "<<=" ||
         op == ">>=" || op == "&=" || op == "|=" || op == "^=";
}

bool IsScalarTypeWord(const std::string& w) {
  return w == "bool" || w == "char" || w == "short" || w == "int" || w == "long" || w == "signed" ||
         w == "unsigned" || w == "float" || w == "double" || w == "void";
}

// RAII recursion guard for the expression parser.
struct Nest {
  Nest(Parser& parser, int& depth, void (Parser::*enter)()) : depth_(depth) { (parser.*enter)(); }
  ~Nest() { --depth_; }
  int& depth_;
};

}  // namespace

ast::ExprPtr Parser::MakeExpr(ast::ExprKind kind, const SourcePos& pos) const {
  auto expr = std::make_unique<ast::Expr>();
  expr->kind = kind;
  expr->pos = pos;
  return expr;
}

ast::ExprPtr Parser::Expression() {
  ast::ExprPtr expr = AssignmentExpression();
  while (AtPunct(",")) {
    const SourcePos pos = Next().pos;
    auto comma = MakeExpr(ast::ExprKind::Binary, pos);
    comma->op = std::string(",");
    comma->operands.push_back(std::move(expr));
    comma->operands.push_back(AssignmentExpression());
    expr = std::move(comma);
  }
  return expr;
}

ast::ExprPtr Parser::AssignmentExpression() {
  Nest nest(*this, depth_, &Parser::Enter);
  ast::ExprPtr lhs = Binary(0);
  if (AtPunct("?")) {
    const SourcePos pos = Next().pos;
    auto cond = MakeExpr(ast::ExprKind::Conditional, pos);
    cond->operands.push_back(std::move(lhs));
    const int saved = template_arg_depth_;
    template_arg_depth_ = 0;
    cond->operands.push_back(Expression());
    template_arg_depth_ = saved;
    Expect(":", "in the conditional expression");
    cond->operands.push_back(AssignmentExpression());
    return cond;
  }
  if (IsAssignmentOp(Peek()) && template_arg_depth_ == 0) {
    const Token& op = Next();
    auto assign = MakeExpr(ast::ExprKind::Binary, op.pos);
    assign->op = op.text;
    assign->operands.push_back(std::move(lhs));
    assign->operands.push_back(AtPunct("{") ? InitList() : AssignmentExpression());
    return assign;
  }
  return lhs;
}

ast::ExprPtr Parser::Binary(int min_precedence) {
  Nest nest(*this, depth_, &Parser::Enter);
  ast::ExprPtr lhs = Unary();
  while (true) {
    const Token& op = Peek();
    if (template_arg_depth_ > 0 && (op.IsPunct(">") || op.IsPunct(">>"))) break;
    const int precedence = BinaryPrecedence(op);
    if (precedence == 0 || precedence <= min_precedence) break;
    Next();
    auto binary = MakeExpr(ast::ExprKind::Binary, op.pos);
    binary->op = op.text;
    binary->operands.push_back(std::move(lhs));
    binary->operands.push_back(Binary(precedence));
    lhs = std::move(binary);
  }
  return lhs;
}

bool Parser::StartsCast() {
  if (!AtPunct("(")) return false;
  const Token& t = Peek(1);
  if (t.kind != TokenKind::Identifier && !t.IsPunct("::")) return false;
  const size_t save = index_;
  bool result = false;
  try {
    Next();
    const std::string& w = Peek().text;
    bool type_start = IsScalarTypeWord(w) || w == "const" || w == "volatile";
    if (!type_start) {
      const size_t name_start = index_;
      type_start = IsTypeName(Name(true));
      index_ = name_start;
    }
    if (type_start) {
      TypeName("in the cast");
      result = AtPunct(")");
    }
  } catch (const compiler::CompileError&) {
    result = false;
  }
  index_ = save;
  return result;
}

ast::ExprPtr Parser::Unary() {
  Nest nest(*this, depth_, &Parser::Enter);
  const Token& t = Peek();
  const SourcePos pos = t.pos;
  if (t.kind == TokenKind::Punct) {
    for (const char* op : {"+", "-", "!", "~", "*", "&", "++", "--"}) {
      if (t.text == op) {
        Next();
        auto unary = MakeExpr(ast::ExprKind::Unary, pos);
        unary->op = std::string(op);
        unary->operands.push_back(Unary());
        return unary;
      }
    }
    if (StartsCast()) {
      Next();
      auto cast = MakeExpr(ast::ExprKind::Cast, pos);
      cast->op = std::string("c");
      cast->type = std::make_shared<ast::TypeRef>(TypeName("in the cast"));
      Expect(")", "to close the cast");
      cast->operands.push_back(Unary());
      return cast;
    }
  }
  if (t.IsIdent("sizeof")) {
    Next();
    auto size = MakeExpr(ast::ExprKind::SizeOf, pos);
    if (AtPunct("(")) {
      const size_t save = index_;
      Next();
      bool is_type = false;
      const std::string& w = Peek().text;
      if (IsScalarTypeWord(w) || w == "const") {
        is_type = true;
      } else if (Peek().kind == TokenKind::Identifier) {
        try {
          is_type = IsTypeName(Name(true)) && AtPunct(")");
        } catch (const compiler::CompileError&) {
          is_type = false;
        }
        index_ = save + 1;
      }
      if (is_type) {
        size->type = std::make_shared<ast::TypeRef>(TypeName("in sizeof"));
        Expect(")", "to close sizeof");
        return size;
      }
      index_ = save;
    }
    size->operands.push_back(Unary());
    return size;
  }
  if (t.IsIdent("alignof") || t.IsIdent("new") || t.IsIdent("delete") || t.IsIdent("throw") ||
      t.IsIdent("typeid") || t.IsIdent("co_await")) {
    ErrorAt(t, "unsupported: '" + t.text + "'");
  }
  return Postfix(Primary());
}

ast::ExprPtr Parser::Postfix(ast::ExprPtr expr) {
  while (true) {
    const Token& t = Peek();
    const SourcePos pos = t.pos;
    if (t.IsPunct("(")) {
      Next();
      auto call = MakeExpr(ast::ExprKind::Call, expr->pos);  // located at the callee's name
      call->operands.push_back(std::move(expr));
      const int saved = template_arg_depth_;
      template_arg_depth_ = 0;
      if (!Accept(")")) {
        do {
          call->operands.push_back(AtPunct("{") ? InitList() : AssignmentExpression());
        } while (Accept(","));
        Expect(")", "to close the argument list");
      }
      template_arg_depth_ = saved;
      expr = std::move(call);
    } else if (t.IsPunct("[")) {
      Next();
      auto subscript = MakeExpr(ast::ExprKind::Subscript, pos);
      subscript->operands.push_back(std::move(expr));
      const int saved = template_arg_depth_;
      template_arg_depth_ = 0;
      subscript->operands.push_back(Expression());
      template_arg_depth_ = saved;
      Expect("]", "to close the subscript");
      expr = std::move(subscript);
    } else if (t.IsPunct(".") || t.IsPunct("->")) {
      Next();
      auto member = MakeExpr(ast::ExprKind::Member, pos);
      member->arrow = t.text == "->";
      if (AtIdent("template")) Next();
      if (AtPunct("~")) ErrorAt(Peek(), "unsupported: explicit destructor calls");
      member->text = ExpectIdentifier("a member name");
      member->name.parts = {member->text};
      if (AtPunct("<") && IsBuiltinTemplateName(member->text)) {
        member->name.template_args = TemplateArgs();
        member->name.has_template_args = true;
      }
      member->operands.push_back(std::move(expr));
      expr = std::move(member);
    } else if (t.IsPunct("++") || t.IsPunct("--")) {
      Next();
      auto post = MakeExpr(ast::ExprKind::Unary, pos);
      post->op = "post" + t.text;
      post->operands.push_back(std::move(expr));
      expr = std::move(post);
    } else if (t.IsPunct("{") && expr->kind == ast::ExprKind::Name && IsTypeName(expr->name)) {
      auto construct = MakeExpr(ast::ExprKind::Cast, expr->pos);
      construct->op = std::string("braced");
      construct->type = std::make_shared<ast::TypeRef>();
      construct->type->name = expr->name;
      construct->type->pos = expr->pos;
      construct->operands.push_back(InitList());
      expr = std::move(construct);
    } else {
      return expr;
    }
  }
}

ast::ExprPtr Parser::InitList() {
  Nest nest(*this, depth_, &Parser::Enter);
  const Token& open = Expect("{", "to open the initialiser list");
  auto list = MakeExpr(ast::ExprKind::InitList, open.pos);
  const int saved = template_arg_depth_;
  template_arg_depth_ = 0;
  while (!Accept("}")) {
    std::string designator;
    if (AtPunct(".") && Peek(1).kind == TokenKind::Identifier) {
      Next();
      designator = Next().text;
      if (!Accept("=")) {
        if (!AtPunct("{")) Unexpected("'=' after the designator ." + designator);
      }
    } else if (AtPunct("[")) {
      ErrorAt(Peek(), "unsupported: array designators");
    }
    list->designators.push_back(designator);
    list->operands.push_back(AtPunct("{") ? InitList() : AssignmentExpression());
    if (!Accept(",")) {
      Expect("}", "to close the initialiser list");
      break;
    }
  }
  template_arg_depth_ = saved;
  return list;
}

ast::ExprPtr Parser::Primary() {
  const Token& t = Peek();
  const SourcePos pos = t.pos;
  switch (t.kind) {
    case TokenKind::Integer: {
      Next();
      const IntegerLiteral literal = DecodeIntegerLiteral(t, diag_);
      auto e = MakeExpr(ast::ExprKind::IntLiteral, pos);
      e->int_value = literal.value;
      e->int_unsigned = literal.unsigned_suffix;
      e->int_long_long = literal.long_long_suffix;
      e->int_decimal = literal.decimal;
      e->text = t.text;
      return e;
    }
    case TokenKind::Float: {
      Next();
      auto e = MakeExpr(ast::ExprKind::FloatLiteral, pos);
      e->text = t.text;
      return e;
    }
    case TokenKind::String: {
      auto e = MakeExpr(ast::ExprKind::StringLiteral, pos);
      while (Peek().kind == TokenKind::String) e->text += DecodeStringLiteral(Next(), diag_);
      return e;
    }
    case TokenKind::Char: {
      Next();
      auto e = MakeExpr(ast::ExprKind::CharLiteral, pos);
      e->int_value = DecodeCharLiteral(t, diag_);
      return e;
    }
    case TokenKind::End: Unexpected("an expression");
    case TokenKind::Punct: break;
    case TokenKind::Identifier: break;
  }
  if (t.IsPunct("(")) {
    Next();
    const int saved = template_arg_depth_;
    template_arg_depth_ = 0;
    ast::ExprPtr inner = Expression();
    template_arg_depth_ = saved;
    Expect(")", "to close the parenthesis");
    return inner;
  }
  if (t.IsPunct("{")) return InitList();
  if (t.IsPunct("[")) ErrorAt(t, "unsupported: lambda expressions");
  if (t.kind == TokenKind::Punct && !t.IsPunct("::")) Unexpected("an expression");
  const std::string w = t.text;
  if (w == "true" || w == "false") {
    Next();
    auto e = MakeExpr(ast::ExprKind::BoolLiteral, pos);
    e->int_value = w == "true" ? 1 : 0;
    return e;
  }
  if (w == "nullptr" || w == "NULL") {
    Next();
    return MakeExpr(ast::ExprKind::NullPtr, pos);
  }
  if (w == "this") ErrorAt(t, "unsupported: 'this' (member functions)");
  if (w == "decltype") ErrorAt(t, "unsupported: decltype");
  if (w == "dynamic_cast") ErrorAt(t, "unsupported: dynamic_cast");
  if (w == "static_cast" || w == "reinterpret_cast" || w == "const_cast" || w == "bit_cast" ||
      w == "__builtin_bit_cast") {
    Next();
    auto cast = MakeExpr(ast::ExprKind::Cast, pos);
    cast->op = w;
    if (w == "__builtin_bit_cast") ErrorAt(t, "unsupported: __builtin_bit_cast");
    Expect("<", (std::string("after ") + w).c_str());
    ++template_arg_depth_;
    cast->type = std::make_shared<ast::TypeRef>(TypeName((std::string("in ") + w).c_str()));
    --template_arg_depth_;
    Expect(">", (std::string("to close the type of ") + w).c_str());
    Expect("(", (std::string("after ") + w + "<...>").c_str());
    const int saved = template_arg_depth_;
    template_arg_depth_ = 0;
    cast->operands.push_back(Expression());
    template_arg_depth_ = saved;
    Expect(")", (std::string("to close ") + w).c_str());
    return cast;
  }
  if (IsScalarTypeWord(w) || (t.kind == TokenKind::Identifier && IsBuiltinScalarTypeName(w) && !AtPunct("::", 1) &&
                              (AtPunct("(", 1) || AtPunct("{", 1)))) {
    // A functional cast: uint32_t(x), unsigned{x}, bool(x).
    auto cast = MakeExpr(ast::ExprKind::Cast, pos);
    cast->op = std::string("functional");
    cast->type = std::make_shared<ast::TypeRef>(TypeName("in the cast"));
    if (AtPunct("{")) {
      ast::ExprPtr list = InitList();
      if (list->operands.size() != 1) ErrorAt(t, "a functional cast takes exactly one value");
      cast->operands.push_back(std::move(list->operands[0]));
      return cast;
    }
    Expect("(", "after the type of a functional cast");
    const int saved = template_arg_depth_;
    template_arg_depth_ = 0;
    cast->operands.push_back(Expression());
    template_arg_depth_ = saved;
    Expect(")", "to close the cast");
    return cast;
  }
  auto name = MakeExpr(ast::ExprKind::Name, pos);
  name->name = Name(true);
  return name;
}

}  // namespace tilesim::metalium
