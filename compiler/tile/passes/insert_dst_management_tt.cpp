#include "compiler/tile/passes/insert_dst_management_tt.h"

#include "compiler/tile/ir/mutator.h"

namespace tilesim::tile {

namespace {

using namespace tir;
using bc::Intrinsic;

class DstHandshake : public StmtMutator {
 protected:
  using StmtMutator::Visit;
  Stmt Visit(const Stmt& self, const DstRegionStmt& op) override {
    const SourceLocation loc = self->location;
    auto call = [&](Intrinsic i) { return MakeStmt(CallStmt{i, {}}, loc); };
    return MakeSeq({call(Intrinsic::tile_regs_acquire), Mutate(op.math), call(Intrinsic::tile_regs_commit),
                    call(Intrinsic::tile_regs_wait), Mutate(op.pack), call(Intrinsic::tile_regs_release)},
                   loc);
  }
};

}  // namespace

tir::PrimFunc InsertDSTManagementTT(tir::PrimFunc func, const CompileOptions&) {
  for (DeviceKernel& kernel : func.kernels) {
    DstHandshake mutator;
    kernel.body = mutator.Mutate(kernel.body);
  }
  return func;
}

}  // namespace tilesim::tile
