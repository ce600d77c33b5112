// EvaluateReference (tilesim/tile_runner.h): what a tile DSL kernel computes, evaluated on the host from
// its Tile IR as the front end produced it. The kernel body runs once per grid point, in order, with its
// own on-chip buffers; T.copy moves regions row by row, T.gemm goes through Eigen's fp32 GEMM on Maps of
// the buffers, and T.Parallel bodies run compiled postfix programs (reference_expr.h).
#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "runtime/tile/reference_copy_gemm.h"
#include "runtime/tile/reference_expr.h"
#include "tilesim/compiler.h"
#include "tilesim/data_format.h"
#include "tilesim/tile_runner.h"

namespace tilesim::tile {

namespace {

using ref::Storage;

class Evaluator {
 public:
  Evaluator(const tir::PrimFunc& func, const HostTensors& inputs);
  HostTensors Run();

 private:
  [[noreturn]] void Internal(tir::SourceLocation location, const std::string& message) const {
    throw compiler::InternalError(fmt::format("{}: tile reference: {}", ref::Where(func_, location), message));
  }
  void Execute(const tir::Stmt& stmt);
  void ExecuteKernel(const tir::KernelStmt& kernel, tir::SourceLocation location);
  void ExecuteAlloc(const tir::AllocStmt& alloc, tir::SourceLocation location);
  void ExecuteFill(const tir::FillStmt& fill, tir::SourceLocation location);
  void ExecuteFor(const tir::ForStmt& loop, tir::SourceLocation location);
  void ExecuteParallel(const tir::ParallelStmt& parallel, tir::SourceLocation location);
  void CollectStores(const tir::Stmt& stmt, std::vector<std::pair<const tir::StoreStmt*, tir::SourceLocation>>& out);
  ref::Region ResolveRegion(const tir::BufferRegion& region, tir::SourceLocation location, const char* side);

  // Binds `var` for the lifetime of the guard and restores what it was before (loops may reuse a variable).
  class Binding {
   public:
    Binding(ref::VarState& vars, tir::VarId var) : vars_(vars), var_(var.index) {
      saved_value_ = vars_.values[var_];
      saved_bound_ = vars_.bound[var_];
      vars_.bound[var_] = 1;
    }
    ~Binding() {
      vars_.values[var_] = saved_value_;
      vars_.bound[var_] = saved_bound_;
    }
    Binding(const Binding&) = delete;
    Binding& operator=(const Binding&) = delete;

   private:
    ref::VarState& vars_;
    uint32_t var_;
    int64_t saved_value_;
    char saved_bound_;
  };
  void CheckVar(tir::VarId var, tir::SourceLocation location) const {
    if (var.index >= vars_.values.size()) Internal(location, fmt::format("variable #{} does not exist", var.index));
  }

  const tir::PrimFunc& func_;
  std::vector<Storage> storage_;  // one per buffer; never resized, so compiled programs may point into it
  ref::VarState vars_;
  bool in_kernel_ = false;
};

Evaluator::Evaluator(const tir::PrimFunc& func, const HostTensors& inputs) : func_(func) {
  storage_.resize(func.buffers.size());
  for (size_t i = 0; i < func.buffers.size(); ++i) {
    const tir::Buffer& buffer = func.buffers[i];
    Storage& storage = storage_[i];
    storage.buffer = &buffer;
    storage.shape = ref::ShapeOf(func, buffer);
    storage.bf16 = buffer.dtype == tir::DType::BFloat16;
    storage.global = buffer.scope == tir::Scope::Global;
  }
  vars_.values.assign(func.vars.size(), 0);
  vars_.bound.assign(func.vars.size(), 0);

  for (const tir::BufferId param : func.params) {
    if (param.index >= storage_.size()) Internal({}, fmt::format("parameter buffer #{} does not exist", param.index));
    Storage& storage = storage_[param.index];
    const tir::Buffer& buffer = *storage.buffer;
    if (!storage.global) Internal(buffer.location, fmt::format("parameter '{}' is not a global tensor", buffer.name));
    const auto expected = static_cast<size_t>(storage.shape.count());
    const auto found = inputs.find(buffer.name);
    if (found == inputs.end()) {
      if (!buffer.is_output) {
        throw std::invalid_argument(fmt::format("EvaluateReference({}): missing input tensor '{}' ({} {} values)",
                                                func.name, buffer.name, expected, tir::ToString(buffer.dtype)));
      }
      storage.values.assign(expected, 0.0f);  // TileLang leaves outputs undefined; zero is as good as any
    } else {
      // An output given as an input starts from those values (a kernel may read what it accumulates into).
      if (found->second.size() != expected) {
        throw std::invalid_argument(fmt::format("EvaluateReference({}): tensor '{}' has {} values, expected {} ({}x{})",
                                                func.name, buffer.name, found->second.size(), expected,
                                                storage.shape.rows, storage.shape.cols));
      }
      storage.values = found->second;
      if (storage.bf16) {
        for (float& v : storage.values) v = RoundToBf16(v);
      }
    }
    storage.allocated = true;
  }
  for (const auto& [name, values] : inputs) {
    const bool known = std::any_of(func.params.begin(), func.params.end(),
                                   [&](tir::BufferId id) { return storage_[id.index].buffer->name == name; });
    if (!known) {
      throw std::invalid_argument(
          fmt::format("EvaluateReference({}): '{}' is not a parameter of the kernel", func.name, name));
    }
  }
}

HostTensors Evaluator::Run() {
  if (!func_.body) Internal({}, fmt::format("prim_func '{}' has no body (was it split into kernels?)", func_.name));
  Execute(func_.body);
  HostTensors outputs;
  for (const tir::BufferId param : func_.params) {
    Storage& storage = storage_[param.index];
    if (storage.buffer->is_output) outputs[storage.buffer->name] = std::move(storage.values);
  }
  return outputs;
}

void Evaluator::Execute(const tir::Stmt& stmt) {
  if (!stmt) Internal({}, "null statement");
  const tir::SourceLocation location = stmt->location;
  if (const auto* kernel = std::get_if<tir::KernelStmt>(&stmt->node)) {
    ExecuteKernel(*kernel, location);
  } else if (const auto* alloc = std::get_if<tir::AllocStmt>(&stmt->node)) {
    ExecuteAlloc(*alloc, location);
  } else if (const auto* copy = std::get_if<tir::CopyStmt>(&stmt->node)) {
    ref::Region src = ResolveRegion(copy->src, location, "T.copy source");
    ref::Region dst = ResolveRegion(copy->dst, location, "T.copy destination");
    ref::CopyRegion(func_, src, dst, location);
  } else if (const auto* gemm = std::get_if<tir::GemmStmt>(&stmt->node)) {
    ref::Gemm(func_, storage_, *gemm, location);
  } else if (const auto* fill = std::get_if<tir::FillStmt>(&stmt->node)) {
    ExecuteFill(*fill, location);
  } else if (const auto* loop = std::get_if<tir::ForStmt>(&stmt->node)) {
    ExecuteFor(*loop, location);
  } else if (const auto* parallel = std::get_if<tir::ParallelStmt>(&stmt->node)) {
    ExecuteParallel(*parallel, location);
  } else if (std::holds_alternative<tir::StoreStmt>(stmt->node)) {
    // A store outside T.Parallel: the same as a T.Parallel over no loop variables.
    ExecuteParallel(tir::ParallelStmt{{}, {}, stmt}, location);
  } else if (const auto* seq = std::get_if<tir::SeqStmt>(&stmt->node)) {
    for (const tir::Stmt& child : seq->stmts) Execute(child);
  } else {
    Internal(location, "a lowered statement (let, if, call, CB / tile / DST region); the reference reads the IR as parsed");
  }
}

void Evaluator::ExecuteKernel(const tir::KernelStmt& kernel, tir::SourceLocation location) {
  if (in_kernel_) Internal(location, "T.Kernel inside T.Kernel");
  if (kernel.grid.empty() || kernel.grid.size() > 2 || kernel.grid.size() != kernel.block_vars.size()) {
    Internal(location, fmt::format("T.Kernel with {} extents and {} block variables", kernel.grid.size(),
                                   kernel.block_vars.size()));
  }
  for (const int64_t extent : kernel.grid) {
    if (extent < 0) Internal(location, fmt::format("T.Kernel extent {} is negative", extent));
  }
  for (const tir::VarId var : kernel.block_vars) CheckVar(var, location);
  const int64_t grid_x = kernel.grid[0];
  const int64_t grid_y = kernel.grid.size() == 2 ? kernel.grid[1] : 1;
  Binding bind_x(vars_, kernel.block_vars[0]);
  std::optional<Binding> bind_y;
  if (kernel.block_vars.size() == 2) bind_y.emplace(vars_, kernel.block_vars[1]);
  in_kernel_ = true;
  for (int64_t by = 0; by < grid_y; ++by) {
    for (int64_t bx = 0; bx < grid_x; ++bx) {
      vars_.values[kernel.block_vars[0].index] = bx;
      if (bind_y) vars_.values[kernel.block_vars[1].index] = by;
      Execute(kernel.body);
      // Each grid point has its own on-chip buffers: the next one must allocate them again.
      for (Storage& storage : storage_) {
        if (!storage.global) storage.allocated = false;
      }
    }
  }
  in_kernel_ = false;
}

void Evaluator::ExecuteAlloc(const tir::AllocStmt& alloc, tir::SourceLocation location) {
  if (alloc.buffer.index >= storage_.size()) {
    Internal(location, fmt::format("allocation of buffer #{}, which does not exist", alloc.buffer.index));
  }
  Storage& storage = storage_[alloc.buffer.index];
  if (storage.global) Internal(location, fmt::format("allocation of the global tensor '{}'", storage.buffer->name));
  // TileLang leaves new buffers undefined; zeros make a kernel that reads before writing deterministic.
  storage.values.assign(static_cast<size_t>(storage.shape.count()), 0.0f);
  storage.allocated = true;
}

void Evaluator::ExecuteFill(const tir::FillStmt& fill, tir::SourceLocation location) {
  Storage& storage = ref::StorageOf(func_, storage_, fill.buffer, location, "T.fill");
  const auto value = static_cast<float>(fill.value);
  std::fill(storage.values.begin(), storage.values.end(), storage.bf16 ? RoundToBf16(value) : value);
}

void Evaluator::ExecuteFor(const tir::ForStmt& loop, tir::SourceLocation location) {
  CheckVar(loop.var, location);
  const int64_t extent = ref::EvaluateIndex(func_, loop.extent, vars_);  // range(n) with n <= 0 runs nothing
  Binding bind(vars_, loop.var);
  for (int64_t i = 0; i < extent; ++i) {
    vars_.values[loop.var.index] = i;
    Execute(loop.body);
  }
}

void Evaluator::CollectStores(const tir::Stmt& stmt,
                              std::vector<std::pair<const tir::StoreStmt*, tir::SourceLocation>>& out) {
  if (!stmt) Internal({}, "null statement under T.Parallel");
  if (const auto* store = std::get_if<tir::StoreStmt>(&stmt->node)) {
    out.emplace_back(store, stmt->location);
  } else if (const auto* seq = std::get_if<tir::SeqStmt>(&stmt->node)) {
    for (const tir::Stmt& child : seq->stmts) CollectStores(child, out);
  } else {
    Internal(stmt->location, "only element-wise stores may appear under T.Parallel");
  }
}

void Evaluator::ExecuteParallel(const tir::ParallelStmt& parallel, tir::SourceLocation location) {
  if (parallel.vars.size() != parallel.extents.size()) {
    Internal(location, fmt::format("T.Parallel with {} variables and {} extents", parallel.vars.size(),
                                   parallel.extents.size()));
  }
  std::vector<std::pair<const tir::StoreStmt*, tir::SourceLocation>> stores;
  CollectStores(parallel.body, stores);

  std::vector<std::unique_ptr<Binding>> bindings;
  int64_t total = 1;
  for (size_t d = 0; d < parallel.vars.size(); ++d) {
    const tir::VarId var = parallel.vars[d];
    CheckVar(var, location);
    if (std::count(parallel.vars.begin(), parallel.vars.end(), var) != 1) {
      Internal(location, fmt::format("T.Parallel binds '{}' twice", func_.vars[var.index].name));
    }
    if (parallel.extents[d] < 0 || __builtin_mul_overflow(total, parallel.extents[d], &total)) {
      Internal(location, fmt::format("T.Parallel extent {} is negative or too large", parallel.extents[d]));
    }
    bindings.push_back(std::make_unique<Binding>(vars_, var));
    vars_.values[var.index] = 0;
  }

  struct CompiledStore {
    ref::ElementAccess target;
    ref::ValueProgram value;
  };
  std::vector<CompiledStore> compiled;
  compiled.reserve(stores.size());
  for (const auto& [store, store_location] : stores) {
    Storage& target = ref::StorageOf(func_, storage_, store->buffer, store_location, "a store");
    compiled.push_back({ref::ElementAccess(func_, target, store->indices, store_location, vars_),
                        ref::ValueProgram(func_, store->value, storage_, vars_)});
  }

  // Every index tuple in row-major order (the last variable fastest), each store of the body in order.
  int64_t* vars = vars_.values.data();
  for (int64_t n = 0; n < total; ++n) {
    for (const CompiledStore& store : compiled) {
      const float value = store.value.Run(vars);
      const int64_t position = store.target.Position(vars);
      if (position < 0) continue;  // outside a global tensor: dropped, as T.copy drops it
      Storage& target = store.target.storage();
      target.values[static_cast<size_t>(position)] = target.bf16 ? RoundToBf16(value) : value;
    }
    for (size_t d = parallel.vars.size(); d-- > 0;) {
      int64_t& index = vars[parallel.vars[d].index];
      if (++index < parallel.extents[d]) break;
      index = 0;
    }
  }
}

ref::Region Evaluator::ResolveRegion(const tir::BufferRegion& region, tir::SourceLocation location,
                                     const char* side) {
  Storage& storage = ref::StorageOf(func_, storage_, region.buffer, location, side);
  const size_t rank = storage.buffer->shape.size();
  if (region.offsets.size() != rank || region.extents.size() != rank) {
    Internal(location, fmt::format("{} region of '{}' has {} offsets and {} extents for rank {}", side,
                                   storage.buffer->name, region.offsets.size(), region.extents.size(), rank));
  }
  ref::Region out;
  out.storage = &storage;
  out.row = rank == 2 ? ref::EvaluateIndex(func_, region.offsets[0], vars_) : 0;
  out.col = ref::EvaluateIndex(func_, region.offsets.back(), vars_);
  out.rows = rank == 2 ? region.extents[0] : 1;
  out.cols = region.extents.back();
  if (out.rows < 0 || out.cols < 0) {
    Internal(location, fmt::format("{} region of '{}' has a negative extent", side, storage.buffer->name));
  }
  const bool inside = out.row >= 0 && out.col >= 0 && out.row <= storage.shape.rows - out.rows &&
                      out.col <= storage.shape.cols - out.cols;
  if (!storage.global && !inside) {
    Internal(location, fmt::format("{} region [{}:{}, {}:{}] is outside the {} buffer '{}' ({}x{})", side, out.row,
                                   out.row + out.rows, out.col, out.col + out.cols, tir::ToString(storage.buffer->scope),
                                   storage.buffer->name, storage.shape.rows, storage.shape.cols));
  }
  return out;
}

}  // namespace

HostTensors EvaluateReference(const tir::PrimFunc& func, const HostTensors& inputs) {
  Evaluator evaluator(func, inputs);
  return evaluator.Run();
}

}  // namespace tilesim::tile
