#include "compiler/tile/passes/coarsen_blocks.h"

#include <fmt/format.h>

#include <array>
#include <map>

#include "compiler/tile/analysis/affine.h"
#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

namespace {

using namespace tir;

enum class Axis : uint8_t { Unknown, None, Row, Col };  // what a buffer dimension follows: by, bx, or neither

struct NotFusible {
  std::string why;
};

class Analysis {
 public:
  Analysis(const PrimFunc& func, VarId bx, std::optional<VarId> by) : func_(func), bx_(bx), by_(by) {}

  std::map<uint32_t, std::array<Axis, 2>> axes;

  void Run(const Stmt& body) {
    for (int round = 0; round < 4; ++round) Walk(body);  // gemm and T.Parallel propagate between buffers
  }

 private:
  void Merge(uint32_t buffer, size_t dim, Axis axis) {
    if (axis == Axis::Unknown) return;
    Axis& a = axes[buffer][dim];
    if (a != Axis::Unknown && a != axis) {
      throw NotFusible{
          fmt::format("'{}' dimension {} follows both the block row and column", func_.buffers[buffer].name, dim)};
    }
    a = axis;
  }
  Axis Get(uint32_t buffer, size_t dim) {
    auto it = axes.find(buffer);
    return it == axes.end() ? Axis::Unknown : it->second[dim];
  }

  // The axis an offset `by * extent + rest` / `bx * extent + rest` / `rest` follows.
  Axis OffsetAxis(const Index& offset, int64_t extent) {
    std::optional<Affine> a = ToAffine(offset);
    if (!a) throw NotFusible{"a block offset that is not linear"};
    const int64_t cy = by_ && a->coeffs.count(*by_) ? a->coeffs.at(*by_) : 0;
    const int64_t cx = a->coeffs.count(bx_) ? a->coeffs.at(bx_) : 0;
    if (cy && cx) throw NotFusible{"an offset using both block indices"};
    if (cy) {
      if (cy != extent) throw NotFusible{"a block-row offset that is not a multiple of the block extent"};
      return Axis::Row;
    }
    if (cx) {
      if (cx != extent) throw NotFusible{"a block-column offset that is not a multiple of the block extent"};
      return Axis::Col;
    }
    return Axis::None;
  }

  void Walk(const Stmt& stmt) {
    ForEachStmt(stmt, [&](const Stmt& s) {
      if (const auto* copy = std::get_if<CopyStmt>(&s->node)) {
        const bool src_global = func_.buffers[copy->src.buffer.index].scope == Scope::Global;
        const bool dst_global = func_.buffers[copy->dst.buffer.index].scope == Scope::Global;
        if (src_global == dst_global) throw NotFusible{"a T.copy between two tensors or two on-chip buffers"};
        const BufferRegion& g = src_global ? copy->src : copy->dst;
        const BufferId onchip = src_global ? copy->dst.buffer : copy->src.buffer;
        const Buffer& b = func_.buffers[onchip.index];
        if (g.offsets.size() != 2 || b.shape.size() != 2) throw NotFusible{"a T.copy that is not 2-D"};
        for (size_t d = 0; d < 2; ++d) Merge(onchip.index, d, OffsetAxis(g.offsets[d], b.shape[d]));
      } else if (const auto* gemm = std::get_if<GemmStmt>(&s->node)) {
        const size_t am = gemm->transpose_a ? 1 : 0, ak = 1 - am;
        const size_t bn = gemm->transpose_b ? 0 : 1, bk = 1 - bn;
        Merge(gemm->a.index, ak, Axis::None);
        Merge(gemm->b.index, bk, Axis::None);
        Merge(gemm->c.index, 0, Get(gemm->a.index, am));
        Merge(gemm->a.index, am, Get(gemm->c.index, 0));
        Merge(gemm->c.index, 1, Get(gemm->b.index, bn));
        Merge(gemm->b.index, bn, Get(gemm->c.index, 1));
      } else if (const auto* par = std::get_if<ParallelStmt>(&s->node)) {
        if (par->vars.size() != 2) throw NotFusible{"a T.Parallel that is not 2-D"};
        std::array<Axis, 2> dims = {Axis::Unknown, Axis::Unknown};
        std::vector<std::pair<uint32_t, const std::vector<Index>*>> accesses;
        ForEachStmt(par->body, [&](const Stmt& inner) {
          if (const auto* store = std::get_if<StoreStmt>(&inner->node)) {
            accesses.push_back({store->buffer.index, &store->indices});
            CollectLoads(store->value, accesses);
          }
        });
        for (const auto& [buffer, indices] : accesses) {
          const Buffer& b = func_.buffers[buffer];
          if (indices->size() != 2) throw NotFusible{"a T.Parallel access that is not 2-D"};
          for (size_t d = 0; d < 2; ++d) {
            Axis axis = Axis::Unknown;
            if (b.scope == Scope::Global) {
              std::optional<Affine> a = ToAffine((*indices)[d]);
              if (!a || !a->DependsOn(par->vars[d])) throw NotFusible{"a T.Parallel tensor read off its block"};
              a->coeffs.erase(par->vars[d]);
              axis = OffsetAxis(FromAffine(*a), par->extents[d]);
            } else {
              if (b.shape[d] != par->extents[d]) throw NotFusible{"a T.Parallel over part of a buffer"};
              axis = Get(buffer, d);
            }
            if (axis != Axis::Unknown) {
              if (dims[d] != Axis::Unknown && dims[d] != axis) throw NotFusible{"T.Parallel operands disagree"};
              dims[d] = axis;
            }
          }
        }
        for (const auto& [buffer, indices] : accesses) {
          (void)indices;
          if (func_.buffers[buffer].scope == Scope::Global) continue;
          for (size_t d = 0; d < 2; ++d) Merge(buffer, d, dims[d]);
        }
        parallel_axes[s.get()] = dims;
      }
    });
  }

  void CollectLoads(const Value& v, std::vector<std::pair<uint32_t, const std::vector<Index>*>>& out) {
    if (const auto* l = std::get_if<ValueLoad>(&v->node)) out.push_back({l->buffer.index, &l->indices});
    if (const auto* u = std::get_if<ValueUnary>(&v->node)) CollectLoads(u->operand, out);
    if (const auto* b = std::get_if<ValueBinary>(&v->node)) {
      CollectLoads(b->lhs, out);
      CollectLoads(b->rhs, out);
    }
    if (const auto* c = std::get_if<ValueCast>(&v->node)) CollectLoads(c->operand, out);
  }

  const PrimFunc& func_;
  VarId bx_;
  std::optional<VarId> by_;

 public:
  std::map<const StmtNode*, std::array<Axis, 2>> parallel_axes;
};

// Rewrites the kernel body for the fused block.
class Fuse : public StmtMutator {
 public:
  Fuse(const PrimFunc& func, const Analysis& analysis, VarId bx, std::optional<VarId> by, uint32_t fx, uint32_t fy)
      : func_(func), analysis_(analysis), bx_(bx), by_(by), fx_(fx), fy_(fy) {}

  Index MutateIndex(const Index& index) override {
    return RewriteIndex(index, [&](const Index& node) -> Index {
      const auto* v = std::get_if<IndexVar>(&node->node);
      if (!v) return node;
      const int64_t f = v->var == bx_ ? fx_ : (by_ && v->var == *by_) ? fy_ : 1;
      if (f == 1) return node;
      return MakeIndexBinary(IndexOp::Mul, node, MakeIndexConst(f, node->location), node->location);
    });
  }

 protected:
  using StmtMutator::Visit;
  Stmt Visit(const Stmt& self, const CopyStmt& op) override {
    CopyStmt copy = op;
    const bool src_global = func_.buffers[op.src.buffer.index].scope == Scope::Global;
    const BufferId onchip = src_global ? op.dst.buffer : op.src.buffer;
    for (BufferRegion* region : {&copy.src, &copy.dst}) {
      for (Index& offset : region->offsets) offset = MutateIndex(offset);
      for (size_t d = 0; d < region->extents.size() && d < 2; ++d) region->extents[d] *= Factor(onchip.index, d);
    }
    return MakeStmt(std::move(copy), self->location);
  }
  Stmt Visit(const Stmt& self, const ParallelStmt& op) override {
    ParallelStmt copy = op;
    const auto& axes = analysis_.parallel_axes.at(self.get());
    for (size_t d = 0; d < 2; ++d) copy.extents[d] *= FactorOf(axes[d]);
    copy.body = RewriteLoads(op.body);
    return MakeStmt(std::move(copy), self->location);
  }

 private:
  int64_t FactorOf(Axis axis) const { return axis == Axis::Row ? fy_ : axis == Axis::Col ? fx_ : 1; }
  int64_t Factor(uint32_t buffer, size_t d) const {
    auto it = analysis_.axes.find(buffer);
    return it == analysis_.axes.end() ? 1 : FactorOf(it->second[d]);
  }
  Value RewriteValue(const Value& v) {
    const SourceLocation loc = v->location;
    if (const auto* l = std::get_if<ValueLoad>(&v->node)) {
      std::vector<Index> indices;
      for (const Index& i : l->indices) indices.push_back(MutateIndex(i));
      return MakeValueLoad(l->buffer, std::move(indices), loc);
    }
    if (const auto* u = std::get_if<ValueUnary>(&v->node)) return MakeValueUnary(u->op, RewriteValue(u->operand), loc);
    if (const auto* b = std::get_if<ValueBinary>(&v->node)) {
      return MakeValueBinary(b->op, RewriteValue(b->lhs), RewriteValue(b->rhs), loc);
    }
    if (const auto* c = std::get_if<ValueCast>(&v->node)) return MakeValueCast(c->dtype, RewriteValue(c->operand), loc);
    return v;
  }
  Stmt RewriteLoads(const Stmt& stmt) {
    if (!stmt) return stmt;
    if (const auto* seq = std::get_if<SeqStmt>(&stmt->node)) {
      std::vector<Stmt> out;
      for (const Stmt& s : seq->stmts) out.push_back(RewriteLoads(s));
      return MakeSeq(std::move(out), stmt->location);
    }
    if (const auto* store = std::get_if<StoreStmt>(&stmt->node)) {
      StoreStmt copy = *store;
      for (Index& i : copy.indices) i = MutateIndex(i);
      copy.value = RewriteValue(store->value);
      return MakeStmt(std::move(copy), stmt->location);
    }
    return stmt;
  }

  const PrimFunc& func_;
  const Analysis& analysis_;
  VarId bx_;
  std::optional<VarId> by_;
  int64_t fx_, fy_;
};

// Rough L1 bytes of the fused program's circular buffers: every on-chip buffer double-buffered, and three
// copies of each fragment (partial sums, packed result, and its output), in the fragment's dtype.
uint64_t EstimateL1(const PrimFunc& func) {
  uint64_t bytes = 0;
  for (const Buffer& b : func.buffers) {
    if (b.scope == Scope::Global || b.shape.size() != 2) continue;
    const uint64_t tiles = static_cast<uint64_t>((b.shape[0] + 31) / 32) * ((b.shape[1] + 31) / 32);
    bytes += tiles * TileSizeBytes(ToDataFormat(b.dtype)) * (b.scope == Scope::Fragment ? 3 : 2);
  }
  return bytes;
}

}  // namespace

bool CoarsenBlocks(tir::PrimFunc& func, uint32_t fx, uint32_t fy, uint64_t l1_budget, std::string& why_not) {
  const StmtNode* kernel_node = nullptr;
  ForEachStmt(func.body, [&](const Stmt& s) {
    if (std::holds_alternative<KernelStmt>(s->node)) kernel_node = s.get();
  });
  if (!kernel_node) {
    why_not = "no T.Kernel";
    return false;
  }
  const KernelStmt& kernel = std::get<KernelStmt>(kernel_node->node);
  const VarId bx = kernel.block_vars.at(0);
  const std::optional<VarId> by =
      kernel.block_vars.size() > 1 ? std::optional<VarId>(kernel.block_vars[1]) : std::nullopt;
  Analysis analysis(func, bx, by);
  try {
    analysis.Run(kernel.body);
  } catch (const NotFusible& e) {
    why_not = e.why;
    return false;
  }
  PrimFunc fused = func;
  for (auto& [buffer, dims] : analysis.axes) {
    Buffer& b = fused.buffers[buffer];
    for (size_t d = 0; d < 2; ++d) {
      b.shape[d] *= dims[d] == Axis::Row ? fy : dims[d] == Axis::Col ? fx : 1;
    }
    if (b.layout) {  // PropagateTTLayout ran before: the tile shape follows the new shape
      b.layout->tile_rows = static_cast<uint32_t>(b.shape[0] / kTileDim);
      b.layout->tile_cols = static_cast<uint32_t>(b.shape[1] / kTileDim);
    }
  }
  if (EstimateL1(fused) > l1_budget) {
    why_not = fmt::format("the fused block's buffers would need about {} KiB of L1", EstimateL1(fused) / 1024);
    return false;
  }
  Fuse fuse(fused, analysis, bx, by, fx, fy);
  KernelStmt rewritten = kernel;
  rewritten.body = fuse.Mutate(kernel.body);
  rewritten.grid[0] /= fx;
  if (rewritten.grid.size() > 1) rewritten.grid[1] /= fy;
  // Put the rewritten T.Kernel where the old one was.
  struct Replace : StmtMutator {
    const StmtNode* old_node;
    Stmt replacement;
    Stmt Mutate(const Stmt& stmt) override { return stmt.get() == old_node ? replacement : StmtMutator::Mutate(stmt); }
  } replace;
  replace.old_node = kernel_node;
  replace.replacement = MakeStmt(std::move(rewritten), kernel_node->location);
  fused.body = replace.Mutate(func.body);
  func = std::move(fused);
  return true;
}

}  // namespace tilesim::tile
