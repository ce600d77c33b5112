// Internals of the tile DSL reference (runtime/tile/reference.cpp): buffer storage during a reference run,
// and index / value expressions compiled to small postfix programs so that a T.Parallel body over a
// million elements costs a tight loop per element instead of a walk over shared_ptr trees.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tilesim/tile_ir.h"

namespace tilesim::tile::ref {

// A buffer's logical shape as rows x cols: a rank-1 buffer is one row. Throws compiler::InternalError if
// the rank is not 1 or 2 or a dimension is not positive.
struct Shape2D {
  int64_t rows = 0;
  int64_t cols = 0;
  int64_t count() const { return rows * cols; }
};
Shape2D ShapeOf(const tir::PrimFunc& func, const tir::Buffer& buffer);

// "file:line:col" of a node (the function's name when the location is unknown), for messages.
std::string Where(const tir::PrimFunc& func, tir::SourceLocation location);

// The values of one buffer during a reference run, row-major in its logical shape. Values are always
// representable in the buffer's dtype: every store rounds.
struct Storage {
  const tir::Buffer* buffer = nullptr;
  Shape2D shape;
  bool bf16 = false;        // rounds stores to bfloat16
  bool global = false;      // out-of-bounds loads read 0, out-of-bounds stores are dropped
  bool allocated = false;   // on-chip buffers: between their AllocStmt and the end of the grid point
  std::vector<float> values;
};

// Variables of the function during a run: their values and whether they are bound (in scope) now.
struct VarState {
  std::vector<int64_t> values;
  std::vector<char> bound;
};

// Evaluates an index expression once, with Python's integer semantics (// and % round towards minus
// infinity). Division by zero or int64 overflow throw compiler::CompileError at the node; an unbound
// variable or an intrinsic call / kernel argument (only in lowered kernels) throws compiler::InternalError.
int64_t EvaluateIndex(const tir::PrimFunc& func, const tir::Index& index, const VarState& vars);

// An index expression compiled for repeated evaluation. Compiling checks that every variable it uses is
// bound, so running it only reads values.
class IndexProgram {
 public:
  IndexProgram() = default;
  IndexProgram(const tir::PrimFunc& func, const tir::Index& index, const VarState& vars);
  int64_t Run(const int64_t* vars) const;

 private:
  enum class Kind : uint8_t { Const, Var, Binary };
  struct Instr {
    Kind kind;
    tir::IndexOp op;  // Binary
    int64_t operand;  // Const: the value; Var: the variable's index
    tir::SourceLocation location;
  };
  void Emit(const tir::PrimFunc& func, const tir::Index& index, const VarState& vars, uint32_t depth);
  int64_t RunStack(const int64_t* vars) const;

  const tir::PrimFunc* func_ = nullptr;  // for messages
  std::vector<Instr> code_;
  uint32_t max_depth_ = 0;
  mutable std::vector<int64_t> stack_;
};

// Element (row, col) of a buffer addressed by index expressions, as a load or a store sees it.
class ElementAccess {
 public:
  ElementAccess(const tir::PrimFunc& func, Storage& storage, const std::vector<tir::Index>& indices,
                tir::SourceLocation location, const VarState& vars);
  // The flat position of the element, or -1 if it is outside a global tensor. Outside an on-chip buffer
  // throws compiler::InternalError (the front end checks the bounds it can see).
  int64_t Position(const int64_t* vars) const;
  Storage& storage() const { return *storage_; }

 private:
  [[noreturn, gnu::cold, gnu::noinline]] void ThrowOutside(int64_t row, int64_t col) const;

  const tir::PrimFunc* func_;
  Storage* storage_;
  IndexProgram row_;  // unused for a rank-1 buffer (row 0)
  IndexProgram col_;
  bool has_row_;
  tir::SourceLocation location_;
};

// An element-wise value expression compiled to a postfix program evaluated in fp32.
class ValueProgram {
 public:
  ValueProgram(const tir::PrimFunc& func, const tir::Value& value, std::vector<Storage>& storage,
               const VarState& vars);
  float Run(const int64_t* vars) const;

 private:
  enum class Op : uint8_t { Const, Load, Neg, Exp, Relu, Sqrt, Recip, Add, Sub, Mul, Div, Max, Min, ToBf16 };
  struct Instr {
    Op op;
    float constant;  // Const
    uint32_t load;   // Load: index into loads_
  };
  void Emit(const tir::PrimFunc& func, const tir::Value& value, std::vector<Storage>& storage,
            const VarState& vars, uint32_t depth);

  std::vector<Instr> code_;
  std::vector<ElementAccess> loads_;
  uint32_t max_depth_ = 0;
  mutable std::vector<float> stack_;
};

// Looks up the storage of a buffer a statement names; throws compiler::InternalError if the id is out of
// range or an on-chip buffer is used before its AllocStmt.
Storage& StorageOf(const tir::PrimFunc& func, std::vector<Storage>& storage, tir::BufferId id,
                   tir::SourceLocation location, const char* statement);

}  // namespace tilesim::tile::ref
