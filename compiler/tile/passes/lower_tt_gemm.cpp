// TileLowering (tile_lowering.h): T.gemm, as matmul_tiles over the block's tiles accumulating in DST, or for
// a fragment larger than DST sub-block by sub-block; transposed A operands through transpose_wh_tile.
#include <fmt/format.h>

#include "compiler/tile/analysis/affine.h"
#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/tile_lowering.h"

namespace tilesim::tile::lowering {

Stmt TileLowering::LowerGemm(const GemmStmt& op, SourceLocation loc) {
  const Buffer& a = Buf(op.a);
  const Buffer& b = Buf(op.b);
  const Buffer& c = Buf(op.c);
  for (const Buffer* operand : {&a, &b}) {
    if (operand->scope != Scope::Shared) {
      FailAt(func_, loc,
             fmt::format("T.gemm operand '{}' must be a T.alloc_shared buffer filled by T.copy", operand->name));
    }
  }
  if (frags_[op.c.index].kind != FragState::Kind::Dst) {
    Internal("LowerTTTileIntrinsics", "T.gemm outside its DST region");
  }
  auto origin_a = pending_.find(op.a.index);
  if (origin_a == pending_.end() || !pending_.count(op.b.index)) {
    FailAt(func_, loc,
           fmt::format("T.gemm reads '{}' before T.copy filled it", origin_a == pending_.end() ? a.name : b.name));
  }
  // A's tiles as the matmul reads them: (mb x kb), i.e. A_shared's, or its transpose's with transpose_A.
  const uint32_t mb = op.transpose_a ? a.layout->tile_cols : a.layout->tile_rows;
  const uint32_t kb = op.transpose_a ? a.layout->tile_rows : a.layout->tile_cols;
  const uint32_t nb = op.transpose_b ? b.layout->tile_rows : b.layout->tile_cols;
  const uint32_t kb_b = op.transpose_b ? b.layout->tile_cols : b.layout->tile_rows;
  if (kb != kb_b || c.layout->tile_rows != mb || c.layout->tile_cols != nb) {
    FailAt(func_, loc,
           fmt::format("T.gemm shapes do not agree: {} is {}x{}{}, {} is {}x{}{}, {} is {}x{}", a.name, a.shape[0],
                       a.shape[1], op.transpose_a ? " (transposed)" : "", b.name, b.shape[0], b.shape[1],
                       op.transpose_b ? " (transposed)" : "", c.name, c.shape[0], c.shape[1]));
  }
  const Origin origin = origin_a->second;
  // K runs along A's columns (its rows with transpose_A): the tile index that may pass the tensor's end.
  const Index k_base = op.transpose_a ? origin.row_base : origin.col_base;
  const uint32_t k_limit = op.transpose_a ? Buf(origin.tensor).layout->tile_rows : Buf(origin.tensor).layout->tile_cols;
  // With transpose_A the tiles of A_shared are first transposed through DST into a circular buffer of A^T.
  const int32_t cb_a = op.transpose_a ? TransposedCb(op.a, loc) : a.cb_index;
  const int32_t cb_b = b.cb_index;
  const uint32_t transpose = op.transpose_b ? 1 : 0;
  // matmul_tiles over the h x w tiles of C at tile (r0, c0) into DST 0 .. h*w-1.
  auto matmuls = [&](Index r0, Index c0, uint32_t h, uint32_t w) {
    return For("kk", kb, loc, [&](Index kk) {
      Stmt inner = For("i", h, loc, [&](Index i) {
        return For("j", w, loc, [&](Index j) {
          Index row = Add(r0, i, loc), col = Add(c0, j, loc);
          Index a_tile = Add(Mul(row, kb, loc), kk, loc);
          Index b_tile = op.transpose_b ? Add(Mul(col, kb, loc), kk, loc) : Add(Mul(kk, nb, loc), col, loc);
          Index dst = Add(Mul(i, w, loc), j, loc);
          return Call(Intrinsic::matmul_tiles, {C(cb_a, loc), C(cb_b, loc), a_tile, b_tile, dst, C(transpose, loc)},
                      loc);
        });
      });
      return GuardTile(Add(k_base, kk, loc), k_limit, inner, loc);
    });
  };
  Stmt loops =
      spill_ && spill_->frag == op.c ? SpilledMatmuls(mb, nb, matmuls, loc) : matmuls(C(0, loc), C(0, loc), mb, nb);
  pending_.erase(op.a.index);
  pending_.erase(op.b.index);
  Stmt region =
      MakeStmt(CBRegionStmt{cb_b, C(b.layout->tile_rows * b.layout->tile_cols, loc), CBAccess::Consume, loops}, loc);
  region = MakeStmt(CBRegionStmt{cb_a, C(mb * kb, loc), CBAccess::Consume, region}, loc);
  if (!op.transpose_a) return region;
  // A^T tile (i, kk) is A_shared's tile (kk, i) transposed: transpose_wh_tile, then pack in (i, kk) order.
  Stmt transposes = For("i", mb, loc, [&](Index i) {
    return For("kk", kb, loc, [&](Index kk) {
      Stmt math =
          Call(Intrinsic::transpose_wh_tile, {C(a.cb_index, loc), Add(Mul(kk, mb, loc), i, loc), C(0, loc)}, loc);
      Stmt pack = Call(Intrinsic::pack_tile, {C(0, loc), C(cb_a, loc)}, loc);
      return MakeStmt(DstRegionStmt{math, pack}, loc);
    });
  });
  transposes = MakeStmt(CBRegionStmt{cb_a, C(mb * kb, loc), CBAccess::Produce, transposes}, loc);
  transposes = MakeStmt(CBRegionStmt{a.cb_index, C(mb * kb, loc), CBAccess::Consume, transposes}, loc);
  return MakeSeq({transposes, region}, loc);
}

int32_t TileLowering::TransposedCb(BufferId a, SourceLocation loc) {
  auto it = transposed_cb_.find(a.index);
  if (it != transposed_cb_.end()) return it->second;
  const Buffer& src = Buf(a);
  Buffer like = src;
  std::swap(like.shape[0], like.shape[1]);
  like.layout->tile_rows = src.layout->tile_cols;
  like.layout->tile_cols = src.layout->tile_rows;
  const int32_t cb = NewCb(fmt::format("{}.T", src.name), src.dtype, like, 1, loc);
  transposed_cb_[a.index] = cb;
  return cb;
}

Stmt TileLowering::SpilledMatmuls(uint32_t mb, uint32_t nb,
                                  const std::function<Stmt(Index, Index, uint32_t, uint32_t)>& matmuls,
                                  SourceLocation loc) {
  const Spill& spill = *spill_;
  const auto [h, w] = Subblock(mb, nb);
  const Index k = spill.k ? MakeIndexVar(*spill.k, loc) : nullptr;
  auto subblocks = [&](bool last) {
    return For("sr", mb / h, loc, [&](Index sr) {
      return For("sc", nb / w, loc, [&](Index sc) {
        const Index r0 = Mul(sr, h, loc), c0 = Mul(sc, w, loc);
        std::vector<Stmt> math;
        if (k) {
          Stmt reload = For("d", h * w, loc, [&](Index d) {
            return Call(Intrinsic::copy_tile, {C(spill.partial_cb, loc), d, d}, loc);
          });
          reload = MakeStmt(CBRegionStmt{spill.partial_cb, C(h * w, loc), CBAccess::Consume, reload}, loc);
          math.push_back(MakeStmt(IfStmt{MakeIndexBinary(IndexOp::Ne, k, C(0, loc), loc), reload, nullptr}, loc));
        }
        math.push_back(matmuls(r0, c0, h, w));
        Stmt pack;
        if (!last) {
          pack = For("d", h * w, loc, [&](Index d) {
            return Call(Intrinsic::pack_tile, {d, C(spill.partial_cb, loc)}, loc);
          });
          pack = MakeStmt(CBRegionStmt{spill.partial_cb, C(h * w, loc), CBAccess::Produce, pack}, loc);
        } else if (spill.final_cb >= 0) {
          pack = For("i", h, loc, [&](Index i) {
            return For("j", w, loc, [&](Index j) {
              Index slot = Add(Mul(Add(r0, i, loc), nb, loc), Add(c0, j, loc), loc);
              return Call(Intrinsic::pack_tile_out_of_order,
                          {Add(Mul(i, w, loc), j, loc), C(spill.final_cb, loc), slot}, loc);
            });
          });
        }
        return MakeStmt(DstRegionStmt{MakeSeq(std::move(math), loc), pack}, loc);
      });
    });
  };
  Stmt last = subblocks(true);
  if (spill.final_cb >= 0) last = MakeStmt(CBRegionStmt{spill.final_cb, C(mb * nb, loc), CBAccess::Produce, last}, loc);
  if (!k) return last;
  const Index not_last =
      MakeIndexBinary(IndexOp::Lt, MakeIndexBinary(IndexOp::Add, k, C(1, loc), loc), spill.extent, loc);
  return MakeStmt(IfStmt{not_last, subblocks(false), last}, loc);
}

}  // namespace tilesim::tile::lowering
