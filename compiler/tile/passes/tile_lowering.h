// TileLowering: the private mutator of pass LowerTTTileIntrinsics (lower_tt_tile_intrinsics.h), in three
// files by the statements it lowers: lower_tt_tile_intrinsics.cpp (the walk, DST regions, T.copy),
// lower_tt_gemm.cpp (T.gemm, including fragments larger than DST) and lower_tt_parallel.cpp (T.Parallel).
// Only those files include this header.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/tile/analysis/ranges.h"
#include "compiler/tile/passes/pass_util.h"
#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile::lowering {

using namespace tir;
using bc::Intrinsic;

inline constexpr int32_t kFirstFragmentCb = 16;
inline constexpr int32_t kMaxCb = 31;

class TileLowering {
 public:
  TileLowering(PrimFunc& func, const CompileOptions& options);

  Stmt Run(const Stmt& body);

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
  int32_t NewCb(const std::string& name, DType dtype, const Buffer& like, uint32_t depth, SourceLocation loc);
  int32_t ScratchCb(uint32_t depth, SourceLocation loc);

  // ---- statements ----
  Stmt Lower(const Stmt& stmt, const std::vector<Stmt>& rest);

  Stmt LowerSeq(const std::vector<Stmt>& stmts, SourceLocation loc);

  // The buffer's value was computed on the core (T.gemm, T.Parallel) and sits in a circular buffer.
  bool HasValueInCb(BufferId b);

  // Tiles one tile_regs_acquire gives math: half of DST (half-sync mode), 8 tiles in bf16, 4 in fp32.
  uint32_t DstCapacity() const { return options_.fp32_dest_acc_en ? 4 : 8; }

  // The circular buffer F's accumulated tiles go to, decided by F's next use, and F's state afterwards:
  // a CB in the output tensor's format for a T.copy out, one in F's own format for an element-wise use, none
  // (-1) when the value is never used.
  int32_t FinalTarget(BufferId f, const std::vector<Stmt>& rest, SourceLocation loc);

  // The format buffer `b`'s tiles are packed in so that its next use can take them as they are: a tensor's
  // format when it is copied out (through on-chip copies, which only rename it), else its own dtype; and
  // whether that use is a copy out.
  std::pair<DType, bool> PackFormat(BufferId b, const std::vector<Stmt>& rest);

  // The statement accumulating fragment F (a T.gemm or the loop around it) runs with F's tiles in DST, when
  // they fit in what one acquire gives; otherwise F is accumulated in sub-blocks (LowerSpilled).
  Stmt LowerDstRegion(const Stmt& s, BufferId f, const std::vector<Stmt>& rest);

  // F is larger than DST: each K step accumulates it sub-block by sub-block, parking the partial sums in a
  // circular buffer between steps and reloading them (tt-metal's bmm_large_block_zm); the last step packs the
  // sums into F's final circular buffer, each tile at its place in the block.
  Stmt LowerSpilled(const Stmt& s, BufferId f, const std::vector<Stmt>& rest);

  // Sub-block of h x w tiles (h divides mb, w divides nb) with the most tiles DST holds, widest first.
  std::pair<uint32_t, uint32_t> Subblock(uint32_t mb, uint32_t nb) const;

  // Tile offsets of a T.copy's tensor side: affine, multiples of 32.
  std::pair<Index, Index> TileBases(const BufferRegion& region, SourceLocation loc);

  // `body` guarded by `tile < limit` unless the tile index provably stays below it.
  Stmt GuardTile(const Index& tile, uint32_t limit, Stmt body, SourceLocation loc);

  Stmt TileLoop(const Buffer& onchip, SourceLocation loc,
                const std::function<Stmt(Index r, Index c, Index slot)>& body);

  Stmt LowerCopy(const CopyStmt& op, SourceLocation loc);

  Stmt LowerGemm(const GemmStmt& op, SourceLocation loc);

  // The circular buffer holding the transpose of shared buffer `a`'s tiles (one per buffer, made on first use).
  int32_t TransposedCb(BufferId a, SourceLocation loc);

  // One K step of a fragment larger than DST, sub-block by sub-block: reload the partial sums (after the first
  // step), accumulate, then park them again, or on the last step pack them into the final circular buffer.
  Stmt SpilledMatmuls(uint32_t mb, uint32_t nb, const std::function<Stmt(Index, Index, uint32_t, uint32_t)>& matmuls,
                      SourceLocation loc);

  Stmt LowerParallel(const ParallelStmt& op, const std::vector<Stmt>& rest, SourceLocation loc);

  // [0, j] of a one-tile-high buffer: its row 0 added to every row (the window of a rank-1 tensor).
  static bool IsRowBroadcast(const ParallelStmt& op, const std::vector<Index>& indices, const Buffer& buffer);

  // Element-wise statements work on whole buffers: X[i, j] with the T.Parallel's own variables, over X's shape.
  void CheckParallelIndices(const ParallelStmt& op, const std::vector<Index>& indices, const Buffer& buffer,
                            SourceLocation loc);

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

}  // namespace tilesim::tile::lowering
