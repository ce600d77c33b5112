#include "compiler/tile/passes/grid_to_core_grid.h"

#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

namespace {

using namespace tir;

class KernelToPersistentLoop : public StmtMutator {
 public:
  explicit KernelToPersistentLoop(PrimFunc& func) : func_(func) {}

 protected:
  using StmtMutator::Visit;
  Stmt Visit(const Stmt& self, const KernelStmt& op) override {
    const TTPartition& p = *func_.partition;
    const SourceLocation loc = self->location;
    const VarId bx = op.block_vars.at(0);
    const std::optional<VarId> by = op.block_vars.size() > 1 ? std::optional<VarId>(op.block_vars[1]) : std::nullopt;
    auto let = [&](VarId var, Index value, Stmt body) {
      return MakeStmt(LetStmt{var, std::move(value), std::move(body)}, loc);
    };
    auto add = [&](Index a, Index b) { return MakeIndexBinary(IndexOp::Add, std::move(a), std::move(b), loc); };

    if (p.mode == TTPartition::Mode::Contiguous) {
      const VarId i = NewVar(func_, "i_block");
      const VarId block = NewVar(func_, "block");
      const Index block_ref = MakeIndexVar(block, loc);
      Stmt body = op.body;
      body = let(bx, MakeIndexBinary(IndexOp::FloorMod, block_ref, MakeIndexConst(p.grid_x, loc), loc), body);
      if (by) body = let(*by, MakeIndexBinary(IndexOp::FloorDiv, block_ref, MakeIndexConst(p.grid_x, loc), loc), body);
      body = let(block, add(MakeIndexArg("block_start", loc), MakeIndexVar(i, loc)), body);
      return MakeStmt(ForStmt{i, MakeIndexArg("block_count", loc), ForKind::Serial, 1, body}, loc);
    }
    const VarId ix = NewVar(func_, "ix_block");
    Stmt body = let(bx, add(MakeIndexArg("block_x0", loc), MakeIndexVar(ix, loc)), op.body);
    body = MakeStmt(ForStmt{ix, MakeIndexConst(p.blocks_per_core_x, loc), ForKind::Serial, 1, body}, loc);
    if (by) {
      const VarId iy = NewVar(func_, "iy_block");
      body = let(*by, add(MakeIndexArg("block_y0", loc), MakeIndexVar(iy, loc)), body);
      body = MakeStmt(ForStmt{iy, MakeIndexConst(p.blocks_per_core_y, loc), ForKind::Serial, 1, body}, loc);
    }
    return body;
  }

 private:
  PrimFunc& func_;
};

}  // namespace

tir::PrimFunc GridToCoreGrid(tir::PrimFunc func, const CompileOptions&) {
  if (!func.partition) Internal("GridToCoreGrid", "no partition (LayoutAwareWorkPartitionTT must run first)");
  KernelToPersistentLoop mutator(func);
  func.body = mutator.Mutate(func.body);
  return func;
}

}  // namespace tilesim::tile
