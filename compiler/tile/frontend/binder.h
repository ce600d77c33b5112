// The binder: gives the syntax tree meaning and builds the Tile IR PrimFunc.
//
// Names live in nested scopes (module, kernel factory, prim_func, T.Kernel body, each loop). A name is
// an import alias, a compile-time constant (evaluated lazily, so host-code assignments that are never
// used by the kernel cost nothing and cannot fail), a buffer, an index variable (block index, loop
// variable), an alias of an index expression (`row = by * 128 + i`) or of an element-wise value inside
// T.Parallel (`v = C_local[i, j] * 2`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "compiler/tile/frontend/ast.h"
#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile::frontend {

// A compile-time value: integers, floats, strings (dtypes), booleans, None.
struct ConstValue {
  std::variant<int64_t, double, std::string, bool, std::monostate> value;
  bool is_int() const { return std::holds_alternative<int64_t>(value); }
  bool is_number() const { return is_int() || std::holds_alternative<double>(value); }
  int64_t as_int() const { return std::get<int64_t>(value); }
  double as_double() const { return is_int() ? static_cast<double>(as_int()) : std::get<double>(value); }
  std::string Describe() const;  // "512", "0.5", "\"bfloat16\"", "True", "None"
};

struct LazyConst {
  const Expr* expr = nullptr;  // null once bound directly (a --NAME value, a factory default)
  std::optional<ConstValue> value;
  bool evaluating = false;  // a name defined in terms of itself is an error, not a hang
  SourceLocation location;
  std::string unbound_message;  // a factory parameter without default or --NAME: the error its use raises
};
struct ModuleAlias { std::string path; };  // import tilelang.language as T: T -> "tilelang.language"
struct BufferName { tir::BufferId id; };
struct IndexVarName { tir::VarId id; };
struct IndexAlias { tir::Index value; };
struct ValueAlias { tir::Value value; };
struct FunctionName {};  // a def in scope (the factory, host helpers): not a value the kernel can use

// TileLang's dtype names (T.float32, T.bfloat16, ...), emulated or not.
bool IsDTypeName(std::string_view name);
// "64x32".
std::string ShapeText(const std::vector<int64_t>& extents);

using NameEntry = std::variant<LazyConst, ModuleAlias, BufferName, IndexVarName, IndexAlias, ValueAlias, FunctionName>;

class Binder {
 public:
  Binder(const Module& module, const Bindings& bindings);

  // Finds the kernel (the only one, or the one named `function`) and builds its PrimFunc.
  tir::PrimFunc Run(const std::string& function);

  // ---- Scopes ----
  void PushScope() { scopes_.emplace_back(); }
  void PopScope() { scopes_.pop_back(); }
  NameEntry* Lookup(const std::string& name);
  // Defines `name` in the innermost scope; redefining a buffer or variable there is an error.
  void Define(const std::string& name, NameEntry entry, SourceLocation location);
  // Binds the assignments (lazily; a --NAME value replaces one of the same name) and imports of a module,
  // factory or prim_func body into the innermost scope.
  void BindDeclarations(const Block& body);

  // ---- Constants (const_eval.cpp) ----
  ConstValue Evaluate(const Expr& expr);
  // The value of a lazy constant defined in scope `level`, evaluated there (once).
  ConstValue EvaluateLazy(LazyConst& constant, size_t level, const std::string& name, SourceLocation use);
  int64_t EvaluateInt(const Expr& expr, const std::string& what);  // what: "grid extent", "dimension 0 of A"
  std::vector<int64_t> EvaluateShape(const Expr& expr, const std::string& owner);
  tir::DType EvaluateDType(const Expr& expr);
  // The dotted module path an expression names (T.gemm -> "tilelang.language.gemm"), if it names one.
  std::optional<std::string> ModulePath(const Expr& expr);
  // The tilelang.language member an expression names (T.gemm -> "gemm"), if it names one.
  std::optional<std::string> LanguageMember(const Expr& expr);
  // The builtin a bare name means when nothing in scope shadows it (min, max, range, int, float).
  std::optional<std::string> Builtin(const Expr& expr);

  // ---- Index and value expressions (lower_expr.cpp) ----
  tir::Index LowerIndex(const Expr& expr);
  tir::Value LowerValue(const Expr& expr);
  // upper - lower as a constant, when the variables cancel (by*128+128 - by*128 = 128).
  std::optional<int64_t> ConstantDifference(const tir::Index& upper, const tir::Index& lower);
  // Python integer arithmetic (floor division and modulo), overflow and division by zero are errors.
  int64_t ApplyIntOp(tir::IndexOp op, int64_t lhs, int64_t rhs, SourceLocation location) const;
  tir::Index FoldBinary(tir::IndexOp op, tir::Index lhs, tir::Index rhs, SourceLocation location);

  // ---- The prim_func (lower_kernel.cpp) ----
  void LowerPrimFunc(const Stmt& def);

  [[noreturn]] void Fail(SourceLocation location, const std::string& message) const;
  const std::string& file() const { return module_.file; }
  tir::PrimFunc& func() { return func_; }
  const tir::Buffer& buffer(tir::BufferId id) const { return func_.buffers[id.index]; }

 private:
  // lower_kernel.cpp
  void LowerParam(const Param& param);
  tir::Stmt LowerKernelWith(const Stmt& with);
  tir::Stmt LowerBlock(const Block& body);
  tir::Stmt LowerStatement(const Stmt& stmt);
  tir::Stmt LowerCallStatement(const Expr& call);
  tir::Stmt LowerAlloc(const Stmt& assign, const Expr& call, const std::string& member);
  tir::Stmt LowerCopy(const Expr& call);
  tir::Stmt LowerGemm(const Expr& call);
  tir::Stmt LowerFill(const Expr& call, const std::string& member);
  tir::Stmt LowerFor(const Stmt& loop);
  tir::Stmt LowerParallel(const Stmt& loop, const Expr& call);
  tir::Stmt LowerParallelBody(const Block& body);
  // The region a T.Parallel store into a tensor covers (indices[d] = offset_d + the loop's d-th variable).
  std::optional<std::vector<tir::Index>> TileOffsets(const std::vector<tir::Index>& indices, SourceLocation at);
  tir::BufferId StagingTile(tir::BufferId tensor, std::vector<tir::Index> offsets, SourceLocation at);
  void LowerParallelLocal(const Stmt& assign);  // name = ... under T.Parallel: an index or a value
  tir::Stmt LowerStore(const Stmt& stmt);
  tir::Stmt LowerLocalAssign(const Stmt& assign);
  tir::BufferId BufferOperand(const Expr& expr, const std::string& what);
  struct RegionSide;
  RegionSide LowerRegionSide(const Expr& expr);
  tir::VarId NewVar(const std::string& name, SourceLocation location);

  // frontend.cpp
  bool IsPrimFuncDecorator(const Expr& decorator);
  bool IsPrimFunc(const Stmt& def);
  void BindFactoryParams(const Stmt& factory);
  void RecordConstants();

  const Module& module_;
  const Bindings& bindings_;
  std::vector<std::map<std::string, NameEntry>> scopes_;
  std::map<std::string, bool> binding_used_;
  tir::PrimFunc func_;
  size_t lookup_limit_ = SIZE_MAX;  // while evaluating a lazy constant: the scopes visible where it was defined
  size_t last_lookup_level_ = 0;    // the scope level of Lookup's last hit
  bool in_parallel_ = false;
  tir::ParallelStmt* parallel_ = nullptr;  // the T.Parallel being lowered
  // Stores under it into a tensor, staged through an on-chip tile (StagingTile).
  struct StagedStore {
    tir::BufferId tensor;
    tir::BufferId tile;
    std::vector<tir::Index> offsets;  // where the tile goes in the tensor
    SourceLocation location;
  };
  std::vector<StagedStore> staged_stores_;
  std::set<uint32_t> accumulators_;  // buffers a T.gemm accumulates into
  bool seen_kernel_ = false;
};

// Where an expression's text starts (a binary expression's own location is its operator's).
SourceLocation StartOf(const Expr& expr);
// Text of an expression for messages ("M / 2", "T.gemm(A_s, B_s, C_l)").
std::string Unparse(const Expr& expr);

}  // namespace tilesim::tile::frontend
