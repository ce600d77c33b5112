#include "compiler/tile/ir/mutator.h"

#include <utility>

namespace tilesim::tir {

namespace {

template <typename Op>
Stmt Rebuild(const Stmt& self, Op op) {
  return MakeStmt(std::move(op), self->location);
}

}  // namespace

Stmt StmtMutator::Mutate(const Stmt& stmt) {
  if (!stmt) return stmt;
  return std::visit([&](const auto& op) { return Visit(stmt, op); }, stmt->node);
}

Stmt StmtMutator::Visit(const Stmt& self, const KernelStmt& op) {
  Stmt body = Mutate(op.body);
  if (body == op.body) return self;
  KernelStmt copy = op;
  copy.body = std::move(body);
  return Rebuild(self, std::move(copy));
}

Stmt StmtMutator::Visit(const Stmt& self, const CopyStmt& op) {
  CopyStmt copy = op;
  bool changed = false;
  for (auto* region : {&copy.src, &copy.dst}) {
    for (Index& offset : region->offsets) {
      Index mutated = MutateIndex(offset);
      changed |= mutated != offset;
      offset = std::move(mutated);
    }
  }
  return changed ? Rebuild(self, std::move(copy)) : self;
}

Stmt StmtMutator::Visit(const Stmt& self, const ForStmt& op) {
  Index extent = MutateIndex(op.extent);
  Stmt body = Mutate(op.body);
  if (extent == op.extent && body == op.body) return self;
  ForStmt copy = op;
  copy.extent = std::move(extent);
  copy.body = std::move(body);
  return Rebuild(self, std::move(copy));
}

Stmt StmtMutator::Visit(const Stmt& self, const ParallelStmt& op) {
  Stmt body = Mutate(op.body);
  if (body == op.body) return self;
  ParallelStmt copy = op;
  copy.body = std::move(body);
  return Rebuild(self, std::move(copy));
}

Stmt StmtMutator::Visit(const Stmt& self, const StoreStmt& op) {
  StoreStmt copy = op;
  bool changed = false;
  for (Index& index : copy.indices) {
    Index mutated = MutateIndex(index);
    changed |= mutated != index;
    index = std::move(mutated);
  }
  return changed ? Rebuild(self, std::move(copy)) : self;
}

Stmt StmtMutator::Visit(const Stmt& self, const SeqStmt& op) {
  std::vector<Stmt> stmts;
  stmts.reserve(op.stmts.size());
  bool changed = false;
  for (const Stmt& s : op.stmts) {
    Stmt mutated = Mutate(s);
    changed |= mutated != s;
    if (mutated) stmts.push_back(std::move(mutated));
  }
  return changed ? MakeSeq(std::move(stmts), self->location) : self;
}

Stmt StmtMutator::Visit(const Stmt& self, const CBRegionStmt& op) {
  Index pages = MutateIndex(op.pages);
  Stmt body = Mutate(op.body);
  if (pages == op.pages && body == op.body) return self;
  CBRegionStmt copy = op;
  copy.pages = std::move(pages);
  copy.body = std::move(body);
  return Rebuild(self, std::move(copy));
}

Stmt StmtMutator::Visit(const Stmt& self, const TileReadStmt& op) {
  TileReadStmt copy = op;
  copy.tile_row = MutateIndex(op.tile_row);
  copy.tile_col = MutateIndex(op.tile_col);
  copy.slot = MutateIndex(op.slot);
  if (copy.tile_row == op.tile_row && copy.tile_col == op.tile_col && copy.slot == op.slot) return self;
  return Rebuild(self, std::move(copy));
}

Stmt StmtMutator::Visit(const Stmt& self, const TileWriteStmt& op) {
  TileWriteStmt copy = op;
  copy.tile_row = MutateIndex(op.tile_row);
  copy.tile_col = MutateIndex(op.tile_col);
  copy.slot = MutateIndex(op.slot);
  if (copy.tile_row == op.tile_row && copy.tile_col == op.tile_col && copy.slot == op.slot) return self;
  return Rebuild(self, std::move(copy));
}

Stmt StmtMutator::Visit(const Stmt& self, const McastRegionStmt& op) {
  Index pages = MutateIndex(op.pages);
  Stmt body = Mutate(op.sender_body);
  if (pages == op.pages && body == op.sender_body) return self;
  McastRegionStmt copy = op;
  copy.pages = std::move(pages);
  copy.sender_body = std::move(body);
  return Rebuild(self, std::move(copy));
}

Stmt StmtMutator::Visit(const Stmt& self, const DstRegionStmt& op) {
  Stmt math = Mutate(op.math);
  Stmt pack = Mutate(op.pack);
  if (math == op.math && pack == op.pack) return self;
  return Rebuild(self, DstRegionStmt{std::move(math), std::move(pack)});
}

Stmt StmtMutator::Visit(const Stmt& self, const LetStmt& op) {
  Index value = MutateIndex(op.value);
  Stmt body = Mutate(op.body);
  if (value == op.value && body == op.body) return self;
  return Rebuild(self, LetStmt{op.var, std::move(value), std::move(body)});
}

Stmt StmtMutator::Visit(const Stmt& self, const IfStmt& op) {
  Index cond = MutateIndex(op.cond);
  Stmt then_body = Mutate(op.then_body);
  Stmt else_body = Mutate(op.else_body);
  if (cond == op.cond && then_body == op.then_body && else_body == op.else_body) return self;
  return Rebuild(self, IfStmt{std::move(cond), std::move(then_body), std::move(else_body)});
}

Stmt StmtMutator::Visit(const Stmt& self, const CallStmt& op) {
  CallStmt copy = op;
  bool changed = false;
  for (Index& arg : copy.args) {
    Index mutated = MutateIndex(arg);
    changed |= mutated != arg;
    arg = std::move(mutated);
  }
  return changed ? Rebuild(self, std::move(copy)) : self;
}

Index RewriteIndex(const Index& index, const std::function<Index(const Index&)>& rewrite) {
  if (!index) return index;
  Index rebuilt = std::visit(
      [&](const auto& op) -> Index {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, IndexBinary>) {
          Index lhs = RewriteIndex(op.lhs, rewrite);
          Index rhs = RewriteIndex(op.rhs, rewrite);
          if (lhs == op.lhs && rhs == op.rhs) return index;
          return MakeIndexBinary(op.op, std::move(lhs), std::move(rhs), index->location);
        } else if constexpr (std::is_same_v<T, IndexCall>) {
          std::vector<Index> args;
          bool changed = false;
          for (const Index& arg : op.args) {
            args.push_back(RewriteIndex(arg, rewrite));
            changed |= args.back() != arg;
          }
          return changed ? MakeIndexCall(op.intrinsic, std::move(args), index->location) : index;
        } else {
          return index;
        }
      },
      index->node);
  return rewrite(rebuilt);
}

void ForEachStmt(const Stmt& stmt, const std::function<void(const Stmt&)>& visit) {
  if (!stmt) return;
  visit(stmt);
  std::visit(
      [&](const auto& op) {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, SeqStmt>) {
          for (const Stmt& s : op.stmts) ForEachStmt(s, visit);
        } else if constexpr (std::is_same_v<T, McastRegionStmt>) {
          ForEachStmt(op.sender_body, visit);
        } else if constexpr (std::is_same_v<T, DstRegionStmt>) {
          ForEachStmt(op.math, visit);
          ForEachStmt(op.pack, visit);
        } else if constexpr (std::is_same_v<T, IfStmt>) {
          ForEachStmt(op.then_body, visit);
          ForEachStmt(op.else_body, visit);
        } else if constexpr (requires { op.body; }) {
          ForEachStmt(op.body, visit);
        }
      },
      stmt->node);
}

Stmt MakeSeq(std::vector<Stmt> stmts, SourceLocation loc) {
  std::vector<Stmt> flat;
  for (Stmt& s : stmts) {
    if (!s) continue;
    if (const auto* seq = std::get_if<SeqStmt>(&s->node)) {
      for (const Stmt& inner : seq->stmts) flat.push_back(inner);
    } else {
      flat.push_back(std::move(s));
    }
  }
  if (flat.size() == 1) return flat.front();
  return MakeStmt(SeqStmt{std::move(flat)}, loc);
}

}  // namespace tilesim::tir
