// Rebuilding Tile IR: a statement mutator whose default for every node kind rebuilds it from its mutated
// children (and returns the node itself when nothing changed), so a pass overrides only the kinds it
// rewrites — the private mutator of each pass derives from it. Plus a read-only walk over statements.
#pragma once

#include <functional>

#include "tilesim/tile_ir.h"

namespace tilesim::tir {

class StmtMutator {
 public:
  virtual ~StmtMutator() = default;

  // Null in, null out.
  virtual Stmt Mutate(const Stmt& stmt);
  // Index expressions in statements go through here; the default returns them unchanged.
  virtual Index MutateIndex(const Index& index) { return index; }

 protected:
  // One per node kind; `self` is the node being visited (return it to keep it).
  virtual Stmt Visit(const Stmt& self, const KernelStmt& op);
  virtual Stmt Visit(const Stmt& self, const AllocStmt& op) {
    (void)op;
    return self;
  }
  virtual Stmt Visit(const Stmt& self, const CopyStmt& op);
  virtual Stmt Visit(const Stmt& self, const GemmStmt& op) {
    (void)op;
    return self;
  }
  virtual Stmt Visit(const Stmt& self, const FillStmt& op) {
    (void)op;
    return self;
  }
  virtual Stmt Visit(const Stmt& self, const ForStmt& op);
  virtual Stmt Visit(const Stmt& self, const ParallelStmt& op);
  virtual Stmt Visit(const Stmt& self, const StoreStmt& op);
  virtual Stmt Visit(const Stmt& self, const SeqStmt& op);
  virtual Stmt Visit(const Stmt& self, const CBRegionStmt& op);
  virtual Stmt Visit(const Stmt& self, const TileReadStmt& op);
  virtual Stmt Visit(const Stmt& self, const TileWriteStmt& op);
  virtual Stmt Visit(const Stmt& self, const McastRegionStmt& op);
  virtual Stmt Visit(const Stmt& self, const DstRegionStmt& op);
  virtual Stmt Visit(const Stmt& self, const LetStmt& op);
  virtual Stmt Visit(const Stmt& self, const IfStmt& op);
  virtual Stmt Visit(const Stmt& self, const CallStmt& op);
};

// Rewrites every index expression bottom-up with `rewrite` (called on each node after its children).
Index RewriteIndex(const Index& index, const std::function<Index(const Index&)>& rewrite);

// Calls `visit` on every statement of the tree, parents before children.
void ForEachStmt(const Stmt& stmt, const std::function<void(const Stmt&)>& visit);

// A SeqStmt of `stmts` without null entries, flattened one level; the single statement if only one is left.
Stmt MakeSeq(std::vector<Stmt> stmts, SourceLocation loc = {});

}  // namespace tilesim::tir
