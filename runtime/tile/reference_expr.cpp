// Index and value expressions of the tile DSL reference (runtime/tile/reference_expr.h).
#include "runtime/tile/reference_expr.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "tilesim/compiler.h"
#include "tilesim/data_format.h"

namespace tilesim::tile::ref {

namespace {

[[noreturn]] void Internal(const tir::PrimFunc& func, tir::SourceLocation location, const std::string& message) {
  throw compiler::InternalError(fmt::format("{}: tile reference: {}", Where(func, location), message));
}

// Errors of index arithmetic, out of line so the arithmetic itself stays small enough to inline.
[[noreturn, gnu::cold, gnu::noinline]] void IndexByZero(const tir::PrimFunc& func, tir::SourceLocation location,
                                                        tir::IndexOp op, int64_t a) {
  throw compiler::CompileError(Where(func, location),
                               fmt::format("{} by zero in an index expression ({} {} 0)",
                                           op == tir::IndexOp::FloorDiv ? "division" : "modulo", a, tir::ToString(op)));
}
[[noreturn, gnu::cold, gnu::noinline]] void IndexOverflow(const tir::PrimFunc& func, tir::SourceLocation location,
                                                          tir::IndexOp op, int64_t a, int64_t b) {
  throw compiler::CompileError(Where(func, location), fmt::format("index arithmetic overflows 64 bits ({} {} {})", a,
                                                                  tir::ToString(op), b));
}

// One step of index arithmetic with Python's semantics; errors name the node.
inline int64_t ApplyIndexOp(const tir::PrimFunc& func, tir::SourceLocation location, tir::IndexOp op, int64_t a,
                            int64_t b) {
  int64_t result = 0;
  switch (op) {
    case tir::IndexOp::Add:
      if (__builtin_add_overflow(a, b, &result)) IndexOverflow(func, location, op, a, b);
      return result;
    case tir::IndexOp::Sub:
      if (__builtin_sub_overflow(a, b, &result)) IndexOverflow(func, location, op, a, b);
      return result;
    case tir::IndexOp::Mul:
      if (__builtin_mul_overflow(a, b, &result)) IndexOverflow(func, location, op, a, b);
      return result;
    case tir::IndexOp::FloorDiv:
    case tir::IndexOp::FloorMod: {
      if (b == 0) IndexByZero(func, location, op, a);
      if (a == INT64_MIN && b == -1) IndexOverflow(func, location, op, a, b);
      int64_t quotient = a / b;
      int64_t remainder = a % b;
      // C++ truncates towards zero; Python floors: step down when the signs differ and it is inexact.
      if (remainder != 0 && ((remainder < 0) != (b < 0))) {
        --quotient;
        remainder += b;
      }
      return op == tir::IndexOp::FloorDiv ? quotient : remainder;
    }
    case tir::IndexOp::Min: return std::min(a, b);
    case tir::IndexOp::Max: return std::max(a, b);
    // Only lowered kernels have these, but they are plain integer operations all the same.
    case tir::IndexOp::BitAnd: return a & b;
    case tir::IndexOp::Lt: return a < b ? 1 : 0;
    case tir::IndexOp::Ne: return a != b ? 1 : 0;
  }
  return result;
}

void CheckVar(const tir::PrimFunc& func, tir::SourceLocation location, tir::VarId var, const VarState& vars) {
  if (var.index >= vars.values.size()) Internal(func, location, fmt::format("variable #{} does not exist", var.index));
  if (!vars.bound[var.index]) {
    Internal(func, location, fmt::format("variable '{}' is used outside the loop or kernel that binds it",
                                         func.vars[var.index].name));
  }
}

constexpr const char* kLoweredIndex =
    "an intrinsic call or kernel argument in an index expression (only lowered kernels have them)";

}  // namespace

Shape2D ShapeOf(const tir::PrimFunc& func, const tir::Buffer& buffer) {
  const auto& dims = buffer.shape;
  if (dims.empty() || dims.size() > 2) {
    Internal(func, buffer.location, fmt::format("buffer '{}' has rank {}; only rank 1 and 2 are supported",
                                                buffer.name, dims.size()));
  }
  for (int64_t dim : dims) {
    if (dim <= 0) Internal(func, buffer.location, fmt::format("buffer '{}' has a dimension of {}", buffer.name, dim));
  }
  Shape2D shape = dims.size() == 1 ? Shape2D{1, dims[0]} : Shape2D{dims[0], dims[1]};
  if (shape.rows > (int64_t{1} << 40) / shape.cols) {
    Internal(func, buffer.location, fmt::format("buffer '{}' is too large to evaluate on the host", buffer.name));
  }
  return shape;
}

std::string Where(const tir::PrimFunc& func, tir::SourceLocation location) {
  if (location.line == 0) return func.name.empty() ? std::string("<unnamed prim_func>") : func.name;
  const std::string& file = func.source_file.empty() ? func.name : func.source_file;
  return location.column == 0 ? fmt::format("{}:{}", file, location.line)
                              : fmt::format("{}:{}:{}", file, location.line, location.column);
}

int64_t EvaluateIndex(const tir::PrimFunc& func, const tir::Index& index, const VarState& vars) {
  if (!index) Internal(func, {}, "null index expression");
  if (const auto* c = std::get_if<tir::IndexConst>(&index->node)) return c->value;
  if (const auto* v = std::get_if<tir::IndexVar>(&index->node)) {
    CheckVar(func, index->location, v->var, vars);
    return vars.values[v->var.index];
  }
  if (const auto* b = std::get_if<tir::IndexBinary>(&index->node)) {
    return ApplyIndexOp(func, index->location, b->op, EvaluateIndex(func, b->lhs, vars),
                        EvaluateIndex(func, b->rhs, vars));
  }
  Internal(func, index->location, kLoweredIndex);
}

// ---- IndexProgram ----

IndexProgram::IndexProgram(const tir::PrimFunc& func, const tir::Index& index, const VarState& vars) : func_(&func) {
  Emit(func, index, vars, 1);
  stack_.resize(max_depth_);
}

void IndexProgram::Emit(const tir::PrimFunc& func, const tir::Index& index, const VarState& vars, uint32_t depth) {
  if (!index) Internal(func, {}, "null index expression");
  max_depth_ = std::max(max_depth_, depth);
  if (const auto* c = std::get_if<tir::IndexConst>(&index->node)) {
    code_.push_back({Kind::Const, tir::IndexOp::Add, c->value, index->location});
  } else if (const auto* v = std::get_if<tir::IndexVar>(&index->node)) {
    CheckVar(func, index->location, v->var, vars);
    code_.push_back({Kind::Var, tir::IndexOp::Add, v->var.index, index->location});
  } else if (const auto* b = std::get_if<tir::IndexBinary>(&index->node)) {
    Emit(func, b->lhs, vars, depth);
    Emit(func, b->rhs, vars, depth + 1);
    code_.push_back({Kind::Binary, b->op, 0, index->location});
  } else {
    Internal(func, index->location, kLoweredIndex);
  }
}

int64_t IndexProgram::Run(const int64_t* vars) const {
  // Most indices under T.Parallel are a bare loop variable or a constant.
  if (code_.size() == 1) return code_[0].kind == Kind::Const ? code_[0].operand : vars[code_[0].operand];
  return RunStack(vars);
}

int64_t IndexProgram::RunStack(const int64_t* vars) const {
  int64_t* top = stack_.data();  // one past the last pushed value
  for (const Instr& instr : code_) {
    switch (instr.kind) {
      case Kind::Const: *top++ = instr.operand; break;
      case Kind::Var: *top++ = vars[instr.operand]; break;
      case Kind::Binary: {
        const int64_t rhs = *--top;
        top[-1] = ApplyIndexOp(*func_, instr.location, instr.op, top[-1], rhs);
        break;
      }
    }
  }
  return stack_[0];
}

// ---- ElementAccess ----

ElementAccess::ElementAccess(const tir::PrimFunc& func, Storage& storage, const std::vector<tir::Index>& indices,
                             tir::SourceLocation location, const VarState& vars)
    : func_(&func), storage_(&storage), has_row_(indices.size() == 2), location_(location) {
  const size_t rank = storage.buffer->shape.size();
  if (indices.size() != rank) {
    Internal(func, location, fmt::format("'{}' has rank {} but is indexed with {} indices", storage.buffer->name,
                                         rank, indices.size()));
  }
  if (has_row_) row_ = IndexProgram(func, indices[0], vars);
  col_ = IndexProgram(func, indices.back(), vars);
}

int64_t ElementAccess::Position(const int64_t* vars) const {
  const int64_t row = has_row_ ? row_.Run(vars) : 0;
  const int64_t col = col_.Run(vars);
  const Shape2D& shape = storage_->shape;
  if (row >= 0 && row < shape.rows && col >= 0 && col < shape.cols) return row * shape.cols + col;
  if (storage_->global) return -1;
  ThrowOutside(row, col);
}

void ElementAccess::ThrowOutside(int64_t row, int64_t col) const {
  const Shape2D& shape = storage_->shape;
  const std::string at = has_row_ ? fmt::format("[{}, {}]", row, col) : fmt::format("[{}]", col);
  const std::string dims = has_row_ ? fmt::format("{}x{}", shape.rows, shape.cols) : fmt::format("{}", shape.cols);
  Internal(*func_, location_, fmt::format("{}{} is outside the {} buffer (shape {})", storage_->buffer->name, at,
                                          tir::ToString(storage_->buffer->scope), dims));
}

// ---- ValueProgram ----

ValueProgram::ValueProgram(const tir::PrimFunc& func, const tir::Value& value, std::vector<Storage>& storage,
                           const VarState& vars) {
  Emit(func, value, storage, vars, 1);
  stack_.resize(max_depth_);
}

void ValueProgram::Emit(const tir::PrimFunc& func, const tir::Value& value, std::vector<Storage>& storage,
                        const VarState& vars, uint32_t depth) {
  if (!value) Internal(func, {}, "null value expression");
  max_depth_ = std::max(max_depth_, depth);
  if (const auto* c = std::get_if<tir::ValueConst>(&value->node)) {
    code_.push_back({Op::Const, static_cast<float>(c->value), 0});
  } else if (const auto* load = std::get_if<tir::ValueLoad>(&value->node)) {
    Storage& source = StorageOf(func, storage, load->buffer, value->location, "a load");
    loads_.emplace_back(func, source, load->indices, value->location, vars);
    code_.push_back({Op::Load, 0, static_cast<uint32_t>(loads_.size() - 1)});
  } else if (const auto* unary = std::get_if<tir::ValueUnary>(&value->node)) {
    Emit(func, unary->operand, storage, vars, depth);
    static constexpr Op kOps[] = {Op::Neg, Op::Exp, Op::Relu, Op::Sqrt, Op::Recip};
    const auto which = static_cast<size_t>(unary->op);
    if (which >= std::size(kOps)) Internal(func, value->location, fmt::format("unknown unary operator #{}", which));
    code_.push_back({kOps[which], 0, 0});
  } else if (const auto* binary = std::get_if<tir::ValueBinary>(&value->node)) {
    Emit(func, binary->lhs, storage, vars, depth);
    Emit(func, binary->rhs, storage, vars, depth + 1);
    static constexpr Op kOps[] = {Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Max, Op::Min};
    const auto which = static_cast<size_t>(binary->op);
    if (which >= std::size(kOps)) Internal(func, value->location, fmt::format("unknown binary operator #{}", which));
    code_.push_back({kOps[which], 0, 0});
  } else if (const auto* cast = std::get_if<tir::ValueCast>(&value->node)) {
    Emit(func, cast->operand, storage, vars, depth);
    // Values are fp32 while evaluating, so a cast to float32 changes nothing.
    if (cast->dtype == tir::DType::BFloat16) code_.push_back({Op::ToBf16, 0, 0});
  }
}

float ValueProgram::Run(const int64_t* vars) const {
  float* top = stack_.data();  // one past the last pushed value
  for (const Instr& instr : code_) {
    switch (instr.op) {
      case Op::Const: *top++ = instr.constant; break;
      case Op::Load: {
        const ElementAccess& access = loads_[instr.load];
        const int64_t position = access.Position(vars);
        *top++ = position < 0 ? 0.0f : access.storage().values[static_cast<size_t>(position)];
        break;
      }
      case Op::Neg: top[-1] = -top[-1]; break;
      case Op::Exp: top[-1] = std::exp(top[-1]); break;
      case Op::Relu: top[-1] = std::max(top[-1], 0.0f); break;
      case Op::Sqrt: top[-1] = std::sqrt(top[-1]); break;
      case Op::Recip: top[-1] = 1.0f / top[-1]; break;
      case Op::ToBf16: top[-1] = RoundToBf16(top[-1]); break;
      case Op::Add: --top; top[-1] = top[-1] + *top; break;
      case Op::Sub: --top; top[-1] = top[-1] - *top; break;
      case Op::Mul: --top; top[-1] = top[-1] * *top; break;
      case Op::Div: --top; top[-1] = top[-1] / *top; break;
      case Op::Max: --top; top[-1] = std::max(top[-1], *top); break;
      case Op::Min: --top; top[-1] = std::min(top[-1], *top); break;
    }
  }
  return stack_[0];
}

Storage& StorageOf(const tir::PrimFunc& func, std::vector<Storage>& storage, tir::BufferId id,
                   tir::SourceLocation location, const char* statement) {
  if (id.index >= storage.size()) Internal(func, location, fmt::format("{} names buffer #{}, which does not exist",
                                                                       statement, id.index));
  Storage& found = storage[id.index];
  if (!found.allocated) {
    Internal(func, location, fmt::format("{} uses '{}' before its allocation", statement, found.buffer->name));
  }
  return found;
}

}  // namespace tilesim::tile::ref
