// The tile DSL compiler's pipeline, as one flat function: every pass in order, as passes/passes.def lists
// them. Between passes the IR may be printed (--print-after-all, --print-after=NAME) and, in debug builds,
// is checked by the Tile IR verifier.
#include "compiler/tile/pipeline.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "compiler/tile/build_program.h"
#include "compiler/tile/ir/verifier.h"
#include "compiler/tile/passes/attach_tensor_accessor_tt.h"
#include "compiler/tile/passes/build_tile_dfg_tt.h"
#include "compiler/tile/passes/configure_tensor_accessor_tt.h"
#include "compiler/tile/passes/finalize_persistent_signature_tt.h"
#include "compiler/tile/passes/grid_to_core_grid.h"
#include "compiler/tile/passes/infer_tt_layout.h"
#include "compiler/tile/passes/insert_compute_init_tt.h"
#include "compiler/tile/passes/insert_dst_management_tt.h"
#include "compiler/tile/passes/layout_aware_work_partition_tt.h"
#include "compiler/tile/passes/lower_cb_intrinsics.h"
#include "compiler/tile/passes/lower_shared_to_cb.h"
#include "compiler/tile/passes/lower_tt_tile_intrinsics.h"
#include "compiler/tile/passes/pass_util.h"
#include "compiler/tile/passes/propagate_tt_layout.h"
#include "compiler/tile/passes/split_device_kernel.h"
#include "compiler/tile/passes/verify_tt_ir.h"
#include "tilesim/host.h"

namespace tilesim::tile {

const std::vector<std::string>& PassNames() {
  static const std::vector<std::string> names = {
#define TILESIM_TILE_PASS(name, doc) #name,
#include "compiler/tile/passes/passes.def"
#undef TILESIM_TILE_PASS
  };
  return names;
}

namespace {

// Runs one pass: checks it comes in table order, prints the IR after it if asked, verifies it in debug builds.
class PassRunner {
 public:
  PassRunner(const CompileOptions& options, const std::string& stop_after)
      : options_(options), stop_after_(stop_after) {
    for (const std::string& name : options.print_after) {
      if (std::find(PassNames().begin(), PassNames().end(), name) == PassNames().end()) {
        throw std::invalid_argument(
            fmt::format("--print-after={}: no such pass (passes: {})", name, fmt::join(PassNames(), ", ")));
      }
    }
  }

  using Pass = tir::PrimFunc (*)(tir::PrimFunc, const CompileOptions&);
  tir::PrimFunc operator()(const char* name, Pass pass, tir::PrimFunc func) {
    if (next_ >= PassNames().size() || PassNames()[next_] != name) {
      Internal("pipeline", fmt::format("pass {} run out of the order of passes.def", name));
    }
    ++next_;
    if (stopped_) return func;
    stopped_ = stop_after_ == name;
    func = pass(std::move(func), options_);
    if (options_.print_after_all ||
        std::find(options_.print_after.begin(), options_.print_after.end(), name) != options_.print_after.end()) {
      const std::string text = tir::Print(func);
      if (options_.print) {
        options_.print(name, text);
      } else {
        std::fprintf(stderr, "// ---- IR after %s ----\n%s\n", name, text.c_str());
      }
    }
#ifndef NDEBUG
    const std::vector<std::string> errors = tir::VerifyTileIR(func, /*lowered=*/false);
    if (!errors.empty()) Internal(name, fmt::format("broken IR:\n  {}", fmt::join(errors, "\n  ")));
#endif
    return func;
  }

 private:
  const CompileOptions& options_;
  std::string stop_after_;
  bool stopped_ = false;
  size_t next_ = 0;
};

void CheckL1Budget(const tir::PrimFunc& func, const TTProgram& program) {
  uint64_t bytes = 0;
  for (const CircularBufferPlan& cb : program.circular_buffers) bytes += uint64_t{cb.num_pages} * cb.page_size;
  const uint64_t budget = DeviceOptions{}.l1_size - kL1CircularBufferBase;
  if (bytes > budget) {
    FailAt(func, func.body ? func.body->location : tir::SourceLocation{},
           fmt::format("the circular buffers need {} bytes of L1 per core, {} are available: use smaller blocks or "
                       "fewer pipeline stages",
                       bytes, budget));
  }
}

}  // namespace

tir::PrimFunc RunTilePipeline(const tir::PrimFunc& parsed, const CompileOptions& options,
                              const std::string& stop_after) {
  if (options.grid_x == 0 || options.grid_y == 0) throw std::invalid_argument("the core grid must not be empty");
  if (!stop_after.empty() && std::find(PassNames().begin(), PassNames().end(), stop_after) == PassNames().end()) {
    throw std::invalid_argument("no pass named " + stop_after);
  }
  PassRunner run(options, stop_after);
  tir::PrimFunc f = parsed;
  f = run("InferTTLayout", InferTTLayout, std::move(f));
  f = run("PropagateTTLayout", PropagateTTLayout, std::move(f));
  f = run("AttachTensorAccessorTT", AttachTensorAccessorTT, std::move(f));
  f = run("LayoutAwareWorkPartitionTT", LayoutAwareWorkPartitionTT, std::move(f));
  f = run("GridToCoreGrid", GridToCoreGrid, std::move(f));
  f = run("LowerSharedToCB", LowerSharedToCB, std::move(f));
  f = run("LowerTTTileIntrinsics", LowerTTTileIntrinsics, std::move(f));
  f = run("BuildTileDFGTT", BuildTileDFGTT, std::move(f));
  f = run("SplitDeviceKernel", SplitDeviceKernel, std::move(f));
  f = run("ConfigureTensorAccessorTT", ConfigureTensorAccessorTT, std::move(f));
  f = run("LowerCBIntrinsics", LowerCBIntrinsics, std::move(f));
  f = run("InsertComputeInitTT", InsertComputeInitTT, std::move(f));
  f = run("InsertDSTManagementTT", InsertDSTManagementTT, std::move(f));
  f = run("FinalizePersistentSignatureTT", FinalizePersistentSignatureTT, std::move(f));
  f = run("VerifyTTIR", VerifyTTIR, std::move(f));
  return f;
}

TTProgram Compile(const tir::PrimFunc& parsed, const CompileOptions& options) {
  const tir::PrimFunc f = RunTilePipeline(parsed, options, "");
  TTProgram program = BuildProgram(parsed, f, options);
  CheckL1Budget(parsed, program);
  return program;
}

TTProgram CompileFile(const std::string& path, const CompileOptions& options) {
  return Compile(ParseDslFile(path, options.bindings), options);
}

}  // namespace tilesim::tile
