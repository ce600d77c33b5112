// The binder: one @T.prim_func to Tile IR — parameters, the T.Kernel block and its tile-level statements.
#include <algorithm>

#include "compiler/tile/frontend/binder.h"

namespace tilesim::tile::frontend {

std::string ShapeText(const std::vector<int64_t>& extents) {
  std::string text;
  for (size_t i = 0; i < extents.size(); ++i) {
    text += i ? "x" : "";
    text += std::to_string(extents[i]);
  }
  return text;
}

namespace {

// Matches a call's positional and keyword arguments to parameter names. Keywords in `ignored` (GPU hints
// such as policy=, coalesced_width=) are accepted and dropped.
class CallArguments {
 public:
  CallArguments(const Binder& binder, const Expr& call, std::string callee, std::vector<std::string> names,
                std::vector<std::string> ignored = {})
      : callee_(std::move(callee)), names_(std::move(names)), values_(names_.size(), nullptr) {
    if (call.items.size() > names_.size()) {
      binder.Fail(call.items[names_.size()]->location, callee_ + " takes at most " + std::to_string(names_.size()) +
                                                           " positional arguments, got " + std::to_string(call.items.size()));
    }
    for (size_t i = 0; i < call.items.size(); ++i) values_[i] = call.items[i].get();
    for (const Keyword& keyword : call.keywords) {
      auto found = std::find(names_.begin(), names_.end(), keyword.name);
      if (found == names_.end()) {
        if (std::find(ignored.begin(), ignored.end(), keyword.name) != ignored.end()) continue;
        binder.Fail(keyword.location, callee_ + " has no argument named " + keyword.name);
      }
      const Expr*& slot = values_[found - names_.begin()];
      if (slot != nullptr) binder.Fail(keyword.location, callee_ + " got argument " + keyword.name + " twice");
      slot = keyword.value.get();
    }
    location_ = call.location;
  }
  const Expr* Optional(size_t index) const { return values_[index]; }
  const Expr& Required(const Binder& binder, size_t index) const {
    if (values_[index] == nullptr) binder.Fail(location_, callee_ + " needs its argument " + names_[index]);
    return *values_[index];
  }

 private:
  std::string callee_;
  std::vector<std::string> names_;
  std::vector<const Expr*> values_;
  SourceLocation location_;
};

bool EvaluateBool(Binder& binder, const Expr& expr, const std::string& what) {
  ConstValue value = binder.Evaluate(expr);
  if (const auto* flag = std::get_if<bool>(&value.value)) return *flag;
  if (value.is_int() && (value.as_int() == 0 || value.as_int() == 1)) return value.as_int() == 1;
  binder.Fail(expr.location, what + " must be True or False, not " + value.Describe());
}

}  // namespace

struct Binder::RegionSide {
  tir::BufferId id;
  std::vector<tir::Index> offsets;
  std::optional<std::vector<int64_t>> extents;  // unset for `A[r0, c0]`: the other side's extents
  SourceLocation location;
};

tir::VarId Binder::NewVar(const std::string& name, SourceLocation location) {
  func_.vars.push_back({name, location});
  return tir::VarId{static_cast<uint32_t>(func_.vars.size() - 1)};
}

tir::BufferId Binder::BufferOperand(const Expr& expr, const std::string& what) {
  if (expr.kind == Expr::Kind::Name) {
    if (NameEntry* entry = Lookup(expr.text)) {
      if (const auto* name = std::get_if<BufferName>(entry)) return name->id;
    } else {
      Fail(expr.location, "unknown name '" + expr.text + "'");
    }
  }
  Fail(expr.location, what + " needs a buffer, but " + Unparse(expr) + " is not one");
}

void Binder::LowerPrimFunc(const Stmt& def) {
  func_.name = def.name;
  func_.source_file = module_.file;
  PushScope();
  for (const Param& param : def.params) LowerParam(param);
  const SourceLocation def_location = def.location;
  BindDeclarations(def.body);  // local constants and imports, before the kernel that uses them
  for (const StmtPtr& stmt : def.body) {
    switch (stmt->kind) {
      case Stmt::Kind::Pass: break;
      case Stmt::Kind::Expr:
        if (stmt->value->kind != Expr::Kind::String) Fail(stmt->location, "unsupported outside T.Kernel: " + Unparse(*stmt->value));
        break;  // a docstring
      case Stmt::Kind::Assign:
      case Stmt::Kind::Import: break;  // bound above
      case Stmt::Kind::With:
        if (seen_kernel_) Fail(stmt->location, "only one T.Kernel per prim_func is supported");
        func_.body = LowerKernelWith(*stmt);
        seen_kernel_ = true;
        break;
      case Stmt::Kind::Return:
        if (stmt->value) Fail(stmt->location, "a prim_func returns nothing");
        break;
      case Stmt::Kind::For: Fail(stmt->location, "unsupported outside T.Kernel: for loops");
      default: Fail(stmt->location, "unsupported outside T.Kernel: this statement");
    }
  }
  if (!seen_kernel_) Fail(def_location, "prim_func " + def.name + " has no `with T.Kernel(...)` block");
  RecordConstants();
  PopScope();
}

void Binder::LowerParam(const Param& param) {
  if (param.default_value) Fail(param.location, "prim_func parameter " + param.name + " may not have a default");
  const Expr* annotation = param.annotation.get();
  std::optional<std::string> member = annotation && annotation->kind == Expr::Kind::Call
                                          ? LanguageMember(*annotation->base) : std::nullopt;
  if (!member || (*member != "Tensor" && *member != "Buffer")) {
    Fail(param.location, "parameter " + param.name + " needs a T.Tensor((dims...), dtype) annotation");
  }
  CallArguments args(*this, *annotation, "T." + *member, {"shape", "dtype"});
  tir::Buffer tensor;
  tensor.name = param.name;
  tensor.scope = tir::Scope::Global;
  tensor.location = param.location;
  tensor.shape = EvaluateShape(args.Required(*this, 0), param.name);
  tensor.dtype = args.Optional(1) ? EvaluateDType(*args.Optional(1)) : tir::DType::Float32;  // TVM's default
  const tir::BufferId id{static_cast<uint32_t>(func_.buffers.size())};
  Define(param.name, BufferName{id}, param.location);
  func_.buffers.push_back(std::move(tensor));
  func_.params.push_back(id);
}

tir::Stmt Binder::LowerKernelWith(const Stmt& with) {
  const Expr& call = *with.value;
  if (call.kind != Expr::Kind::Call || LanguageMember(*call.base) != "Kernel") {
    Fail(with.location, "unsupported: with " + Unparse(call) + " (expected with T.Kernel(...))");
  }
  if (call.items.empty() || call.items.size() > 2) {
    Fail(call.location, "T.Kernel with " + std::to_string(call.items.size()) + " grid dimensions: 1 or 2 are supported");
  }
  tir::KernelStmt kernel;
  for (const ExprPtr& item : call.items) {
    const int64_t extent = EvaluateInt(*item, "grid extent");
    if (extent <= 0) Fail(StartOf(*item), "grid extent must be positive, but it is " + std::to_string(extent));
    kernel.grid.push_back(extent);
  }
  if (!with.targets.empty() && with.targets.size() != kernel.grid.size()) {
    Fail(with.target_locations[0], "T.Kernel has " + std::to_string(kernel.grid.size()) + " grid dimension(s) but " +
                                       std::to_string(with.targets.size()) + " block index names");
  }
  PushScope();
  for (size_t i = 0; i < kernel.grid.size(); ++i) {
    const bool named = i < with.targets.size();
    const std::string name = named ? with.targets[i] : (i == 0 ? "bx" : "by");
    const SourceLocation at = named ? with.target_locations[i] : with.location;
    kernel.block_vars.push_back(NewVar(name, at));
    if (named) Define(name, IndexVarName{kernel.block_vars.back()}, at);
  }
  kernel.body = LowerBlock(with.body);
  PopScope();
  return tir::MakeStmt(std::move(kernel), with.location);
}

tir::Stmt Binder::LowerBlock(const Block& body) {
  tir::SeqStmt seq;
  for (const StmtPtr& stmt : body) {
    if (tir::Stmt lowered = LowerStatement(*stmt)) seq.stmts.push_back(std::move(lowered));
  }
  return tir::MakeStmt(std::move(seq), body.empty() ? SourceLocation{} : body.front()->location);
}

tir::Stmt Binder::LowerStatement(const Stmt& stmt) {
  switch (stmt.kind) {
    case Stmt::Kind::Pass: return nullptr;
    case Stmt::Kind::Expr:
      if (stmt.value->kind == Expr::Kind::String) return nullptr;  // a docstring
      if (stmt.value->kind == Expr::Kind::Call) return LowerCallStatement(*stmt.value);
      Fail(stmt.location, "unsupported statement: " + Unparse(*stmt.value));
    case Stmt::Kind::Assign:
      if (stmt.target->kind == Expr::Kind::Name && stmt.value->kind == Expr::Kind::Call) {
        std::optional<std::string> member = LanguageMember(*stmt.value->base);
        if (member && (*member == "alloc_shared" || *member == "alloc_fragment" || *member == "alloc_local")) {
          return LowerAlloc(stmt, *stmt.value, *member);
        }
      }
      if (stmt.target->kind == Expr::Kind::Subscript) return LowerStore(stmt);
      if (stmt.target->kind == Expr::Kind::Name) return LowerLocalAssign(stmt);
      Fail(stmt.location, "unsupported: assignment to " + Unparse(*stmt.target));
    case Stmt::Kind::AugAssign:
      if (stmt.target->kind == Expr::Kind::Subscript) return LowerStore(stmt);
      Fail(stmt.location, "unsupported: " + stmt.text + " on " + Unparse(*stmt.target));
    case Stmt::Kind::For: return LowerFor(stmt);
    case Stmt::Kind::With:
      if (stmt.value->kind == Expr::Kind::Call && LanguageMember(*stmt.value->base) == "Kernel") {
        Fail(stmt.location, "only one T.Kernel per prim_func is supported");
      }
      Fail(stmt.location, "unsupported: with " + Unparse(*stmt.value));
    case Stmt::Kind::FunctionDef:
    case Stmt::Kind::Skipped: Fail(stmt.location, "unsupported: a def inside a kernel");
    case Stmt::Kind::Return: Fail(stmt.location, "unsupported: return inside a kernel");
    case Stmt::Kind::Import: Fail(stmt.location, "unsupported: import inside a kernel");
  }
  Fail(stmt.location, "unsupported statement");
}

tir::Stmt Binder::LowerCallStatement(const Expr& call) {
  std::optional<std::string> member = LanguageMember(*call.base);
  if (!member) Fail(call.location, "unsupported statement: a call to " + Unparse(*call.base));
  if (*member == "clear" || *member == "fill") return LowerFill(call, *member);
  if (*member == "copy") return LowerCopy(call);
  if (*member == "gemm") return LowerGemm(call);
  // GPU scheduling hints: they say nothing about what the kernel computes.
  if (*member == "use_swizzle" || *member == "annotate_layout" || *member == "no_set_max_nreg") return nullptr;
  Fail(call.location, "unsupported: T." + *member);
}

tir::Stmt Binder::LowerAlloc(const Stmt& assign, const Expr& call, const std::string& member) {
  CallArguments args(*this, call, "T." + member, {"shape", "dtype", "scope"});
  const std::string& name = assign.target->text;
  tir::Buffer buffer;
  buffer.name = name;
  buffer.scope = member == "alloc_shared" ? tir::Scope::Shared : tir::Scope::Fragment;
  buffer.location = assign.location;
  buffer.shape = EvaluateShape(args.Required(*this, 0), name);
  buffer.dtype = EvaluateDType(args.Required(*this, 1));
  const tir::BufferId id{static_cast<uint32_t>(func_.buffers.size())};
  Define(name, BufferName{id}, assign.location);
  func_.buffers.push_back(std::move(buffer));
  return tir::MakeStmt(tir::AllocStmt{id}, assign.location);
}

tir::Stmt Binder::LowerFill(const Expr& call, const std::string& member) {
  const bool clear = member == "clear";
  CallArguments args(*this, call, "T." + member, clear ? std::vector<std::string>{"buffer"} : std::vector<std::string>{"buffer", "value"});
  const tir::BufferId id = BufferOperand(args.Required(*this, 0), "T." + member);
  if (buffer(id).scope == tir::Scope::Global) {
    Fail(call.location, "T." + member + " needs an on-chip buffer, but " + buffer(id).name + " is a global tensor");
  }
  double value = 0;
  if (!clear) {
    const Expr& value_expr = args.Required(*this, 1);
    ConstValue constant = Evaluate(value_expr);
    if (!constant.is_number()) Fail(value_expr.location, "T.fill needs a number, not " + constant.Describe());
    value = constant.as_double();
  }
  return tir::MakeStmt(tir::FillStmt{id, value}, call.location);
}

Binder::RegionSide Binder::LowerRegionSide(const Expr& expr) {
  RegionSide side;
  side.location = expr.location;
  const Expr& base = expr.kind == Expr::Kind::Subscript ? *expr.base : expr;
  side.id = BufferOperand(base, "T.copy");
  const tir::Buffer& target = buffer(side.id);
  const size_t rank = target.shape.size();
  if (expr.kind != Expr::Kind::Subscript) {
    side.offsets.assign(rank, tir::MakeIndexConst(0, expr.location));
    side.extents = target.shape;
    return side;
  }
  if (expr.items.size() != rank) {
    Fail(expr.location, target.name + " has rank " + std::to_string(rank) + " but " + std::to_string(expr.items.size()) +
                            " indices are given");
  }
  const bool any_slice = std::any_of(expr.items.begin(), expr.items.end(),
                                     [](const ExprPtr& item) { return item->kind == Expr::Kind::Slice; });
  std::vector<int64_t> extents;
  for (size_t d = 0; d < rank; ++d) {
    const Expr& item = *expr.items[d];
    if (item.kind != Expr::Kind::Slice) {
      side.offsets.push_back(LowerIndex(item));
      extents.push_back(1);
      continue;
    }
    if (item.items[2]) Fail(item.location, "unsupported: a slice with a step");
    tir::Index lower = item.items[0] ? LowerIndex(*item.items[0]) : tir::MakeIndexConst(0, item.location);
    tir::Index upper = item.items[1] ? LowerIndex(*item.items[1]) : tir::MakeIndexConst(target.shape[d], item.location);
    std::optional<int64_t> extent = ConstantDifference(upper, lower);
    if (!extent) Fail(item.location, "the extent of the slice " + Unparse(item) + " is not a constant");
    if (*extent <= 0) Fail(item.location, "the slice " + Unparse(item) + " is empty");
    side.offsets.push_back(std::move(lower));
    extents.push_back(*extent);
  }
  if (any_slice) side.extents = std::move(extents);
  return side;
}

tir::Stmt Binder::LowerCopy(const Expr& call) {
  CallArguments args(*this, call, "T.copy", {"src", "dst"},
                     {"coalesced_width", "disable_tma", "eviction_policy", "loop_layout"});
  RegionSide src = LowerRegionSide(args.Required(*this, 0));
  RegionSide dst = LowerRegionSide(args.Required(*this, 1));
  const tir::Buffer& src_buffer = buffer(src.id);
  const tir::Buffer& dst_buffer = buffer(dst.id);
  if (src_buffer.scope == tir::Scope::Global && dst_buffer.scope == tir::Scope::Global) {
    Fail(call.location, "unsupported: T.copy between two global tensors (" + src_buffer.name + ", " + dst_buffer.name + ")");
  }
  if (!src.extents && !dst.extents) {
    Fail(call.location, "T.copy needs the extents of one side: give a whole buffer or a slice such as A[r0:r1, c0:c1]");
  }
  // `A[r0, c0]`: the region has the other side's extents, aligned on the trailing dimensions.
  auto derive = [&](RegionSide& side, const std::vector<int64_t>& other) {
    const size_t rank = side.offsets.size();
    std::vector<int64_t> extents(other);
    while (extents.size() > rank) {
      if (extents.front() != 1) {
        Fail(side.location, "T.copy cannot fit a " + ShapeText(other) + " region into rank-" + std::to_string(rank) + " " +
                                buffer(side.id).name);
      }
      extents.erase(extents.begin());
    }
    while (extents.size() < rank) extents.insert(extents.begin(), 1);
    side.extents = std::move(extents);
  };
  if (!src.extents) derive(src, *dst.extents);
  if (!dst.extents) derive(dst, *src.extents);
  auto squeezed = [](std::vector<int64_t> extents) {
    while (extents.size() > 1 && extents.front() == 1) extents.erase(extents.begin());
    return extents;
  };
  if (squeezed(*src.extents) != squeezed(*dst.extents)) {
    Fail(call.location, "T.copy shapes differ: " + src_buffer.name + " region is " + ShapeText(*src.extents) + " but " +
                            dst_buffer.name + " region is " + ShapeText(*dst.extents));
  }
  for (const RegionSide* side : {&src, &dst}) {
    const tir::Buffer& target = buffer(side->id);
    if (target.scope == tir::Scope::Global) continue;  // out-of-bounds parts of a global region read as 0
    for (size_t d = 0; d < target.shape.size(); ++d) {
      const auto* offset = std::get_if<tir::IndexConst>(&side->offsets[d]->node);
      if (offset && (offset->value < 0 || offset->value + (*side->extents)[d] > target.shape[d])) {
        Fail(side->location, "T.copy region " + ShapeText(*side->extents) + " at offset " + std::to_string(offset->value) +
                                 " in dimension " + std::to_string(d) + " does not fit " + target.name + " (" +
                                 ShapeText(target.shape) + ")");
      }
    }
  }
  if (dst_buffer.scope == tir::Scope::Global) func_.buffers[dst.id.index].is_output = true;
  tir::CopyStmt copy{{src.id, std::move(src.offsets), std::move(*src.extents)},
                     {dst.id, std::move(dst.offsets), std::move(*dst.extents)}};
  return tir::MakeStmt(std::move(copy), call.location);
}

tir::Stmt Binder::LowerGemm(const Expr& call) {
  CallArguments args(*this, call, "T.gemm",
                     {"A", "B", "C", "transpose_A", "transpose_B", "policy", "clear_accum", "k_pack", "wg_wait"});
  tir::GemmStmt gemm;
  gemm.a = BufferOperand(args.Required(*this, 0), "T.gemm");
  gemm.b = BufferOperand(args.Required(*this, 1), "T.gemm");
  gemm.c = BufferOperand(args.Required(*this, 2), "T.gemm");
  if (const Expr* flag = args.Optional(3)) gemm.transpose_a = EvaluateBool(*this, *flag, "transpose_A");
  if (const Expr* flag = args.Optional(4)) gemm.transpose_b = EvaluateBool(*this, *flag, "transpose_B");
  if (const Expr* flag = args.Optional(6)) gemm.clear_accum = EvaluateBool(*this, *flag, "clear_accum");
  for (size_t i = 0; i < 3; ++i) {
    const tir::Buffer& operand = buffer(i == 0 ? gemm.a : i == 1 ? gemm.b : gemm.c);
    const SourceLocation at = args.Required(*this, i).location;
    if (operand.scope == tir::Scope::Global) Fail(at, "T.gemm needs on-chip buffers, but " + operand.name + " is a global tensor");
    if (operand.shape.size() != 2) Fail(at, "T.gemm needs rank-2 buffers, but " + operand.name + " has rank " + std::to_string(operand.shape.size()));
  }
  // TileLang also lets T.gemm read an operand from a fragment (T.copy(A[...], A_local)); on a Tensix core
  // an operand is an L1 buffer either way, so such a fragment is a shared buffer. An accumulator stays one.
  for (const tir::BufferId operand : {gemm.a, gemm.b}) {
    tir::Buffer& staged = func_.buffers[operand.index];
    if (staged.scope == tir::Scope::Fragment && !accumulators_.count(operand.index)) staged.scope = tir::Scope::Shared;
  }
  if (buffer(gemm.c).scope == tir::Scope::Shared) {
    Fail(args.Required(*this, 2).location, "T.gemm accumulates into " + buffer(gemm.c).name +
                                               ", a shared buffer (or a fragment an earlier T.gemm reads): use a "
                                               "T.alloc_fragment of its own");
  }
  accumulators_.insert(gemm.c.index);
  const tir::Buffer& a = buffer(gemm.a);
  const tir::Buffer& b = buffer(gemm.b);
  const tir::Buffer& c = buffer(gemm.c);
  const int64_t m = a.shape[gemm.transpose_a ? 1 : 0];
  const int64_t k_a = a.shape[gemm.transpose_a ? 0 : 1];
  const int64_t k_b = b.shape[gemm.transpose_b ? 1 : 0];
  const int64_t n = b.shape[gemm.transpose_b ? 0 : 1];
  if (k_a != k_b) {
    Fail(call.location, "T.gemm inner dimensions differ: " + a.name + " (" + ShapeText(a.shape) + (gemm.transpose_a ? ", transposed" : "") +
                            ") has K = " + std::to_string(k_a) + " but " + b.name + " (" + ShapeText(b.shape) +
                            (gemm.transpose_b ? ", transposed" : "") + ") has K = " + std::to_string(k_b));
  }
  if (c.shape[0] != m || c.shape[1] != n) {
    Fail(call.location, "T.gemm result " + c.name + " is " + ShapeText(c.shape) + " but " + a.name + " x " + b.name + " is " +
                            std::to_string(m) + "x" + std::to_string(n));
  }
  return tir::MakeStmt(std::move(gemm), call.location);
}

}  // namespace tilesim::tile::frontend
