#include "compiler/tile/passes/lower_shared_to_cb.h"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/tile/analysis/affine.h"
#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

namespace {

using namespace tir;

inline constexpr int32_t kFirstSharedCb = 0;
inline constexpr int32_t kLastSharedCb = 15;

// Rewrites tensor loads under T.Parallel into loads of a new shared buffer filled by a T.copy placed just
// before the T.Parallel.
class ParallelTensorReads : public StmtMutator {
 public:
  explicit ParallelTensorReads(PrimFunc& func) : func_(func) {}

 protected:
  using StmtMutator::Visit;
  Stmt Visit(const Stmt& self, const ParallelStmt& op) override {
    if (op.vars.size() != 2) {
      FailAt(func_, self->location, "T.Parallel must have two loop variables (rows, columns) over whole tiles");
    }
    windows_.clear();
    copies_.clear();
    parallel_ = &op;
    Stmt body = RewriteStores(op.body);
    parallel_ = nullptr;
    ParallelStmt rewritten = op;
    rewritten.body = body;
    std::vector<Stmt> seq = copies_;
    seq.push_back(MakeStmt(std::move(rewritten), self->location));
    return MakeSeq(std::move(seq), self->location);
  }

 private:
  struct Window {
    uint32_t tensor;
    Index row_base, col_base;
    std::string key;
    BufferId buffer;
  };

  Stmt RewriteStores(const Stmt& stmt) {
    if (!stmt) return stmt;
    if (const auto* seq = std::get_if<SeqStmt>(&stmt->node)) {
      std::vector<Stmt> out;
      for (const Stmt& s : seq->stmts) out.push_back(RewriteStores(s));
      return MakeSeq(std::move(out), stmt->location);
    }
    const auto* store = std::get_if<StoreStmt>(&stmt->node);
    if (!store) FailAt(func_, stmt->location, "only element assignments `X[i, j] = ...` may appear in T.Parallel");
    StoreStmt copy = *store;
    copy.value = RewriteValue(store->value);
    return MakeStmt(std::move(copy), stmt->location);
  }

  Value RewriteValue(const Value& value) {
    return std::visit(
        [&](const auto& op) -> Value {
          using T = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<T, ValueLoad>) {
            if (BufferOf(func_, op.buffer).scope != Scope::Global) return value;
            if (op.indices.size() == 1) {  // a row vector added to every row: [0, j] of a one-tile-high window
              return MakeValueLoad(WindowFor(op, value->location),
                                   {MakeIndexConst(0, value->location), MakeIndexVar(parallel_->vars[1], value->location)},
                                   value->location);
            }
            return MakeValueLoad(WindowFor(op, value->location), ParallelIndices(value->location), value->location);
          } else if constexpr (std::is_same_v<T, ValueUnary>) {
            return MakeValueUnary(op.op, RewriteValue(op.operand), value->location);
          } else if constexpr (std::is_same_v<T, ValueBinary>) {
            return MakeValueBinary(op.op, RewriteValue(op.lhs), RewriteValue(op.rhs), value->location);
          } else if constexpr (std::is_same_v<T, ValueCast>) {
            return MakeValueCast(op.dtype, RewriteValue(op.operand), value->location);
          } else {
            return value;
          }
        },
        value->node);
  }

  std::vector<Index> ParallelIndices(SourceLocation loc) const {
    return {MakeIndexVar(parallel_->vars[0], loc), MakeIndexVar(parallel_->vars[1], loc)};
  }

  // base + var with var's coefficient 1 and a tile-aligned base free of the parallel variables.
  Index BaseOf(const Index& index, VarId var, const std::string& tensor, SourceLocation loc) {
    std::optional<Affine> a = ToAffine(index);
    const bool ok = a && a->coeffs.count(var) && a->coeffs.at(var) == 1;
    if (ok) {
      Affine base = *a;
      base.coeffs.erase(var);
      bool free = true;
      for (VarId v : parallel_->vars) free &= !base.DependsOn(v);
      if (free && base.DivisibleBy(kTileDim)) return FromAffine(base, loc);
    }
    FailAt(
        func_, loc,
        fmt::format("'{}' is read in T.Parallel at an index the tile engine cannot follow: each index must be a "
                    "tile-aligned block offset plus the parallel variable ('{}'), e.g. {}[by * 128 + i, bx * 128 + j]",
                    tensor, func_.vars[var.index].name, tensor));
  }

  BufferId WindowFor(const ValueLoad& load, SourceLocation loc) {
    const Buffer& tensor = BufferOf(func_, load.buffer);
    // A rank-1 tensor read at `base + j` is a row broadcast over the block's rows: its window is one tile
    // high (the tensor is stored as one row of tiles, each with its values in row 0).
    const bool row_vector = load.indices.size() == 1 && tensor.shape.size() == 1;
    if (load.indices.size() != 2 && !row_vector) {
      FailAt(func_, loc,
             fmt::format("'{}' is read in T.Parallel with {} indices: element-wise operands are 2-D tensor "
                         "windows or rank-1 row vectors indexed by the column variable",
                         tensor.name, load.indices.size()));
    }
    Index row = row_vector ? MakeIndexConst(0, loc) : BaseOf(load.indices[0], parallel_->vars[0], tensor.name, loc);
    Index col = BaseOf(load.indices.back(), parallel_->vars[1], tensor.name, loc);
    const std::string key = fmt::format("{}[{}, {}]", load.buffer.index, Print(func_, row), Print(func_, col));
    for (const Window& w : windows_) {
      if (w.key == key) return w.buffer;
    }
    Buffer window;
    window.name = fmt::format("{}_window", tensor.name);
    for (int n = 1; std::any_of(func_.buffers.begin(), func_.buffers.end(),
                                [&](const Buffer& b) { return b.name == window.name; });
         ++n) {
      window.name = fmt::format("{}_window{}", tensor.name, n);
    }
    window.scope = Scope::Shared;
    window.shape = parallel_->extents;
    if (row_vector) window.shape[0] = kTileDim;
    window.dtype = tensor.dtype;
    window.location = loc;
    TTLayout layout;
    if (window.shape[0] % kTileDim != 0 || window.shape[1] % kTileDim != 0) {
      FailAt(func_, loc, "T.Parallel extents must be multiples of 32 (whole tiles)");
    }
    layout.tile_rows = static_cast<uint32_t>(window.shape[0] / kTileDim);
    layout.tile_cols = static_cast<uint32_t>(window.shape[1] / kTileDim);
    layout.page_size = TileSizeBytes(ToDataFormat(window.dtype));
    window.layout = layout;
    if (func_.buffers.size() == func_.buffers.capacity()) {
      FailAt(func_, loc, fmt::format("more than {} shared buffers and tensor windows", kLastSharedCb + 1));
    }
    func_.buffers.push_back(window);
    const BufferId id{static_cast<uint32_t>(func_.buffers.size() - 1)};
    CopyStmt copy;
    copy.src = row_vector ? BufferRegion{load.buffer, {col}, {window.shape[1]}}
                          : BufferRegion{load.buffer, {row, col}, parallel_->extents};
    copy.dst = BufferRegion{id, {MakeIndexConst(0, loc), MakeIndexConst(0, loc)}, window.shape};
    copies_.push_back(MakeStmt(std::move(copy), loc));
    windows_.push_back({load.buffer.index, row, col, key, id});
    return id;
  }

  PrimFunc& func_;
  const ParallelStmt* parallel_ = nullptr;
  std::vector<Window> windows_;
  std::vector<Stmt> copies_;
};

// Pipeline depth of each shared buffer: num_stages of the innermost T.Pipelined around the copy filling it.
void CollectStages(const Stmt& stmt, uint32_t stages, const PrimFunc& func, std::map<uint32_t, uint32_t>& out) {
  if (!stmt) return;
  std::visit(
      [&](const auto& op) {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, ForStmt>) {
          CollectStages(op.body, op.kind == ForKind::Pipelined ? std::max(op.num_stages, 1u) : stages, func, out);
        } else if constexpr (std::is_same_v<T, CopyStmt>) {
          if (BufferOf(func, op.dst.buffer).scope == Scope::Shared) {
            uint32_t& s = out[op.dst.buffer.index];
            s = std::max(s, stages);
          }
        } else if constexpr (std::is_same_v<T, SeqStmt>) {
          for (const Stmt& s : op.stmts) CollectStages(s, stages, func, out);
        } else if constexpr (requires { op.body; }) {
          CollectStages(op.body, stages, func, out);
        }
      },
      stmt->node);
}

}  // namespace

tir::PrimFunc LowerSharedToCB(tir::PrimFunc func, const CompileOptions&) {
  // Window buffers are added while Buffer references are held: room for them (one CB each) up front.
  func.buffers.reserve(func.buffers.size() + kLastSharedCb + 1);
  ParallelTensorReads windows(func);
  func.body = windows.Mutate(func.body);

  std::map<uint32_t, uint32_t> stages;
  CollectStages(func.body, 2, func, stages);
  int32_t next_cb = kFirstSharedCb;
  for (uint32_t i = 0; i < func.buffers.size(); ++i) {
    Buffer& buffer = func.buffers[i];
    // A shared buffer no T.copy fills from a tensor only ever names tiles computed on the core, which stay in
    // the circular buffer they were packed into (LowerTTTileIntrinsics): it needs none of its own.
    if (buffer.scope != Scope::Shared || !stages.count(i)) continue;
    if (next_cb > kLastSharedCb) {
      FailAt(func, buffer.location,
             fmt::format("more than {} shared buffers: the reader has CBs c_{}..c_{}",
                         kLastSharedCb - kFirstSharedCb + 1, kFirstSharedCb, kLastSharedCb));
    }
    buffer.cb_index = next_cb++;
    const uint32_t depth = stages.count(i) ? stages[i] : 1;
    buffer.cb_num_pages = TileCount(buffer) * depth;
  }
  return func;
}

}  // namespace tilesim::tile
