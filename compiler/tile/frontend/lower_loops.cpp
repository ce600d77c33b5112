// The binder: loops (T.Pipelined, T.serial, T.unroll, range, T.Parallel), element-wise stores and local
// names inside a kernel.
#include <algorithm>

#include "compiler/tile/frontend/binder.h"
#include "tilesim/compiler.h"

namespace tilesim::tile::frontend {

tir::Stmt Binder::LowerFor(const Stmt& loop) {
  const Expr& range = *loop.value;
  std::optional<std::string> name = range.kind == Expr::Kind::Call ? LanguageMember(*range.base) : std::nullopt;
  if (!name && range.kind == Expr::Kind::Call) name = Builtin(*range.base);
  if (name && *name == "Parallel") return LowerParallel(loop, range);
  if (!name || (*name != "Pipelined" && *name != "serial" && *name != "unroll" && *name != "range")) {
    Fail(range.location, "unsupported loop: for ... in " + Unparse(range) +
                             " (use T.Pipelined, T.serial, T.unroll, range or T.Parallel)");
  }
  if (in_parallel_) Fail(loop.location, "unsupported: a loop inside T.Parallel");
  const std::string callee = *name == "range" ? "range" : "T." + *name;
  if (loop.targets.size() != 1) Fail(loop.target_locations[0], callee + " binds one loop variable");
  if (range.items.empty()) Fail(range.location, callee + " needs the number of iterations");
  if (range.items.size() > 3) Fail(range.location, callee + " takes at most 3 positional arguments");
  tir::ForKind kind = *name == "Pipelined" ? tir::ForKind::Pipelined
                      : *name == "unroll" ? tir::ForKind::Unrolled : tir::ForKind::Serial;
  int64_t num_stages = 1;
  for (const Keyword& keyword : range.keywords) {
    if (*name == "Pipelined" && keyword.name == "num_stages") {
      num_stages = EvaluateInt(*keyword.value, "num_stages");
      if (num_stages < 0 || num_stages > 64) Fail(keyword.location, "num_stages must be in 0..64, not " + std::to_string(num_stages));
      num_stages = std::max<int64_t>(num_stages, 1);  // 0 is TileLang's "not pipelined": one buffer
    } else if (*name == "Pipelined" && (keyword.name == "order" || keyword.name == "stage" || keyword.name == "group" ||
                                        keyword.name == "sync")) {
      // GPU software-pipelining schedules: the TT pipeline decides its own.
    } else if (keyword.name == "stop") {
      Fail(keyword.location, "write " + callee + "(start, stop) positionally");
    } else {
      Fail(keyword.location, callee + " has no argument named " + keyword.name);
    }
  }
  const SourceLocation at = range.location;
  tir::Index start = tir::MakeIndexConst(0, at);
  tir::Index extent;
  int64_t step = 1;
  if (range.items.size() == 1) {
    extent = LowerIndex(*range.items[0]);
  } else {
    start = LowerIndex(*range.items[0]);
    tir::Index stop = LowerIndex(*range.items[1]);
    if (range.items.size() == 3) {
      step = EvaluateInt(*range.items[2], "the loop step");
      if (step <= 0) Fail(range.items[2]->location, "the loop step must be positive, not " + std::to_string(step));
    }
    // ceil((stop - start) / step) iterations.
    tir::Index span = FoldBinary(tir::IndexOp::Sub, stop, start, at);
    extent = FoldBinary(tir::IndexOp::FloorDiv, FoldBinary(tir::IndexOp::Add, span, tir::MakeIndexConst(step - 1, at), at),
                        tir::MakeIndexConst(step, at), at);
  }
  if (const auto* count = std::get_if<tir::IndexConst>(&extent->node); count && count->value < 0) {
    Fail(at, callee + " has a negative number of iterations (" + std::to_string(count->value) + ")");
  }
  tir::ForStmt for_stmt;
  for_stmt.kind = kind;
  for_stmt.num_stages = static_cast<uint32_t>(kind == tir::ForKind::Pipelined ? num_stages : 1);
  for_stmt.var = NewVar(loop.targets[0], loop.target_locations[0]);
  for_stmt.extent = std::move(extent);
  PushScope();
  // The IR's loops count from 0 by 1; a start or step makes the user's name an alias of start + var * step.
  const auto* start_const = std::get_if<tir::IndexConst>(&start->node);
  if (start_const && start_const->value == 0 && step == 1) {
    Define(loop.targets[0], IndexVarName{for_stmt.var}, loop.target_locations[0]);
  } else {
    tir::Index scaled = FoldBinary(tir::IndexOp::Mul, tir::MakeIndexVar(for_stmt.var, at), tir::MakeIndexConst(step, at), at);
    Define(loop.targets[0], IndexAlias{FoldBinary(tir::IndexOp::Add, start, scaled, at)}, loop.target_locations[0]);
  }
  for_stmt.body = LowerBlock(loop.body);
  PopScope();
  return tir::MakeStmt(std::move(for_stmt), loop.location);
}

tir::Stmt Binder::LowerParallel(const Stmt& loop, const Expr& call) {
  if (in_parallel_) Fail(loop.location, "unsupported: T.Parallel inside T.Parallel");
  if (call.items.empty() || call.items.size() > 2) {
    Fail(call.location, "T.Parallel with " + std::to_string(call.items.size()) + " extents: 1 or 2 are supported");
  }
  for (const Keyword& keyword : call.keywords) {
    if (keyword.name != "coalesced_width" && keyword.name != "loop_layout") {
      Fail(keyword.location, "T.Parallel has no argument named " + keyword.name);
    }
  }
  if (loop.targets.size() != call.items.size()) {
    Fail(loop.target_locations[0], "T.Parallel has " + std::to_string(call.items.size()) + " extent(s) but " +
                                       std::to_string(loop.targets.size()) + " loop variable(s)");
  }
  tir::ParallelStmt parallel;
  for (const ExprPtr& item : call.items) {
    const int64_t extent = EvaluateInt(*item, "T.Parallel extent");
    if (extent <= 0) Fail(StartOf(*item), "T.Parallel extent must be positive, but it is " + std::to_string(extent));
    parallel.extents.push_back(extent);
  }
  PushScope();
  for (size_t i = 0; i < loop.targets.size(); ++i) {
    parallel.vars.push_back(NewVar(loop.targets[i], loop.target_locations[i]));
    Define(loop.targets[i], IndexVarName{parallel.vars.back()}, loop.target_locations[i]);
  }
  in_parallel_ = true;
  parallel_ = &parallel;
  staged_stores_.clear();
  parallel.body = LowerParallelBody(loop.body);
  parallel_ = nullptr;
  in_parallel_ = false;
  PopScope();
  if (staged_stores_.empty()) return tir::MakeStmt(std::move(parallel), loop.location);
  // Stores into tensors went to on-chip tiles; they leave for the tensors after the loop.
  tir::SeqStmt seq;
  for (const StagedStore& staged : staged_stores_) seq.stmts.push_back(tir::MakeStmt(tir::AllocStmt{staged.tile}, loop.location));
  seq.stmts.push_back(tir::MakeStmt(std::move(parallel), loop.location));
  for (StagedStore& staged : staged_stores_) {
    const std::vector<int64_t>& extents = buffer(staged.tile).shape;
    std::vector<tir::Index> origin(extents.size(), tir::MakeIndexConst(0, loop.location));
    tir::CopyStmt copy{{staged.tile, std::move(origin), extents}, {staged.tensor, std::move(staged.offsets), extents}};
    seq.stmts.push_back(tir::MakeStmt(std::move(copy), staged.location));
  }
  staged_stores_.clear();
  return tir::MakeStmt(std::move(seq), loop.location);
}

namespace {

// Whether `index` mentions the variable `var`.
bool Mentions(const tir::Index& index, tir::VarId var) {
  if (const auto* v = std::get_if<tir::IndexVar>(&index->node)) return v->var == var;
  if (const auto* b = std::get_if<tir::IndexBinary>(&index->node)) return Mentions(b->lhs, var) || Mentions(b->rhs, var);
  if (const auto* c = std::get_if<tir::IndexCall>(&index->node)) {
    return std::any_of(c->args.begin(), c->args.end(), [&](const tir::Index& arg) { return Mentions(arg, var); });
  }
  return false;
}

// The terms of a sum.
void Terms(const tir::Index& index, std::vector<tir::Index>& terms) {
  const auto* b = std::get_if<tir::IndexBinary>(&index->node);
  if (b && b->op == tir::IndexOp::Add) {
    Terms(b->lhs, terms);
    Terms(b->rhs, terms);
  } else {
    terms.push_back(index);
  }
}

}  // namespace

std::optional<std::vector<tir::Index>> Binder::TileOffsets(const std::vector<tir::Index>& indices, SourceLocation at) {
  // indices[d] must be offset_d + vars[d], the offsets free of the loop's variables: then the stores
  // cover the region at the offsets with the loop's extents, element for element.
  const std::vector<tir::VarId>& vars = parallel_->vars;
  if (indices.size() != vars.size()) return std::nullopt;
  std::vector<tir::Index> offsets;
  for (size_t d = 0; d < indices.size(); ++d) {
    std::vector<tir::Index> terms;
    Terms(indices[d], terms);
    std::optional<tir::Index> offset;
    bool found = false;
    for (const tir::Index& term : terms) {
      const auto* v = std::get_if<tir::IndexVar>(&term->node);
      if (v && v->var == vars[d] && !found) {
        found = true;
        continue;
      }
      for (tir::VarId var : vars) {
        if (Mentions(term, var)) return std::nullopt;
      }
      offset = offset ? FoldBinary(tir::IndexOp::Add, *offset, term, at) : term;
    }
    if (!found) return std::nullopt;
    offsets.push_back(offset ? *offset : tir::MakeIndexConst(0, at));
  }
  return offsets;
}

tir::Stmt Binder::LowerParallelBody(const Block& body) {
  tir::SeqStmt seq;
  for (const StmtPtr& stmt : body) {
    const bool docstring = stmt->kind == Stmt::Kind::Expr && stmt->value->kind == Expr::Kind::String;
    if (stmt->kind == Stmt::Kind::Pass || docstring) continue;
    const bool store = (stmt->kind == Stmt::Kind::Assign || stmt->kind == Stmt::Kind::AugAssign) &&
                       stmt->target->kind == Expr::Kind::Subscript;
    if (store) {
      seq.stmts.push_back(LowerStore(*stmt));
    } else if (stmt->kind == Stmt::Kind::Assign && stmt->target->kind == Expr::Kind::Name) {
      LowerParallelLocal(*stmt);
    } else if (stmt->kind == Stmt::Kind::For) {
      Fail(stmt->location, "unsupported: a loop inside T.Parallel");
    } else {
      Fail(stmt->location, "only element-wise stores (X[i, j] = ...) are allowed under T.Parallel");
    }
  }
  return tir::MakeStmt(std::move(seq), body.empty() ? SourceLocation{} : body.front()->location);
}

void Binder::LowerParallelLocal(const Stmt& assign) {
  // A name under T.Parallel stands for an index (`y = start_y + local_y`, as TileLang's element-wise
  // example writes it) or for an element value (`v = C_local[i, j] * 2`); a constant is both.
  const std::string& name = assign.target->text;
  std::optional<tir::Index> index;
  try {
    index = LowerIndex(*assign.value);
  } catch (const compiler::CompileError&) {
    // Not an index expression: it must be a value, whose error is the one worth reporting.
  }
  if (index && std::holds_alternative<tir::IndexConst>((*index)->node)) {
    LowerLocalAssign(assign);
    return;
  }
  if (index) {
    Define(name, IndexAlias{std::move(*index)}, assign.location);
    return;
  }
  Define(name, ValueAlias{LowerValue(*assign.value)}, assign.location);
}

tir::Stmt Binder::LowerStore(const Stmt& stmt) {
  if (!in_parallel_) Fail(stmt.location, "unsupported: an element store outside T.Parallel");
  const Expr& target = *stmt.target;
  const tir::BufferId id = BufferOperand(*target.base, "a store");
  const tir::Buffer& stored = buffer(id);
  if (target.items.size() != stored.shape.size()) {
    Fail(target.location, stored.name + " has rank " + std::to_string(stored.shape.size()) + " but " +
                              std::to_string(target.items.size()) + " indices are given");
  }
  std::vector<tir::Index> indices;
  for (const ExprPtr& item : target.items) {
    if (item->kind == Expr::Kind::Slice) Fail(item->location, "unsupported: a slice as a store index");
    indices.push_back(LowerIndex(*item));
  }
  tir::Value value = LowerValue(*stmt.value);
  tir::BufferId target_id = id;
  std::vector<tir::Index> target_indices = indices;
  if (stored.scope == tir::Scope::Global) {
    // TileLang's element-wise example stores straight into the tensor (C[y, x] = A[y, x] + B[y, x] with
    // y = by * block_M + i): such a store goes to an on-chip tile of the loop's shape, copied out after it.
    if (std::optional<std::vector<tir::Index>> offsets = TileOffsets(indices, stmt.location)) {
      target_id = StagingTile(id, std::move(*offsets), stmt.location);
      target_indices.clear();
      for (tir::VarId var : parallel_->vars) target_indices.push_back(tir::MakeIndexVar(var, stmt.location));
    }
  }
  if (stmt.kind == Stmt::Kind::AugAssign) {
    tir::ValueBinaryOp op;
    if (stmt.text == "+=") op = tir::ValueBinaryOp::Add;
    else if (stmt.text == "-=") op = tir::ValueBinaryOp::Sub;
    else if (stmt.text == "*=") op = tir::ValueBinaryOp::Mul;
    else if (stmt.text == "/=") op = tir::ValueBinaryOp::Div;
    else Fail(stmt.location, "unsupported: " + stmt.text + " in an element-wise store");
    value = tir::MakeValueBinary(op, tir::MakeValueLoad(id, indices, target.location), std::move(value), stmt.location);
  }
  if (stored.scope == tir::Scope::Global) func_.buffers[id.index].is_output = true;
  return tir::MakeStmt(tir::StoreStmt{target_id, std::move(target_indices), std::move(value)}, stmt.location);
}

tir::BufferId Binder::StagingTile(tir::BufferId tensor, std::vector<tir::Index> offsets, SourceLocation at) {
  for (const StagedStore& staged : staged_stores_) {
    if (staged.tensor == tensor) return staged.tile;  // a second store into it: the tile engine reports that
  }
  for (int64_t extent : parallel_->extents) {
    if (extent % 32 != 0) {
      Fail(at, "T.Parallel over " + ShapeText(parallel_->extents) + " stores into tensor " + buffer(tensor).name +
                   ": such a store goes through an on-chip tile of the loop's shape, whose dimensions must be "
                   "multiples of 32 (whole tiles)");
    }
  }
  tir::Buffer tile;
  tile.name = buffer(tensor).name + "_tile";
  for (int suffix = 2; std::any_of(func_.buffers.begin(), func_.buffers.end(), [&](const tir::Buffer& b) { return b.name == tile.name; });
       ++suffix) {
    tile.name = buffer(tensor).name + "_tile" + std::to_string(suffix);
  }
  tile.scope = tir::Scope::Fragment;
  tile.shape = parallel_->extents;
  tile.dtype = buffer(tensor).dtype;
  tile.location = at;
  const tir::BufferId id{static_cast<uint32_t>(func_.buffers.size())};
  func_.buffers.push_back(std::move(tile));
  staged_stores_.push_back({tensor, id, std::move(offsets), at});
  return id;
}

tir::Stmt Binder::LowerLocalAssign(const Stmt& assign) {
  const std::string& name = assign.target->text;
  // A constant (`scale = 0.5`, `tiles = block_K // 32`) or an index expression (`row = by * block_M`).
  try {
    ConstValue value = Evaluate(*assign.value);
    LazyConst constant;
    constant.value = std::move(value);
    constant.location = assign.location;
    Define(name, std::move(constant), assign.location);
    return nullptr;
  } catch (const compiler::CompileError&) {
    // Not a constant: it must be an index expression, whose error is the one worth reporting.
  }
  Define(name, IndexAlias{LowerIndex(*assign.value)}, assign.location);
  return nullptr;
}

}  // namespace tilesim::tile::frontend
