// Kernel IR: the one IR between tilesim's front ends and its back ends.
//
// A Kernel is the program of one RISC role: scalar integer expressions (uint32_t, int32_t, uint64_t,
// bool) and structured statements (let, assign, for, while, if, break, continue, sequences), plus
// calls of device intrinsics (the Metalium kernel API, see include/tilesim/bytecode/intrinsics.def)
// and 32-bit L1 loads and stores. Nodes are immutable and shared; passes build new trees.
//
// Types follow C++: arithmetic on mixed operands converts both to the wider / unsigned type (u64 >
// u32 > i32 > bool), comparisons and logical operators give bool, division and shifts of i32 are
// signed. Every node carries the source location it came from, so errors and the bytecode source map
// can name file:line:col.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "tilesim/bytecode/intrinsics.h"
#include "tilesim/bytecode/kernel_binary.h"
#include "tilesim/kernel_role.h"

namespace tilesim::kir {

enum class Type : uint8_t { Bool, I32, U32, U64 };
std::string_view ToString(Type type);  // "bool", "int32_t", "uint32_t", "uint64_t"

using SourceLocation = bc::SourceLocation;  // file indexes Kernel::files

enum class BinaryOp : uint8_t {
  Add, Sub, Mul, Div, Mod, BitAnd, BitOr, BitXor, Shl, Shr,  // arithmetic: result type by C++ promotion
  Eq, Ne, Lt, Le, Gt, Ge,                                    // comparisons: bool
  LogicalAnd, LogicalOr,                                     // short-circuit: bool
};
enum class UnaryOp : uint8_t { Neg, BitNot, LogicalNot };
std::string_view ToString(BinaryOp op);  // C++ spelling: "+", "<=", "&&"...
std::string_view ToString(UnaryOp op);

struct ExprNode;
struct StmtNode;

// A handle on an immutable expression tree. Converts implicitly from integer literals (uint32_t
// constants, or int32_t when negative) so that builder code reads like the kernel it writes.
class Expr {
 public:
  Expr() = default;
  explicit Expr(std::shared_ptr<const ExprNode> node) : node_(std::move(node)) {}
  Expr(int value);        // NOLINT: uint32_t constant (int32_t constant if negative)
  Expr(unsigned value);   // NOLINT: uint32_t constant
  Expr(uint64_t value);   // NOLINT: uint64_t constant
  Expr(bool value);       // NOLINT: bool constant

  bool defined() const { return node_ != nullptr; }
  const ExprNode& operator*() const { return *node_; }
  const ExprNode* operator->() const { return node_.get(); }
  const ExprNode* get() const { return node_.get(); }
  Type type() const;

 private:
  std::shared_ptr<const ExprNode> node_;
};

// A variable: an index into Kernel::vars. Variables are declared by Let or For and live to the end of
// the enclosing block.
struct VarId {
  uint32_t index = 0;
  friend bool operator==(VarId, VarId) = default;
};
struct VarInfo {
  std::string name;
  Type type = Type::U32;
  bool is_const = false;  // declared const / constexpr: assigning to it is an error
};

// ---- Expressions ----
struct ConstExpr { uint64_t value; };                        // already truncated to the node's type
struct VarExpr { VarId var; };
struct UnaryExpr { UnaryOp op; Expr operand; };
struct BinaryExpr { BinaryOp op; Expr lhs, rhs; };
struct SelectExpr { Expr cond, if_true, if_false; };         // cond ? if_true : if_false
struct CastExpr { Expr operand; };                           // to the node's type
struct CallExpr { bc::Intrinsic intrinsic; std::vector<Expr> args; };  // a value-returning intrinsic
struct LoadExpr { Expr address; };                           // uint32_t at an L1 address
struct CompileTimeArgExpr { uint32_t index; };               // get_compile_time_arg_val(index)

struct ExprNode {
  Type type;
  SourceLocation location;
  std::variant<ConstExpr, VarExpr, UnaryExpr, BinaryExpr, SelectExpr, CastExpr, CallExpr, LoadExpr,
               CompileTimeArgExpr>
      node;
};

// ---- Statements ----
using Stmt = std::shared_ptr<const StmtNode>;

struct LetStmt { VarId var; Expr value; };                   // declares var = value
struct AssignStmt { VarId var; Expr value; };
struct StoreStmt { Expr address; Expr value; };              // uint32_t store to L1
struct EvaluateStmt { Expr call; };                          // a CallExpr whose result (if any) is dropped;
                                                             // the only place a void intrinsic may appear
struct SeqStmt { std::vector<Stmt> stmts; };                 // a block: variables declared in it end with it
struct ForStmt { VarId var; Expr begin, end, step; Stmt body; };  // for (var = begin; var < end; var += step)
struct WhileStmt { Expr cond; Stmt body; };
struct IfStmt { Expr cond; Stmt then_body; Stmt else_body; };      // else_body may be null
struct BreakStmt {};
struct ContinueStmt {};
struct ReturnStmt {};

struct StmtNode {
  SourceLocation location;
  std::variant<LetStmt, AssignStmt, StoreStmt, EvaluateStmt, SeqStmt, ForStmt, WhileStmt, IfStmt, BreakStmt,
               ContinueStmt, ReturnStmt>
      node;
};

struct Kernel {
  std::string name;
  KernelRole role = KernelRole::DataMovement0;
  std::vector<VarInfo> vars;
  Stmt body;                          // usually a SeqStmt
  std::vector<std::string> strings;   // DPRINT string constants (dprint_str's argument indexes these)
  std::vector<std::string> files;     // source files named by SourceLocation::file
};

// ---- Node constructors (types inferred as documented above) ----
Expr MakeConst(uint64_t value, Type type, SourceLocation loc = {});
Expr MakeVar(const Kernel& kernel, VarId var, SourceLocation loc = {});
Expr MakeUnary(UnaryOp op, Expr operand, SourceLocation loc = {});
Expr MakeBinary(BinaryOp op, Expr lhs, Expr rhs, SourceLocation loc = {});
Expr MakeSelect(Expr cond, Expr if_true, Expr if_false, SourceLocation loc = {});
Expr MakeCast(Type type, Expr operand, SourceLocation loc = {});
// A call's type comes from the intrinsic's signature; a void intrinsic's call is typed U32 and is valid only
// as an EvaluateStmt's call.
Expr MakeCall(bc::Intrinsic intrinsic, std::vector<Expr> args, SourceLocation loc = {});  // type from signature
Expr MakeLoad(Expr address, SourceLocation loc = {});
Expr MakeCompileTimeArg(uint32_t index, SourceLocation loc = {});
Stmt MakeStmt(decltype(StmtNode::node) node, SourceLocation loc = {});

// Operators for builder code: the C++ meaning, building a BinaryExpr / UnaryExpr.
Expr operator+(Expr a, Expr b);
Expr operator-(Expr a, Expr b);
Expr operator*(Expr a, Expr b);
Expr operator/(Expr a, Expr b);
Expr operator%(Expr a, Expr b);
Expr operator&(Expr a, Expr b);
Expr operator|(Expr a, Expr b);
Expr operator^(Expr a, Expr b);
Expr operator<<(Expr a, Expr b);
Expr operator>>(Expr a, Expr b);
Expr operator==(Expr a, Expr b);
Expr operator!=(Expr a, Expr b);
Expr operator<(Expr a, Expr b);
Expr operator<=(Expr a, Expr b);
Expr operator>(Expr a, Expr b);
Expr operator>=(Expr a, Expr b);
Expr operator&&(Expr a, Expr b);
Expr operator||(Expr a, Expr b);
Expr operator!(Expr a);
Expr operator-(Expr a);
Expr operator~(Expr a);

}  // namespace tilesim::kir
