// tilesim run <workload> [options]: runs a built-in workload, prints a summary or one JSON object.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "tilesim/data_format.h"
#include "tilesim/perf.h"
#include "tilesim/workloads.h"
#include "tools/commands.h"

namespace tilesim::tools {

namespace {

constexpr uint32_t kMaxExtent = 16384;  // larger shapes would not fit host memory and time sensibly

// "8x8" -> (8, 8); false if malformed or outside 1..64.
bool ParseGrid(const std::string& text, uint32_t& x, uint32_t& y) {
  const size_t sep = text.find('x');
  if (sep == std::string::npos || sep == 0 || sep + 1 == text.size()) return false;
  try {
    size_t used_x = 0, used_y = 0;
    const unsigned long gx = std::stoul(text.substr(0, sep), &used_x);
    const unsigned long gy = std::stoul(text.substr(sep + 1), &used_y);
    if (used_x != sep || used_y != text.size() - sep - 1) return false;
    if (gx < 1 || gy < 1 || gx > 64 || gy > 64) return false;
    x = static_cast<uint32_t>(gx);
    y = static_cast<uint32_t>(gy);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

const CLI::Validator kGrid(
    [](std::string& text) {
      uint32_t x = 0, y = 0;
      return ParseGrid(text, x, y) ? std::string()
                                   : fmt::format("'{}' is not a grid COLSxROWS with 1..64 each (e.g. 8x8)", text);
    },
    "COLSxROWS", "grid");

const CLI::Validator kFidelity(
    [](std::string& text) {
      MathFidelity f;
      return ParseMathFidelity(text, f) ? std::string()
                                        : fmt::format("'{}' is not a math fidelity (LoFi, HiFi2, HiFi3, HiFi4)", text);
    },
    "LoFi|HiFi2|HiFi3|HiFi4", "fidelity");

int Report(const WorkloadResult& result, bool json) {
  if (json) {
    fmt::print("{}\n", result.ToJson().dump(2));
  } else {
    fmt::print("{}\n", result.Summary());
  }
  return result.ok ? kExitOk : kExitValidationFailed;
}

// Options every workload has.
struct CommonOptions {
  std::string grid;
  uint32_t threads = 0;
  uint64_t seed = 0;
  bool json = false;
  bool perf = false;
  std::string device = "wormhole_b0";
  std::string trace, report, noc_trace;

  void Add(CLI::App* sub, const std::string& default_grid) {
    sub->add_flag("--perf", perf, "time the run on the device profile: cycles, stalls, FPU use, bandwidths");
    sub->add_option("--device", device, "device profile for --perf: a name in profiles/ or a path to a .json file")
        ->capture_default_str();
    sub->add_option("--trace", trace, "write a Perfetto / Chrome JSON trace of the timed run (implies --perf)");
    sub->add_option("--report", report, "write a self-contained HTML performance report (implies --perf)");
    sub->add_option("--noc-trace", noc_trace, "write the run's NoC transfers in tt-metal's NoC trace format (implies --perf)");
    grid = default_grid;
    sub->add_option("--grid", grid, "Tensix grid, COLSxROWS")->check(kGrid)->capture_default_str();
    sub->add_option("--threads", threads, "host threads for the emulator and Eigen (0 = every host core)")
        ->check(CLI::Range(0u, 1024u))
        ->capture_default_str();
    sub->add_option("--seed", seed, "seed of the random inputs")->capture_default_str();
    sub->add_flag("--json", json, "print one JSON object instead of the summary");
  }
  void GridInto(uint32_t& x, uint32_t& y) const { ParseGrid(grid, x, y); }
  std::optional<perf::PerfOptions> Perf() const {
    if (!perf && trace.empty() && report.empty() && noc_trace.empty()) return std::nullopt;
    return perf::PerfOptions{device, !trace.empty() || !report.empty() || !noc_trace.empty()};
  }
};

// Prints the result and writes the files --trace, --report and --noc-trace ask for.
int Report(const WorkloadResult& result, const CommonOptions& common) {
  if (result.perf) {
    if (!common.trace.empty()) perf::WritePerfettoTrace(*result.perf, common.trace);
    if (!common.report.empty()) perf::WriteHtmlReport(*result.perf, common.report);
    if (!common.noc_trace.empty()) perf::WriteNocTrace(*result.perf, common.noc_trace);
  }
  return Report(result, common.json);
}

void AddGemm(CLI::App* run, Command& command) {
  struct Options {
    GemmOptions gemm;
    CommonOptions common;
    std::string fidelity = "HiFi4";
    double min_pcc = 0;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = run->add_subcommand("gemm", "bf16 GEMM C = A x B over the grid, checked against Eigen fp32 (PCC)");
  sub->add_option("--M", o->gemm.M, "rows of A and C")->check(CLI::Range(1u, kMaxExtent))->capture_default_str();
  sub->add_option("--N", o->gemm.N, "columns of B and C")->check(CLI::Range(1u, kMaxExtent))->capture_default_str();
  sub->add_option("--K", o->gemm.K, "columns of A, rows of B")
      ->check(CLI::Range(1u, kMaxExtent))
      ->capture_default_str();
  sub->add_option("--fidelity", o->fidelity, "math fidelity")->check(kFidelity)->capture_default_str();
  sub->add_flag("--fp32-dest", o->gemm.fp32_dest, "accumulate in fp32 DST (fp32_dest_acc_en)");
  sub->add_option("--k-block", o->gemm.k_block, "K tiles per circular-buffer push (default: chosen by the plan)")
      ->check(CLI::Range(1u, kMaxExtent / 32));
  sub->add_option("--min-pcc", o->min_pcc, "PCC needed to pass (default 0.999, LoFi 0.99)")
      ->check(CLI::Range(-1.0, 1.0));
  o->common.Add(sub, "8x8");
  sub->callback([o, &command] {
    command = [o] {
      GemmOptions g = o->gemm;
      o->common.GridInto(g.grid_x, g.grid_y);
      g.threads = o->common.threads;
      g.seed = o->common.seed;
      ParseMathFidelity(o->fidelity, g.fidelity);
      if (o->min_pcc != 0) g.min_pcc = o->min_pcc;
      g.perf = o->common.Perf();
      return Report(RunGemm(g), o->common);
    };
  });
}

void AddEltwise(CLI::App* run, Command& command, EltwiseOp op) {
  struct Options {
    EltwiseOptions eltwise;
    CommonOptions common;
    std::string fidelity = "HiFi4";
  };
  auto o = std::make_shared<Options>();
  o->eltwise.op = op;
  const std::string name = fmt::format("eltwise_{}", ToString(op));
  CLI::App* sub = run->add_subcommand(
      name, fmt::format("bf16 C = A {} B tile by tile over the grid, checked against Eigen (allclose)",
                        op == EltwiseOp::Add   ? "+"
                        : op == EltwiseOp::Sub ? "-"
                                               : "*"));
  sub->add_option("--rows,--M", o->eltwise.rows, "rows")->check(CLI::Range(1u, kMaxExtent))->capture_default_str();
  sub->add_option("--cols,--N", o->eltwise.cols, "columns")->check(CLI::Range(1u, kMaxExtent))->capture_default_str();
  sub->add_option("--fidelity", o->fidelity, "math fidelity (affects mul)")->check(kFidelity)->capture_default_str();
  sub->add_option("--atol", o->eltwise.atol, "absolute tolerance")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--rtol", o->eltwise.rtol, "relative tolerance")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  o->common.Add(sub, "8x8");
  sub->callback([o, &command] {
    command = [o] {
      EltwiseOptions e = o->eltwise;
      o->common.GridInto(e.grid_x, e.grid_y);
      e.threads = o->common.threads;
      e.seed = o->common.seed;
      ParseMathFidelity(o->fidelity, e.fidelity);
      e.perf = o->common.Perf();
      return Report(RunEltwise(e), o->common);
    };
  });
}

void AddLoopback(CLI::App* run, Command& command) {
  struct Options {
    LoopbackOptions loopback;
    CommonOptions common;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = run->add_subcommand("loopback", "DRAM -> L1 -> DRAM page copy, checked bit-exact");
  sub->add_option("--size", o->loopback.size_bytes, "bytes to copy (a multiple of the page size)")
      ->check(CLI::Range(uint64_t{32}, uint64_t{1} << 30))
      ->capture_default_str();
  sub->add_option("--page-size", o->loopback.page_size, "page size in bytes (a multiple of 32)")
      ->check(CLI::Range(32u, 1u << 20))
      ->capture_default_str();
  o->common.Add(sub, "1x1");
  sub->callback([o, &command] {
    command = [o] {
      LoopbackOptions l = o->loopback;
      o->common.GridInto(l.grid_x, l.grid_y);
      l.threads = o->common.threads;
      l.seed = o->common.seed;
      l.perf = o->common.Perf();
      return Report(RunLoopback(l), o->common);
    };
  });
}

// The options of `tilesim run KERNEL.py`: a tile DSL kernel instead of a built-in workload.
struct TileRunOptions {
  CommonOptions common;
  std::string fidelity = "HiFi4";
  bool fp32_dest = false;
  bool no_multicast = false;
  bool no_fuse_blocks = false;
  double min_pcc = 0;
  bool emit_cpp_check = false;
  std::string emit_dir;

  void Add(CLI::App* run) {
    common.Add(run, "8x8");
    run->add_option("--fidelity", fidelity, "KERNEL.py: math fidelity")->check(kFidelity)->capture_default_str();
    run->add_flag("--fp32-dest", fp32_dest, "KERNEL.py: accumulate in fp32 DST (fp32_dest_acc_en)");
    run->add_flag("--no-multicast", no_multicast, "KERNEL.py: every core reads its own operands from DRAM");
    run->add_flag("--no-fuse-blocks", no_fuse_blocks, "KERNEL.py: run each block of a core on its own");
    run->add_option("--min-pcc", min_pcc, "KERNEL.py: PCC needed to pass (default 0.999, LoFi 0.99)")
        ->check(CLI::Range(-1.0, 1.0));
    run->add_flag("--emit-cpp-check", emit_cpp_check,
                  "KERNEL.py: also run the emitted Metalium C++ through the Metalium front end and the tt-metal "
                  "host API, and require bit-identical results");
    run->add_option("--emit-dir", emit_dir, "KERNEL.py: keep the C++ of --emit-cpp-check in this directory");
  }
};

int RunTileKernelCommand(const std::string& path, const TileRunOptions& o,
                         const std::map<std::string, int64_t>& bindings) {
  TileKernelOptions t;
  t.path = path;
  t.bindings = bindings;
  o.common.GridInto(t.grid_x, t.grid_y);
  t.threads = o.common.threads;
  t.seed = o.common.seed;
  ParseMathFidelity(o.fidelity, t.fidelity);
  t.fp32_dest = o.fp32_dest;
  t.multicast = !o.no_multicast;
  t.fuse_blocks = !o.no_fuse_blocks;
  if (o.min_pcc != 0) t.min_pcc = o.min_pcc;
  t.emit_cpp_check = o.emit_cpp_check;
  t.emit_dir = o.emit_dir;
  t.perf = o.common.Perf();
  return Report(RunTileKernel(t), o.common);
}

}  // namespace

void AddRunCommand(CLI::App& app, Command& command) {
  CLI::App* run = app.add_subcommand(
      "run", "run a built-in workload, or a TileLang-style kernel file (tilesim run KERNEL.py [--M 512 ...]), on the "
             "emulated grid and check it");
  run->require_subcommand(0, 1);
  run->allow_extras();
  // A word that is not a workload lands here, so the error can name it instead of CLI11's generic one.
  auto unknown = std::make_shared<std::string>();
  run->add_option("workload", *unknown, "gemm, eltwise_add, eltwise_sub, eltwise_mul, loopback, or a KERNEL.py file");
  auto tile = std::make_shared<TileRunOptions>();
  tile->Add(run);
  AddGemm(run, command);
  for (EltwiseOp op : {EltwiseOp::Add, EltwiseOp::Sub, EltwiseOp::Mul}) AddEltwise(run, command, op);
  AddLoopback(run, command);
  run->callback([run, unknown, tile, &command] {
    if (!run->get_subcommands().empty()) {
      // Extras are allowed on `run` for a kernel's --NAME bindings; a built-in workload takes none.
      std::vector<std::string> extras = run->remaining();
      for (const CLI::App* sub : run->get_subcommands()) {
        for (const std::string& e : sub->remaining()) extras.push_back(e);
      }
      if (!extras.empty()) {
        throw CLI::ExtrasError(run->get_subcommands().front()->get_name(), extras);
      }
      return;
    }
    if (unknown->ends_with(".py")) {
      if (!std::filesystem::is_regular_file(*unknown)) {
        throw CLI::ValidationError(fmt::format("run: kernel file '{}' not found", *unknown));
      }
      const std::map<std::string, int64_t> bindings = ParseBindings(run->remaining());
      command = [path = *unknown, tile, bindings] { return RunTileKernelCommand(path, *tile, bindings); };
      return;
    }
    if (!run->remaining().empty()) {
      throw CLI::ValidationError(fmt::format("run: unexpected arguments: {}", fmt::join(run->remaining(), " ")));
    }
    std::string known;
    for (const WorkloadInfo& w : ListWorkloads()) known += (known.empty() ? "" : ", ") + w.name;
    throw CLI::ValidationError(unknown->empty()
                                   ? fmt::format("run: name a workload ({})", known)
                                   : fmt::format("run: unknown workload '{}' (known: {})", *unknown, known));
  });
}

}  // namespace tilesim::tools
