#include "compiler/tile/passes/lower_tt_tile_intrinsics.h"

#include <fmt/format.h>

#include <set>

#include "compiler/tile/analysis/affine.h"
#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/tile_lowering.h"

namespace tilesim::tile {
namespace lowering {
namespace {

enum class Use : uint8_t { None, CopyOut, CopyOnChip, ReadInParallel, OverwriteInParallel, Gemm };

// The first statement of `stmts` that uses `buffer`, and how.
Use FirstUse(const PrimFunc& func, const std::vector<Stmt>& stmts, BufferId buffer, BufferId* copy_target) {
  Use found = Use::None;
  auto loads = [&](const Value& v, auto&& self) -> bool {
    if (!v) return false;
    if (const auto* l = std::get_if<ValueLoad>(&v->node)) return l->buffer == buffer;
    if (const auto* u = std::get_if<ValueUnary>(&v->node)) return self(u->operand, self);
    if (const auto* b = std::get_if<ValueBinary>(&v->node)) return self(b->lhs, self) || self(b->rhs, self);
    if (const auto* c = std::get_if<ValueCast>(&v->node)) return self(c->operand, self);
    return false;
  };
  for (const Stmt& stmt : stmts) {
    ForEachStmt(stmt, [&](const Stmt& s) {
      if (found != Use::None) return;
      if (const auto* copy = std::get_if<CopyStmt>(&s->node)) {
        if (copy->src.buffer == buffer) {
          found = BufferOf(func, copy->dst.buffer).scope == Scope::Global ? Use::CopyOut : Use::CopyOnChip;
          if (copy_target) *copy_target = copy->dst.buffer;
        }
      } else if (const auto* gemm = std::get_if<GemmStmt>(&s->node)) {
        if (gemm->c == buffer) found = Use::Gemm;
      } else if (const auto* par = std::get_if<ParallelStmt>(&s->node)) {
        bool reads = false, writes = false;
        ForEachStmt(par->body, [&](const Stmt& inner) {
          if (const auto* store = std::get_if<StoreStmt>(&inner->node)) {
            reads |= loads(store->value, loads);
            writes |= store->buffer == buffer;
          }
        });
        if (reads)
          found = Use::ReadInParallel;
        else if (writes)
          found = Use::OverwriteInParallel;
      }
    });
    if (found != Use::None) return found;
  }
  return found;
}

// Fragments accumulated by a T.gemm anywhere in `stmt`.
std::set<uint32_t> AccumulatedFragments(const Stmt& stmt) {
  std::set<uint32_t> out;
  ForEachStmt(stmt, [&](const Stmt& s) {
    if (const auto* gemm = std::get_if<GemmStmt>(&s->node)) out.insert(gemm->c.index);
  });
  return out;
}

}  // namespace

TileLowering::TileLowering(PrimFunc& func, const CompileOptions& options) : func_(func), options_(options) {
  // The lowering holds Buffer references while it adds buffers for new circular buffers (at most 32): room
  // for all of them up front keeps those references valid.
  func.buffers.reserve(func.buffers.size() + kMaxCb + 1);
  const TTPartition& p = *func.partition;
  if (!p.block_vars.empty()) ranges_.Set(p.block_vars[0], 0, p.grid_x - 1);
  if (p.block_vars.size() > 1) ranges_.Set(p.block_vars[1], 0, p.grid_y - 1);
}

Stmt TileLowering::Run(const Stmt& body) {
  Stmt lowered = Lower(body, {});
  for (const auto& [buffer, origin] : pending_) {
    (void)origin;
    const Buffer& b = Buf(BufferId{buffer});
    FailAt(func_, b.location, fmt::format("'{}' is filled by T.copy but never used", b.name));
  }
  return lowered;
}

int32_t TileLowering::NewCb(const std::string& name, DType dtype, const Buffer& like, uint32_t depth,
                            SourceLocation loc) {
  if (next_cb_ > kMaxCb) FailAt(func_, loc, "the kernel needs more than 32 circular buffers");
  if (func_.buffers.size() == func_.buffers.capacity()) Internal("LowerTTTileIntrinsics", "buffer table full");
  Buffer b;
  b.name = name;
  b.scope = Scope::Fragment;
  b.shape = like.shape;
  b.dtype = dtype;
  b.location = loc;
  TTLayout layout = *like.layout;
  layout.page_size = TileSizeBytes(ToDataFormat(dtype));
  b.layout = layout;
  b.cb_index = next_cb_++;
  b.cb_num_pages = TileCount(b) * depth;
  func_.buffers.push_back(b);
  cb_dtype_[b.cb_index] = dtype;
  return b.cb_index;
}

int32_t TileLowering::ScratchCb(uint32_t depth, SourceLocation loc) {
  while (scratch_.size() <= depth) {
    if (next_cb_ > kMaxCb) FailAt(func_, loc, "the kernel needs more than 32 circular buffers");
    if (func_.buffers.size() == func_.buffers.capacity()) Internal("LowerTTTileIntrinsics", "buffer table full");
    Buffer b;
    b.name = fmt::format("scratch{}", scratch_.size());
    b.scope = Scope::Fragment;
    b.shape = {kTileDim, kTileDim};
    b.dtype = DType::Float32;
    b.location = loc;
    b.layout = TTLayout{true, false, 1, 1, TileSizeBytes(DataFormat::Float32)};
    b.cb_index = next_cb_++;
    b.cb_num_pages = 1;
    func_.buffers.push_back(b);
    scratch_.push_back(b.cb_index);
  }
  return scratch_[depth];
}

Stmt TileLowering::Lower(const Stmt& stmt, const std::vector<Stmt>& rest) {
  if (!stmt) return stmt;
  const SourceLocation loc = stmt->location;
  return std::visit(
      [&](const auto& op) -> Stmt {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, SeqStmt>) {
          return LowerSeq(op.stmts, loc);
        } else if constexpr (std::is_same_v<T, ForStmt>) {
          std::optional<Affine> extent = ToAffine(op.extent);
          if (extent && extent->IsConstant()) ranges_.Set(op.var, 0, extent->constant - 1);
          ForStmt copy = op;
          copy.body = Lower(op.body, {});
          return MakeStmt(std::move(copy), loc);
        } else if constexpr (std::is_same_v<T, LetStmt>) {
          return MakeStmt(LetStmt{op.var, op.value, Lower(op.body, rest)}, loc);
        } else if constexpr (std::is_same_v<T, AllocStmt>) {
          if (Buf(op.buffer).scope == Scope::Fragment) frags_[op.buffer.index] = {};
          return nullptr;
        } else if constexpr (std::is_same_v<T, FillStmt>) {
          if (Buf(op.buffer).scope != Scope::Fragment || op.value != 0.0) {
            FailAt(func_, loc,
                   fmt::format("unsupported: T.fill of '{}' with {} (only T.clear / T.fill(.., 0) of an "
                               "accumulator fragment)",
                               Buf(op.buffer).name, op.value));
          }
          frags_[op.buffer.index] = {FragState::Kind::Zero, -1};
          return nullptr;
        } else if constexpr (std::is_same_v<T, CopyStmt>) {
          return LowerCopy(op, loc);
        } else if constexpr (std::is_same_v<T, GemmStmt>) {
          return LowerGemm(op, loc);
        } else if constexpr (std::is_same_v<T, ParallelStmt>) {
          return LowerParallel(op, rest, loc);
        } else if constexpr (std::is_same_v<T, KernelStmt>) {
          Internal("LowerTTTileIntrinsics", "T.Kernel left (GridToCoreGrid must run first)");
        } else {
          return stmt;
        }
      },
      stmt->node);
}

Stmt TileLowering::LowerSeq(const std::vector<Stmt>& stmts, SourceLocation loc) {
  std::vector<Stmt> out;
  for (size_t e = 0; e < stmts.size(); ++e) {
    const Stmt& s = stmts[e];
    const std::vector<Stmt> rest(stmts.begin() + static_cast<std::ptrdiff_t>(e) + 1, stmts.end());
    const std::set<uint32_t> acc = AccumulatedFragments(s);
    if (acc.size() > 1) {
      FailAt(func_, s->location, "unsupported: T.gemm into two different fragments in one loop");
    }
    if (acc.size() == 1 && frags_[*acc.begin()].kind != FragState::Kind::Dst) {
      out.push_back(LowerDstRegion(s, BufferId{*acc.begin()}, rest));
      continue;
    }
    out.push_back(Lower(s, rest));
  }
  return MakeSeq(std::move(out), loc);
}

bool TileLowering::HasValueInCb(BufferId b) {
  auto it = frags_.find(b.index);
  return it != frags_.end() && it->second.kind == FragState::Kind::Cb;
}

int32_t TileLowering::FinalTarget(BufferId f, const std::vector<Stmt>& rest, SourceLocation loc) {
  const Buffer& frag = Buf(f);
  switch (FirstUse(func_, rest, f, nullptr)) {
    case Use::CopyOut:
    case Use::CopyOnChip:
    case Use::ReadInParallel: {
      const auto [dtype, out] = PackFormat(f, rest);
      const int32_t cb = NewCb(fmt::format("{}.{}", frag.name, out ? "out" : "acc"), dtype, frag, out ? 2 : 1, loc);
      frags_[f.index] = {FragState::Kind::Cb, cb};
      return cb;
    }
    case Use::Gemm:
      FailAt(func_, loc,
             fmt::format("unsupported: '{}' is accumulated by two separate T.gemm statements; put them in one loop",
                         frag.name));
    case Use::None:
    case Use::OverwriteInParallel:
      break;
  }
  frags_[f.index] = {};  // the accumulated value is never used
  return -1;
}

std::pair<DType, bool> TileLowering::PackFormat(BufferId b, const std::vector<Stmt>& rest) {
  for (int hops = 0; hops < 8; ++hops) {
    BufferId target;
    const Use use = FirstUse(func_, rest, b, &target);
    if (use == Use::CopyOut) return {Buf(target).dtype, true};
    if (use != Use::CopyOnChip) break;
    b = target;
  }
  return {Buf(b).dtype, false};
}

Stmt TileLowering::LowerDstRegion(const Stmt& s, BufferId f, const std::vector<Stmt>& rest) {
  const SourceLocation loc = s->location;
  const Buffer& frag = Buf(f);
  if (const auto* gemm = std::get_if<GemmStmt>(&s->node); gemm && gemm->clear_accum) {
    frags_[f.index] = {FragState::Kind::Zero, -1};
  }
  // transpose_A transposes A's tiles through DST each K step, so the sums cannot stay in DST across steps.
  bool transposes_a = false;
  ForEachStmt(s, [&](const Stmt& st) {
    if (const auto* g = std::get_if<GemmStmt>(&st->node)) transposes_a |= g->transpose_a;
  });
  if (TileCount(frag) > DstCapacity() || transposes_a) return LowerSpilled(s, f, rest);
  const FragState before = frags_[f.index];
  frags_[f.index] = {FragState::Kind::Dst, -1};
  std::vector<Stmt> math;
  if (before.kind == FragState::Kind::Cb) {  // accumulate onto a value held in a circular buffer
    const int32_t cb = before.cb;
    Stmt reload = For("d", TileCount(frag), loc, [&](Index d) {
      return Call(Intrinsic::copy_tile, {C(cb, loc), d, d}, loc);
    });
    math.push_back(MakeStmt(CBRegionStmt{cb, C(TileCount(frag), loc), CBAccess::Consume, reload}, loc));
  }
  math.push_back(Lower(s, rest));
  Stmt pack;
  if (const int32_t cb = FinalTarget(f, rest, loc); cb >= 0) {
    Stmt body = For("d", TileCount(frag), loc, [&](Index d) {
      return Call(Intrinsic::pack_tile, {d, C(cb, loc)}, loc);
    });
    pack = MakeStmt(CBRegionStmt{cb, C(TileCount(frag), loc), CBAccess::Produce, body}, loc);
  }
  return MakeStmt(DstRegionStmt{MakeSeq(std::move(math), loc), pack}, loc);
}

Stmt TileLowering::LowerSpilled(const Stmt& s, BufferId f, const std::vector<Stmt>& rest) {
  const SourceLocation loc = s->location;
  const Buffer& frag = Buf(f);
  if (frags_[f.index].kind == FragState::Kind::Cb) {
    FailAt(func_, loc,
           fmt::format("unsupported: accumulating into '{}' ({} tiles, more than DST's {}) on top of a "
                       "value it already holds",
                       frag.name, TileCount(frag), DstCapacity()));
  }
  Spill spill;
  spill.frag = f;
  if (const auto* loop = std::get_if<ForStmt>(&s->node)) {
    spill.k = loop->var;
    spill.extent = loop->extent;
  } else if (!std::holds_alternative<GemmStmt>(s->node)) {
    FailAt(func_, loc,
           fmt::format("unsupported: '{}' ({} tiles, more than DST's {}) accumulated other than by a "
                       "T.gemm in one loop",
                       frag.name, TileCount(frag), DstCapacity()));
  }
  spill.final_cb = FinalTarget(f, rest, loc);
  const FragState after = frags_[f.index];
  spill.partial_cb = NewCb(fmt::format("{}.partial", frag.name), frag.dtype, frag, 1, loc);
  spill_ = spill;
  frags_[f.index] = {FragState::Kind::Dst, -1};
  Stmt lowered = Lower(s, rest);
  spill_.reset();
  frags_[f.index] = after;
  return lowered;
}

std::pair<uint32_t, uint32_t> TileLowering::Subblock(uint32_t mb, uint32_t nb) const {
  std::pair<uint32_t, uint32_t> best{1, 1};
  for (uint32_t h = 1; h <= mb; ++h) {
    for (uint32_t w = 1; w <= nb; ++w) {
      if (mb % h || nb % w || h * w > DstCapacity()) continue;
      if (h * w > best.first * best.second || (h * w == best.first * best.second && w > best.second)) best = {h, w};
    }
  }
  return best;
}

std::pair<Index, Index> TileLowering::TileBases(const BufferRegion& region, SourceLocation loc) {
  const Buffer& tensor = Buf(region.buffer);
  std::vector<Index> bases;
  for (size_t d = 0; d < 2; ++d) {
    Index offset = region.offsets.size() == 2 ? region.offsets[d] : (d == 0 ? C(0, loc) : region.offsets.at(0));
    std::optional<Affine> a = ToAffine(offset);
    if (!a || !a->DivisibleBy(kTileDim)) {
      FailAt(func_, loc,
             fmt::format("T.copy of '{}' at offset `{}`: offsets must be multiples of 32 (whole tiles) "
                         "and linear in the block and loop indices",
                         tensor.name, Print(func_, offset)));
    }
    bases.push_back(Simplify(FromAffine(a->DividedBy(kTileDim), loc)));
  }
  return {bases[0], bases[1]};
}

Stmt TileLowering::GuardTile(const Index& tile, uint32_t limit, Stmt body, SourceLocation loc) {
  std::optional<int64_t> max = ranges_.Max(tile);
  if (max && *max < static_cast<int64_t>(limit)) return body;
  return MakeStmt(IfStmt{MakeIndexBinary(IndexOp::Lt, tile, C(limit, loc), loc), std::move(body), nullptr}, loc);
}

Stmt TileLowering::TileLoop(const Buffer& onchip, SourceLocation loc,
                            const std::function<Stmt(Index r, Index c, Index slot)>& body) {
  const uint32_t rows = onchip.layout->tile_rows, cols = onchip.layout->tile_cols;
  return For("r", rows, loc, [&](Index r) {
    return For("c", cols, loc, [&](Index c) { return body(r, c, Add(Mul(r, cols, loc), c, loc)); });
  });
}

Stmt TileLowering::LowerCopy(const CopyStmt& op, SourceLocation loc) {
  const Buffer& src = Buf(op.src.buffer);
  const Buffer& dst = Buf(op.dst.buffer);
  if (src.scope == Scope::Global && dst.scope != Scope::Global) {
    const auto [row_base, col_base] = TileBases(op.src, loc);
    int32_t cb = dst.cb_index;
    if (dst.scope == Scope::Fragment) {
      cb = NewCb(fmt::format("{}.in", dst.name), src.dtype, dst, 1, loc);
      frags_[op.dst.buffer.index] = {FragState::Kind::Cb, cb};
    } else {
      if (src.dtype != dst.dtype) {
        FailAt(func_, loc,
               fmt::format("T.copy from {} '{}' into {} '{}': the reader copies tiles as they are, so "
                           "both must have the same dtype",
                           ToString(src.dtype), src.name, ToString(dst.dtype), dst.name));
      }
      if (pending_.count(op.dst.buffer.index)) {
        FailAt(func_, loc, fmt::format("'{}' is filled again before its previous contents were used", dst.name));
      }
      pending_[op.dst.buffer.index] = Origin{op.src.buffer, row_base, col_base};
    }
    const uint32_t tiles = TileCount(dst);
    Stmt reads = TileLoop(dst, loc, [&, row_base = row_base, col_base = col_base](Index r, Index c, Index slot) {
      Index row = Add(row_base, r, loc), col = Add(col_base, c, loc);
      Stmt read = MakeStmt(TileReadStmt{op.src.buffer, row, col, cb, slot}, loc);
      read = GuardTile(col, src.layout->tile_cols, read, loc);
      return GuardTile(row, src.layout->tile_rows, read, loc);
    });
    const auto mcast = func_.partition->multicast.find(op.dst.buffer.index);
    if (mcast != func_.partition->multicast.end()) {
      return MakeStmt(McastRegionStmt{cb, C(tiles, loc), mcast->second, reads}, loc);
    }
    return MakeStmt(CBRegionStmt{cb, C(tiles, loc), CBAccess::Produce, reads}, loc);
  }
  if (src.scope != Scope::Global && dst.scope == Scope::Global) {
    const auto [row_base, col_base] = TileBases(op.dst, loc);
    int32_t cb = -1;
    DType cb_dtype = src.dtype;
    if (src.scope == Scope::Shared && !HasValueInCb(op.src.buffer)) {
      if (!pending_.erase(op.src.buffer.index)) {
        FailAt(func_, loc, fmt::format("'{}' is copied out before T.copy filled it", src.name));
      }
      cb = src.cb_index;
    } else {
      FragState& state = frags_[op.src.buffer.index];
      if (state.kind != FragState::Kind::Cb) {
        FailAt(func_, loc, fmt::format("'{}' is copied out before it has a value (T.gemm or T.Parallel)", src.name));
      }
      cb = state.cb;
      cb_dtype = cb_dtype_.count(cb) ? cb_dtype_[cb] : src.dtype;
      state = {};
    }
    if (cb_dtype != dst.dtype) {
      FailAt(func_, loc,
             fmt::format("T.copy of {} '{}' into {} tensor '{}': cast it in a T.Parallel first", ToString(cb_dtype),
                         src.name, ToString(dst.dtype), dst.name));
    }
    Stmt writes = TileLoop(src, loc, [&, row_base = row_base, col_base = col_base](Index r, Index c, Index slot) {
      Index row = Add(row_base, r, loc), col = Add(col_base, c, loc);
      Stmt write = MakeStmt(TileWriteStmt{cb, slot, op.dst.buffer, row, col}, loc);
      write = GuardTile(col, dst.layout->tile_cols, write, loc);
      return GuardTile(row, dst.layout->tile_rows, write, loc);
    });
    return MakeStmt(CBRegionStmt{cb, C(TileCount(src), loc), CBAccess::Consume, writes}, loc);
  }
  if (src.scope != Scope::Global && dst.scope != Scope::Global && HasValueInCb(op.src.buffer)) {
    // Between on-chip buffers a copy only renames: the tiles stay in their circular buffer (packed in the
    // format the destination's next use wants, see PackFormat).
    if (TileCount(src) != TileCount(dst) || src.shape != dst.shape) {
      FailAt(func_, loc,
             fmt::format("T.copy from '{}' to '{}': on-chip copies must be of whole, equal-shaped buffers", src.name,
                         dst.name));
    }
    frags_[op.dst.buffer.index] = frags_[op.src.buffer.index];
    frags_[op.src.buffer.index] = {};
    return nullptr;
  }
  FailAt(func_, loc,
         fmt::format("unsupported: T.copy from {} '{}' to {} '{}' (one side must be a tensor, or the source a "
                     "value computed by T.gemm / T.Parallel)",
                     ToString(src.scope), src.name, ToString(dst.scope), dst.name));
}

}  // namespace lowering

tir::PrimFunc LowerTTTileIntrinsics(tir::PrimFunc func, const CompileOptions& options) {
  if (!func.partition) Internal("LowerTTTileIntrinsics", "no partition");
  lowering::TileLowering lowering(func, options);
  func.body = lowering.Run(func.body);
  return func;
}

}  // namespace tilesim::tile
