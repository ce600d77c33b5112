// TileLowering (tile_lowering.h): T.Parallel element-wise stores, as FPU / SFPU tile operations per output
// tile (eltwise_codegen.h) into a new circular buffer of the stored buffer.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/eltwise_codegen.h"
#include "compiler/tile/passes/tile_lowering.h"

namespace tilesim::tile::lowering {

Stmt TileLowering::LowerParallel(const ParallelStmt& op, const std::vector<Stmt>& rest, SourceLocation loc) {
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
      FailAt(
          func_, store_locs[n],
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

bool TileLowering::IsRowBroadcast(const ParallelStmt& op, const std::vector<Index>& indices, const Buffer& buffer) {
  if (indices.size() != 2 || op.vars.size() != 2 || buffer.shape.size() != 2) return false;
  const auto* zero = std::get_if<IndexConst>(&indices[0]->node);
  const auto* col = std::get_if<IndexVar>(&indices[1]->node);
  return zero && zero->value == 0 && col && col->var == op.vars[1] && buffer.shape[0] == kTileDim &&
         buffer.shape[1] == op.extents.at(1);
}

void TileLowering::CheckParallelIndices(const ParallelStmt& op, const std::vector<Index>& indices, const Buffer& buffer,
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

}  // namespace tilesim::tile::lowering
