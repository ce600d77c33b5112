// The syntax tree of a tile DSL file: the part of Python's grammar TileLang kernels use. The parser
// builds it without knowing what any name means; bind.cpp / lower_*.cpp give it meaning.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/tile/frontend/lexer.h"

namespace tilesim::tile::frontend {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Keyword {
  std::string name;
  ExprPtr value;
  SourceLocation location;
};

struct Expr {
  enum class Kind : uint8_t {
    Name,       // text = identifier
    Integer,    // int_value
    Float,      // float_value
    String,     // text = value
    Bool,       // int_value = 0 / 1
    None,
    Attribute,  // base.text
    Call,       // base(items..., keywords...)
    Subscript,  // base[items...]: one item per comma-separated index
    Slice,      // items = {lower, upper, step}, any of them null when left out
    Tuple,      // (a, b) or a bare `a, b`
    List,       // [a, b]
    Dict,       // {k: v, ...}: items = k0, v0, k1, v1, ...
    Binary,     // items[0] text items[1]; text = "+", "//", "**", "&", ...
    Unary,      // text items[0]; text = "-", "+", "~", "not"
    Compare,    // items[0] text items[1] (chains nest to the left)
    BoolOp,     // items[0] text items[1]; text = "and" / "or"
    IfElse,     // items = {then, condition, else}
    Lambda,     // lambda text: items[0]   (text = the parameter list as written)
  };
  Kind kind = Kind::Name;
  SourceLocation location;
  std::string text;
  int64_t int_value = 0;
  double float_value = 0;
  ExprPtr base;
  std::vector<ExprPtr> items;
  std::vector<Keyword> keywords;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

struct Param {
  std::string name;
  SourceLocation location;
  ExprPtr annotation;  // null when absent
  ExprPtr default_value;
};

// One name an import statement binds: `import a.b as c` binds c to "a.b"; `import a.b` binds a to "a";
// `from a import b as c` binds c to "a.b".
struct ImportedName {
  std::string bound_name;
  std::string module_path;
  SourceLocation location;
};

struct Stmt {
  enum class Kind : uint8_t {
    Expr,         // value (a call, or a docstring)
    Assign,       // target = value
    AugAssign,    // target text value; text = "+=", ...
    FunctionDef,  // decorators, def name(params): body
    With,         // with value as targets: body   (targets empty without `as`)
    For,          // for targets in value: body
    Return,       // return value (value may be null)
    Pass,
    Import,       // imports
    Skipped,      // a block the front end does not read (host code): text says what it was
  };
  Kind kind = Kind::Pass;
  SourceLocation location;
  std::string text;
  std::string name;  // FunctionDef
  ExprPtr target;
  ExprPtr value;
  std::vector<ExprPtr> decorators;
  std::vector<Param> params;
  std::vector<std::string> targets;  // With / For: the names bound
  std::vector<SourceLocation> target_locations;
  std::vector<ImportedName> imports;
  Block body;
};

struct Module {
  std::string file;
  Block body;
};

}  // namespace tilesim::tile::frontend
