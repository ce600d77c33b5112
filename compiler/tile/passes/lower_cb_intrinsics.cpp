#include "compiler/tile/passes/lower_cb_intrinsics.h"

#include <fmt/format.h>

#include "compiler/tile/analysis/affine.h"
#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

namespace {

using namespace tir;
using bc::Intrinsic;

class CBProtocol : public StmtMutator {
 public:
  CBProtocol(PrimFunc& func, const DeviceKernel& kernel) : func_(func), kernel_(kernel) {}

 protected:
  using StmtMutator::Visit;

  Stmt Visit(const Stmt& self, const CBRegionStmt& op) override {
    const SourceLocation loc = self->location;
    const bool produce = op.access == CBAccess::Produce;
    bool reads = false, writes = false;
    ForEachStmt(op.body, [&](const Stmt& s) {
      reads |= std::holds_alternative<TileReadStmt>(s->node);
      writes |= std::holds_alternative<TileWriteStmt>(s->node);
    });
    std::vector<Stmt> seq;
    seq.push_back(
        Call(produce ? Intrinsic::cb_reserve_back : Intrinsic::cb_wait_front, {Cb(op.cb, loc), op.pages}, loc));
    Stmt body;
    if (reads || writes) {
      const VarId ptr = NewVar(func_, fmt::format("{}_l1", CbName(op.cb)));
      l1_[op.cb] = ptr;
      std::vector<Stmt> inner = {
          Mutate(op.body),
          Call(reads ? Intrinsic::noc_async_read_barrier : Intrinsic::noc_async_write_barrier, {}, loc)};
      body = MakeStmt(
          LetStmt{ptr,
                  MakeIndexCall(produce ? Intrinsic::get_write_ptr : Intrinsic::get_read_ptr, {Cb(op.cb, loc)}, loc),
                  MakeSeq(std::move(inner), loc)},
          loc);
      l1_.erase(op.cb);
    } else {
      body = Mutate(op.body);
    }
    seq.push_back(body);
    seq.push_back(Call(produce ? Intrinsic::cb_push_back : Intrinsic::cb_pop_front, {Cb(op.cb, loc), op.pages}, loc));
    return MakeSeq(std::move(seq), loc);
  }

  Stmt Visit(const Stmt& self, const McastRegionStmt& op) override {
    const SourceLocation loc = self->location;
    const std::string name = CbName(op.cb);
    auto arg = [&](const std::string& what) { return MakeIndexArg(fmt::format("{}_{}", name, what), loc); };
    const VarId ptr = NewVar(func_, fmt::format("{}_l1", name));
    const VarId sender_sem = NewVar(func_, fmt::format("{}_sender_sem_addr", name));
    const VarId receiver_sem = NewVar(func_, fmt::format("{}_receiver_sem_addr", name));
    const Index l1 = MakeIndexVar(ptr, loc);
    const Index sender = MakeIndexVar(sender_sem, loc);
    const Index receiver = MakeIndexVar(receiver_sem, loc);
    const Index dests = arg("mcast_dests");
    auto mcast_addr = [&](Index local) {
      return MakeIndexCall(Intrinsic::get_noc_multicast_addr,
                           {arg("mcast_x0"), arg("mcast_y0"), arg("mcast_x1"), arg("mcast_y1"), std::move(local)}, loc);
    };

    l1_[op.cb] = ptr;
    Stmt reads = Mutate(op.sender_body);
    l1_.erase(op.cb);
    const Index bytes = MakeIndexBinary(IndexOp::Mul, op.pages, PageSize(op.cb, loc), loc);
    Stmt send = MakeSeq({reads, Call(Intrinsic::noc_async_read_barrier, {}, loc),
                         Call(Intrinsic::noc_semaphore_wait, {sender, dests}, loc),
                         Call(Intrinsic::noc_semaphore_set, {sender, C(0, loc)}, loc),
                         Call(Intrinsic::noc_async_write_multicast, {l1, mcast_addr(l1), bytes, dests}, loc),
                         Call(Intrinsic::noc_semaphore_set, {receiver, C(1, loc)}, loc),
                         Call(Intrinsic::noc_semaphore_set_multicast, {receiver, mcast_addr(receiver), dests}, loc)},
                        loc);
    Stmt receive = MakeSeq(
        {Call(Intrinsic::noc_semaphore_set, {receiver, C(0, loc)}, loc),
         Call(Intrinsic::noc_semaphore_inc,
              {MakeIndexCall(Intrinsic::get_noc_addr, {arg("sender_x"), arg("sender_y"), sender}, loc), C(1, loc)},
              loc),
         Call(Intrinsic::noc_semaphore_wait, {receiver, C(1, loc)}, loc)},
        loc);
    Stmt body = MakeSeq({MakeStmt(IfStmt{arg("is_sender"), send, receive}, loc),
                         Call(Intrinsic::cb_push_back, {Cb(op.cb, loc), op.pages}, loc)},
                        loc);
    body = MakeStmt(LetStmt{ptr, MakeIndexCall(Intrinsic::get_write_ptr, {Cb(op.cb, loc)}, loc), body}, loc);
    body = MakeSeq({Call(Intrinsic::cb_reserve_back, {Cb(op.cb, loc), op.pages}, loc), body}, loc);
    body =
        MakeStmt(LetStmt{receiver_sem, MakeIndexCall(Intrinsic::get_semaphore, {arg("receiver_sem")}, loc), body}, loc);
    return MakeStmt(LetStmt{sender_sem, MakeIndexCall(Intrinsic::get_semaphore, {arg("sender_sem")}, loc), body}, loc);
  }

  Stmt Visit(const Stmt& self, const TileReadStmt& op) override {
    const SourceLocation loc = self->location;
    return Call(Intrinsic::noc_async_read,
                {NocAddress(op.tensor, op.tile_row, op.tile_col, loc), L1(op.cb, op.slot, loc),
                 AccessorPageSize(op.tensor, loc)},
                loc);
  }

  Stmt Visit(const Stmt& self, const TileWriteStmt& op) override {
    const SourceLocation loc = self->location;
    return Call(Intrinsic::noc_async_write,
                {L1(op.cb, op.slot, loc), NocAddress(op.tensor, op.tile_row, op.tile_col, loc),
                 AccessorPageSize(op.tensor, loc)},
                loc);
  }

 private:
  static Index C(int64_t v, SourceLocation loc) { return MakeIndexConst(v, loc); }
  static Index Cb(int32_t cb, SourceLocation loc) { return MakeIndexConst(cb, loc); }
  static Stmt Call(Intrinsic intrinsic, std::vector<Index> args, SourceLocation loc) {
    return MakeStmt(CallStmt{intrinsic, std::move(args)}, loc);
  }

  const Buffer& CbBuffer(int32_t cb) const {
    for (const Buffer& b : func_.buffers) {
      if (b.cb_index == cb) return b;
    }
    Internal("LowerCBIntrinsics", fmt::format("no buffer holds c_{}", cb));
  }
  std::string CbName(int32_t cb) const {
    std::string name = CbBuffer(cb).name;
    for (char& ch : name) {
      if (ch == '.') ch = '_';
    }
    return name;
  }
  Index PageSize(int32_t cb, SourceLocation loc) const { return C(CbBuffer(cb).layout->page_size, loc); }

  Index L1(int32_t cb, const Index& slot, SourceLocation loc) const {
    auto it = l1_.find(cb);
    if (it == l1_.end())
      Internal("LowerCBIntrinsics", fmt::format("a tile transfer of c_{} outside its CB region", cb));
    return Simplify(MakeIndexBinary(IndexOp::Add, MakeIndexVar(it->second, loc),
                                    MakeIndexBinary(IndexOp::Mul, slot, PageSize(cb, loc), loc), loc));
  }

  uint32_t AccessorOffset(BufferId tensor) const {
    auto it = kernel_.accessor_offsets.find(tensor.index);
    if (it == kernel_.accessor_offsets.end()) Internal("LowerCBIntrinsics", "tensor without TensorAccessorArgs");
    return it->second;
  }
  // The page size the tensor's TensorAccessorArgs carry: get_compile_time_arg_val(offset + 1).
  Index AccessorPageSize(BufferId tensor, SourceLocation loc) const {
    return MakeIndexCompileTimeArg(AccessorOffset(tensor) + 1, loc);
  }
  // TensorAccessor(TensorAccessorArgs<offset>(), NAME_addr).get_noc_addr(row * tile_cols + col), in the flat
  // form the Metalium front end gives that expression.
  Index NocAddress(BufferId tensor, const Index& row, const Index& col, SourceLocation loc) const {
    const Buffer& t = BufferOf(func_, tensor);
    const uint32_t offset = AccessorOffset(tensor);
    Index page = Simplify(
        MakeIndexBinary(IndexOp::Add, MakeIndexBinary(IndexOp::Mul, row, C(t.layout->tile_cols, loc), loc), col, loc));
    Index is_dram = MakeIndexBinary(
        IndexOp::Ne, MakeIndexBinary(IndexOp::BitAnd, MakeIndexCompileTimeArg(offset, loc), C(2, loc), loc), C(0, loc),
        loc);
    return MakeIndexCall(Intrinsic::get_noc_addr_interleaved,
                         {page, MakeIndexArg(t.name + "_addr", loc), AccessorPageSize(tensor, loc), is_dram, C(0, loc)},
                         loc);
  }

  PrimFunc& func_;
  const DeviceKernel& kernel_;
  std::map<int32_t, VarId> l1_;
};

}  // namespace

tir::PrimFunc LowerCBIntrinsics(tir::PrimFunc func, const CompileOptions&) {
  for (size_t k = 0; k < func.kernels.size(); ++k) {
    const DeviceKernel snapshot = func.kernels[k];
    CBProtocol mutator(func, snapshot);
    Stmt body = mutator.Mutate(snapshot.body);
    bool mcast = false;
    ForEachStmt(snapshot.body, [&](const Stmt& s) { mcast |= std::holds_alternative<McastRegionStmt>(s->node); });
    if (mcast) {  // multicasts still in flight must land before the kernel ends
      body = MakeSeq({body, MakeStmt(CallStmt{Intrinsic::noc_async_write_barrier, {}})});
    }
    func.kernels[k].body = body;
  }
  return func;
}

}  // namespace tilesim::tile
