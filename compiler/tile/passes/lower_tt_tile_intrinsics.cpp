#include "compiler/tile/passes/lower_tt_tile_intrinsics.h"

#include <fmt/format.h>

#include <set>

#include "compiler/tile/analysis/affine.h"
#include "compiler/tile/analysis/ranges.h"
#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/eltwise_codegen.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

namespace {

using namespace tir;
using bc::Intrinsic;

inline constexpr int32_t kFirstFragmentCb = 16;
inline constexpr int32_t kMaxCb = 31;

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

class TileLowering {
 public:
  TileLowering(PrimFunc& func, const CompileOptions& options) : func_(func), options_(options) {
    // The lowering holds Buffer references while it adds buffers for new circular buffers (at most 32): room
    // for all of them up front keeps those references valid.
    func.buffers.reserve(func.buffers.size() + kMaxCb + 1);
    const TTPartition& p = *func.partition;
    if (!p.block_vars.empty()) ranges_.Set(p.block_vars[0], 0, p.grid_x - 1);
    if (p.block_vars.size() > 1) ranges_.Set(p.block_vars[1], 0, p.grid_y - 1);
  }

  Stmt Run(const Stmt& body) {
    Stmt lowered = Lower(body, {});
    for (const auto& [buffer, origin] : pending_) {
      (void)origin;
      const Buffer& b = Buf(BufferId{buffer});
      FailAt(func_, b.location, fmt::format("'{}' is filled by T.copy but never used", b.name));
    }
    return lowered;
  }

 private:
  struct FragState {
    enum class Kind : uint8_t { Undefined, Zero, Dst, Cb } kind = Kind::Undefined;
    int32_t cb = -1;
  };
  struct Spill {  // a fragment larger than DST being accumulated (LowerSpilled)
    BufferId frag;
    std::optional<VarId> k;  // the loop around its T.gemm, and its extent
    Index extent;
    int32_t final_cb = -1;
    int32_t partial_cb = -1;
  };
  struct Origin {  // where a pending shared buffer's tiles came from, in tiles
    BufferId tensor;
    Index row_base, col_base;
  };

  Index C(int64_t v, SourceLocation loc) const { return MakeIndexConst(v, loc); }
  Index Add(Index a, Index b, SourceLocation loc) const { return Simplify(MakeIndexBinary(IndexOp::Add, a, b, loc)); }
  Index Mul(Index a, int64_t b, SourceLocation loc) const {
    return Simplify(MakeIndexBinary(IndexOp::Mul, a, C(b, loc), loc));
  }
  Stmt Call(Intrinsic intrinsic, std::vector<Index> args, SourceLocation loc) const {
    return MakeStmt(CallStmt{intrinsic, std::move(args)}, loc);
  }
  Stmt For(const std::string& name, int64_t extent, SourceLocation loc, const std::function<Stmt(Index)>& body) {
    const VarId var = NewVar(func_, name);
    ranges_.Set(var, 0, extent - 1);
    Stmt inner = body(MakeIndexVar(var, loc));
    return MakeStmt(ForStmt{var, C(extent, loc), ForKind::Serial, 1, inner}, loc);
  }
  const Buffer& Buf(BufferId id) const { return BufferOf(func_, id); }

  // A new circular buffer for a fragment's value, in `dtype`, shaped like `like`.
  int32_t NewCb(const std::string& name, DType dtype, const Buffer& like, uint32_t depth, SourceLocation loc) {
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
  int32_t ScratchCb(uint32_t depth, SourceLocation loc) {
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

  // ---- statements ----
  Stmt Lower(const Stmt& stmt, const std::vector<Stmt>& rest) {
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

  Stmt LowerSeq(const std::vector<Stmt>& stmts, SourceLocation loc) {
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

  // The buffer's value was computed on the core (T.gemm, T.Parallel) and sits in a circular buffer.
  bool HasValueInCb(BufferId b) {
    auto it = frags_.find(b.index);
    return it != frags_.end() && it->second.kind == FragState::Kind::Cb;
  }

  // Tiles one tile_regs_acquire gives math: half of DST (half-sync mode), 8 tiles in bf16, 4 in fp32.
  uint32_t DstCapacity() const { return options_.fp32_dest_acc_en ? 4 : 8; }

  // The circular buffer F's accumulated tiles go to, decided by F's next use, and F's state afterwards:
  // a CB in the output tensor's format for a T.copy out, one in F's own format for an element-wise use, none
  // (-1) when the value is never used.
  int32_t FinalTarget(BufferId f, const std::vector<Stmt>& rest, SourceLocation loc) {
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

  // The format buffer `b`'s tiles are packed in so that its next use can take them as they are: a tensor's
  // format when it is copied out (through on-chip copies, which only rename it), else its own dtype; and
  // whether that use is a copy out.
  std::pair<DType, bool> PackFormat(BufferId b, const std::vector<Stmt>& rest) {
    for (int hops = 0; hops < 8; ++hops) {
      BufferId target;
      const Use use = FirstUse(func_, rest, b, &target);
      if (use == Use::CopyOut) return {Buf(target).dtype, true};
      if (use != Use::CopyOnChip) break;
      b = target;
    }
    return {Buf(b).dtype, false};
  }

  // The statement accumulating fragment F (a T.gemm or the loop around it) runs with F's tiles in DST, when
  // they fit in what one acquire gives; otherwise F is accumulated in sub-blocks (LowerSpilled).
  Stmt LowerDstRegion(const Stmt& s, BufferId f, const std::vector<Stmt>& rest) {
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

  // F is larger than DST: each K step accumulates it sub-block by sub-block, parking the partial sums in a
  // circular buffer between steps and reloading them (tt-metal's bmm_large_block_zm); the last step packs the
  // sums into F's final circular buffer, each tile at its place in the block.
  Stmt LowerSpilled(const Stmt& s, BufferId f, const std::vector<Stmt>& rest) {
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

  // Sub-block of h x w tiles (h divides mb, w divides nb) with the most tiles DST holds, widest first.
  std::pair<uint32_t, uint32_t> Subblock(uint32_t mb, uint32_t nb) const {
    std::pair<uint32_t, uint32_t> best{1, 1};
    for (uint32_t h = 1; h <= mb; ++h) {
      for (uint32_t w = 1; w <= nb; ++w) {
        if (mb % h || nb % w || h * w > DstCapacity()) continue;
        if (h * w > best.first * best.second || (h * w == best.first * best.second && w > best.second)) best = {h, w};
      }
    }
    return best;
  }

  // Tile offsets of a T.copy's tensor side: affine, multiples of 32.
  std::pair<Index, Index> TileBases(const BufferRegion& region, SourceLocation loc) {
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

  // `body` guarded by `tile < limit` unless the tile index provably stays below it.
  Stmt GuardTile(const Index& tile, uint32_t limit, Stmt body, SourceLocation loc) {
    std::optional<int64_t> max = ranges_.Max(tile);
    if (max && *max < static_cast<int64_t>(limit)) return body;
    return MakeStmt(IfStmt{MakeIndexBinary(IndexOp::Lt, tile, C(limit, loc), loc), std::move(body), nullptr}, loc);
  }

  Stmt TileLoop(const Buffer& onchip, SourceLocation loc,
                const std::function<Stmt(Index r, Index c, Index slot)>& body) {
    const uint32_t rows = onchip.layout->tile_rows, cols = onchip.layout->tile_cols;
    return For("r", rows, loc, [&](Index r) {
      return For("c", cols, loc, [&](Index c) { return body(r, c, Add(Mul(r, cols, loc), c, loc)); });
    });
  }

  Stmt LowerCopy(const CopyStmt& op, SourceLocation loc) {
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
        FailAt(func_, loc, fmt::format("T.copy from '{}' to '{}': on-chip copies must be of whole, equal-shaped buffers",
                                       src.name, dst.name));
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

  Stmt LowerGemm(const GemmStmt& op, SourceLocation loc) {
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
        Stmt math = Call(Intrinsic::transpose_wh_tile, {C(a.cb_index, loc), Add(Mul(kk, mb, loc), i, loc), C(0, loc)}, loc);
        Stmt pack = Call(Intrinsic::pack_tile, {C(0, loc), C(cb_a, loc)}, loc);
        return MakeStmt(DstRegionStmt{math, pack}, loc);
      });
    });
    transposes = MakeStmt(CBRegionStmt{cb_a, C(mb * kb, loc), CBAccess::Produce, transposes}, loc);
    transposes = MakeStmt(CBRegionStmt{a.cb_index, C(mb * kb, loc), CBAccess::Consume, transposes}, loc);
    return MakeSeq({transposes, region}, loc);
  }

  // The circular buffer holding the transpose of shared buffer `a`'s tiles (one per buffer, made on first use).
  int32_t TransposedCb(BufferId a, SourceLocation loc) {
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

  // One K step of a fragment larger than DST, sub-block by sub-block: reload the partial sums (after the first
  // step), accumulate, then park them again, or on the last step pack them into the final circular buffer.
  Stmt SpilledMatmuls(uint32_t mb, uint32_t nb, const std::function<Stmt(Index, Index, uint32_t, uint32_t)>& matmuls,
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
    if (spill.final_cb >= 0)
      last = MakeStmt(CBRegionStmt{spill.final_cb, C(mb * nb, loc), CBAccess::Produce, last}, loc);
    if (!k) return last;
    const Index not_last =
        MakeIndexBinary(IndexOp::Lt, MakeIndexBinary(IndexOp::Add, k, C(1, loc), loc), spill.extent, loc);
    return MakeStmt(IfStmt{not_last, subblocks(false), last}, loc);
  }

  Stmt LowerParallel(const ParallelStmt& op, const std::vector<Stmt>& rest, SourceLocation loc) {
    std::vector<const StoreStmt*> stores;
    std::vector<SourceLocation> store_locs;
    ForEachStmt(op.body, [&](const Stmt& s) {
      if (const auto* store = std::get_if<StoreStmt>(&s->node)) {
        stores.push_back(store);
        store_locs.push_back(s->location);
      }
    });
    // Operand buffers: every on-chip buffer loaded, with the CB holding its tiles now.
    std::map<uint32_t, int32_t> operand_cb;
    std::vector<std::pair<int32_t, uint32_t>> consumed;  // (cb, pages) popped after the statement
    std::function<void(const Value&)> collect = [&](const Value& v) {
      if (const auto* l = std::get_if<ValueLoad>(&v->node)) {
        if (operand_cb.count(l->buffer.index)) return;
        const Buffer& buf = Buf(l->buffer);
        CheckParallelIndices(op, l->indices, buf, v->location);
        int32_t cb = -1;
        if (buf.scope == Scope::Shared && !HasValueInCb(l->buffer)) {
          if (!pending_.erase(l->buffer.index)) {
            FailAt(func_, v->location, fmt::format("'{}' is read before T.copy filled it", buf.name));
          }
          cb = buf.cb_index;
        } else {
          FragState& state = frags_[l->buffer.index];
          if (state.kind != FragState::Kind::Cb) {
            FailAt(func_, v->location, fmt::format("'{}' is read in T.Parallel before it has a value", buf.name));
          }
          cb = state.cb;
          state = {};
        }
        operand_cb[l->buffer.index] = cb;
        consumed.push_back({cb, TileCount(buf)});
      } else if (const auto* u = std::get_if<ValueUnary>(&v->node)) {
        collect(u->operand);
      } else if (const auto* b = std::get_if<ValueBinary>(&v->node)) {
        collect(b->lhs);
        collect(b->rhs);
      } else if (const auto* c = std::get_if<ValueCast>(&v->node)) {
        collect(c->operand);
      }
    };
    for (const StoreStmt* store : stores) collect(store->value);

    EltwiseContext context;
    context.func = &func_;
    context.cb_of = [&](BufferId id, SourceLocation where) {
      auto it = operand_cb.find(id.index);
      if (it == operand_cb.end()) FailAt(func_, where, "operand without a circular buffer");
      return it->second;
    };
    context.scratch_cb = [&](uint32_t depth) { return ScratchCb(depth, loc); };
    context.row_broadcast = [&](BufferId id, const std::vector<Index>& indices) {
      return IsRowBroadcast(op, indices, Buf(id));
    };
    context.tile_cols = static_cast<uint32_t>(op.extents.at(1) / kTileDim);

    std::vector<int32_t> targets;
    uint32_t tiles = 0;
    std::set<uint32_t> stored;
    for (size_t n = 0; n < stores.size(); ++n) {
      const StoreStmt& store = *stores[n];
      const Buffer& target = Buf(store.buffer);
      if (target.scope == Scope::Global) {
        FailAt(func_, store_locs[n],
               fmt::format("T.Parallel stores into tensor '{}' other than element for element over a region "
                           "(index d = offset + the loop's d-th variable): store into an on-chip buffer and T.copy it out",
                           target.name));
      }
      CheckParallelIndices(op, store.indices, target, store_locs[n]);
      if (!stored.insert(store.buffer.index).second) {
        FailAt(func_, store_locs[n], fmt::format("'{}' is stored twice in one T.Parallel", target.name));
      }
      const auto [dtype, out] = PackFormat(store.buffer, rest);
      targets.push_back(
          NewCb(fmt::format("{}.{}", target.name, out ? "out" : "ew"), dtype, target, out ? 2 : 1, store_locs[n]));
      tiles = TileCount(target);
    }
    for (size_t n = 0; n < stores.size(); ++n) {
      for (const auto& [buffer, cb] : operand_cb) {
        (void)cb;
        if (stored.count(buffer) && buffer != stores[n]->buffer.index) {
          FailAt(func_, store_locs[n],
                 "unsupported: a T.Parallel statement reading a buffer another statement of "
                 "the same T.Parallel stores");
        }
      }
    }
    Stmt body = For("t", tiles, loc, [&](Index t) {
      std::vector<Stmt> per_tile;
      for (size_t n = 0; n < stores.size(); ++n) {
        for (Stmt& s : EmitEltwiseTile(context, stores[n]->value, t, targets[n], store_locs[n])) per_tile.push_back(s);
      }
      return MakeSeq(std::move(per_tile), loc);
    });
    for (size_t n = stores.size(); n-- > 0;) {
      body = MakeStmt(CBRegionStmt{targets[n], C(tiles, loc), CBAccess::Produce, body}, loc);
    }
    for (auto it = consumed.rbegin(); it != consumed.rend(); ++it) {
      body = MakeStmt(CBRegionStmt{it->first, C(it->second, loc), CBAccess::Consume, body}, loc);
    }
    for (size_t n = 0; n < stores.size(); ++n) frags_[stores[n]->buffer.index] = {FragState::Kind::Cb, targets[n]};
    return body;
  }

  // [0, j] of a one-tile-high buffer: its row 0 added to every row (the window of a rank-1 tensor).
  static bool IsRowBroadcast(const ParallelStmt& op, const std::vector<Index>& indices, const Buffer& buffer) {
    if (indices.size() != 2 || op.vars.size() != 2 || buffer.shape.size() != 2) return false;
    const auto* zero = std::get_if<IndexConst>(&indices[0]->node);
    const auto* col = std::get_if<IndexVar>(&indices[1]->node);
    return zero && zero->value == 0 && col && col->var == op.vars[1] && buffer.shape[0] == kTileDim &&
           buffer.shape[1] == op.extents.at(1);
  }

  // Element-wise statements work on whole buffers: X[i, j] with the T.Parallel's own variables, over X's shape.
  void CheckParallelIndices(const ParallelStmt& op, const std::vector<Index>& indices, const Buffer& buffer,
                            SourceLocation loc) {
    if (IsRowBroadcast(op, indices, buffer)) return;
    bool ok = indices.size() == 2 && op.vars.size() == 2;
    for (size_t d = 0; ok && d < 2; ++d) {
      const auto* v = std::get_if<IndexVar>(&indices[d]->node);
      ok = v && v->var == op.vars[d];
    }
    if (!ok) {
      FailAt(func_, loc,
             fmt::format("'{}' must be indexed [{}, {}] in this T.Parallel (the whole buffer, element by "
                         "element)",
                         buffer.name, op.vars.size() > 0 ? func_.vars[op.vars[0].index].name : "i",
                         op.vars.size() > 1 ? func_.vars[op.vars[1].index].name : "j"));
    }
    if (buffer.shape.size() != 2 || buffer.shape[0] != op.extents.at(0) || buffer.shape[1] != op.extents.at(1)) {
      FailAt(func_, loc,
             fmt::format("T.Parallel({}, {}) does not cover '{}' ({}): element-wise statements run over "
                         "whole buffers",
                         op.extents.at(0), op.extents.at(1), buffer.name, fmt::join(buffer.shape, "x")));
    }
  }

  PrimFunc& func_;
  const CompileOptions& options_;
  VarRanges ranges_;
  std::map<uint32_t, FragState> frags_;
  std::map<uint32_t, Origin> pending_;
  std::map<int32_t, DType> cb_dtype_;
  std::vector<int32_t> scratch_;
  std::optional<Spill> spill_;
  std::map<uint32_t, int32_t> transposed_cb_;
  int32_t next_cb_ = kFirstFragmentCb;
};

}  // namespace

tir::PrimFunc LowerTTTileIntrinsics(tir::PrimFunc func, const CompileOptions& options) {
  if (!func.partition) Internal("LowerTTTileIntrinsics", "no partition");
  TileLowering lowering(func, options);
  func.body = lowering.Run(func.body);
  return func;
}

}  // namespace tilesim::tile
