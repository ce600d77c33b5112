// The abstract syntax tree of the Metalium kernel dialect: the small C++ subset tt-metal kernels are
// written in. The parser builds it without knowing what names mean (beyond telling types from values);
// the lowering gives it meaning and reports what it does not support.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/frontends/metalium/diagnostics.h"

namespace tilesim::metalium::ast {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
struct TypeRef;

// A template argument: a type or a constant expression.
struct TemplateArg {
  std::shared_ptr<TypeRef> type;  // set for a type argument
  std::shared_ptr<Expr> expr;     // set for a value argument
};

// A possibly qualified name with template arguments: tt::CBIndex::c_0, get_arg_val<uint32_t>.
struct QualifiedName {
  std::vector<std::string> parts;  // {"tt", "CBIndex", "c_0"}
  std::vector<TemplateArg> template_args;  // of the last part
  bool has_template_args = false;
  std::string last() const { return parts.empty() ? std::string() : parts.back(); }
  std::string str() const;  // "tt::CBIndex::c_0"
};

struct TypeRef {
  QualifiedName name;          // "uint32_t", "unsigned", "unsigned long long", "auto", "TensorAccessor"...
  bool is_const = false;
  bool is_constexpr = false;
  bool is_volatile = false;
  bool is_static = false;
  bool is_inline = false;
  int pointer_depth = 0;       // uint32_t* -> 1
  bool pointee_const = false;  // const before the '*'
  bool is_reference = false;   // T& or T&&
  SourcePos pos;
};

// ---- Expressions ----

enum class ExprKind : uint8_t {
  IntLiteral,   // int_value, int_unsigned / int_long_long / int_decimal
  FloatLiteral, // text
  StringLiteral,// text = decoded value (adjacent literals concatenated)
  CharLiteral,  // int_value
  BoolLiteral,  // int_value
  NullPtr,
  Name,         // name
  Unary,        // op, operands[0]
  Binary,       // op, operands[0..1]; also assignments ("=", "+=") and the comma operator
  Conditional,  // operands[0] ? operands[1] : operands[2]
  Call,         // operands[0] is the callee; operands[1..] the arguments
  Subscript,    // operands[0][operands[1]]
  Member,       // operands[0].member or operands[0]->member (arrow); name.template_args for obj.f<T>()
  Cast,         // type, operands[0]; op = "static_cast" | "reinterpret_cast" | "const_cast" | "c" | "functional"
  SizeOf,       // type or operands[0]
  InitList,     // operands with designators (empty string = positional): { .a = 1, 2 }
  Lambda,       // parsed only to report it
};

struct Expr {
  ExprKind kind;
  SourcePos pos;
  std::string op;    // operator spelling: "+", "++" (prefix), "post++", "*" (deref), "&" (address of)...
  std::string text;  // literal spelling / value, member name
  uint64_t int_value = 0;
  bool int_unsigned = false;
  bool int_long_long = false;
  bool int_decimal = true;
  bool arrow = false;
  QualifiedName name;
  std::shared_ptr<TypeRef> type;
  std::vector<ExprPtr> operands;
  std::vector<std::string> designators;  // InitList: one per operand
};

// ---- Declarations used in statements ----

struct VarDecl {
  TypeRef type;
  std::string name;
  SourcePos pos;
  std::vector<ExprPtr> array_dims;  // uint32_t a[4][2] -> {4, 2}; an empty entry (nullptr) for a[]
  enum class Init : uint8_t { None, Equals, Braces, Parens } init_kind = Init::None;
  ExprPtr init;                    // Equals: the expression (an InitList for `= {..}`); Braces: an InitList
  std::vector<ExprPtr> ctor_args;  // Parens: T x(a, b)
};

// ---- Statements ----

enum class StmtKind : uint8_t {
  Compound, Decl, Expr, If, For, RangeFor, While, DoWhile, Switch, Case, Default, Break, Continue, Return,
  Empty, StaticAssert, Goto, Label, Asm,
};

struct Stmt {
  StmtKind kind;
  SourcePos pos;
  std::vector<StmtPtr> body;        // Compound: the statements; Switch: its body's statements
  std::vector<VarDecl> decls;       // Decl
  ExprPtr expr;                     // Expr / Return value / If, While, DoWhile, Switch condition / For condition /
                                    // Case value / StaticAssert condition
  ExprPtr step;                     // For increment
  StmtPtr init;                     // For init statement (a Decl or Expr statement), If init
  StmtPtr then_branch;              // If then / loop body
  StmtPtr else_branch;              // If else
  bool is_constexpr = false;        // if constexpr
  std::string text;                 // StaticAssert message, label name
};

// ---- Top-level declarations ----

struct TemplateParam {
  bool is_type = true;   // typename T / class T; otherwise a value parameter (bool B, uint32_t N)
  TypeRef value_type;    // for a value parameter
  std::string name;
  std::shared_ptr<Expr> default_value;   // value parameter default
  std::shared_ptr<TypeRef> default_type; // type parameter default
  SourcePos pos;
};

struct Param {
  TypeRef type;
  std::string name;  // may be empty
  std::shared_ptr<Expr> default_value;
  bool is_pack = false;  // Args... args
  SourcePos pos;
};

struct FunctionDecl {
  std::string name;
  SourcePos pos;
  TypeRef return_type;
  std::vector<Param> params;
  std::vector<TemplateParam> template_params;
  bool is_template = false;
  std::shared_ptr<Stmt> body;  // null for a declaration without a definition
};

struct StructDecl {
  std::string name;
  SourcePos pos;
  std::vector<VarDecl> fields;  // with their default member initialisers
};

struct EnumDecl {
  std::string name;  // may be empty
  SourcePos pos;
  bool scoped = false;
  std::shared_ptr<TypeRef> underlying;
  std::vector<std::pair<std::string, std::shared_ptr<Expr>>> enumerators;
  std::vector<SourcePos> enumerator_pos;
};

struct AliasDecl {
  std::string name;
  TypeRef type;
  SourcePos pos;
};

struct TopLevel {
  enum class Kind : uint8_t { Function, Var, Struct, Enum, Alias, StaticAssert } kind;
  std::shared_ptr<FunctionDecl> function;
  std::shared_ptr<VarDecl> var;
  std::shared_ptr<StructDecl> struct_decl;
  std::shared_ptr<EnumDecl> enum_decl;
  std::shared_ptr<AliasDecl> alias;
  std::shared_ptr<Stmt> static_assert_stmt;
};

struct TranslationUnit {
  std::vector<TopLevel> items;  // in source order; namespaces are flattened
};

}  // namespace tilesim::metalium::ast
