// RunTileKernel: a TileLang-style kernel file compiled by the tile pipeline, run on the emulator and checked
// against the reference evaluated from its own Tile IR; optionally its emitted Metalium C++ too.
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "runtime/workloads/workload_common.h"
#include "tilesim/tile_compiler.h"
#include "tilesim/tile_runner.h"

namespace tilesim {

namespace {

// Every output tensor, in parameter order, one after the other.
std::vector<float> Concatenate(const tile::TTProgram& program, const tile::HostTensors& tensors) {
  std::vector<float> all;
  for (const tile::TensorPlan& t : program.tensors) {
    if (!t.is_output) continue;
    auto it = tensors.find(t.name);
    if (it == tensors.end()) throw ApiError(fmt::format("output '{}' missing from a run", t.name));
    all.insert(all.end(), it->second.begin(), it->second.end());
  }
  return all;
}

std::string TemporaryDir() {
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("tilesim-cpp-check-{:08x}", rd());
  return dir.string();
}

}  // namespace

WorkloadResult RunTileKernel(const TileKernelOptions& o) {
  workloads::CheckGrid("tile kernel", o.grid_x, o.grid_y);
  tile::CompileOptions compile;
  compile.bindings = o.bindings;
  compile.grid_x = o.grid_x;
  compile.grid_y = o.grid_y;
  compile.math_fidelity = o.fidelity;
  compile.fp32_dest_acc_en = o.fp32_dest;
  compile.multicast = o.multicast;
  compile.fuse_blocks = o.fuse_blocks;
  workloads::Stopwatch compile_clock;
  const tile::TTProgram program = tile::CompileFile(o.path, compile);
  const double compile_ms = compile_clock.ms();

  DeviceOptions device_options;
  device_options.grid_x = o.grid_x;
  device_options.grid_y = o.grid_y;
  device_options.threads = o.threads;
  device_options.perf = o.perf;
  const tile::HostTensors inputs = tile::MakeInputs(program, o.seed);
  tile::TileRunResult run = tile::RunProgram(program, inputs, device_options);

  workloads::Stopwatch reference_clock;
  const tile::HostTensors golden = tile::EvaluateReference(program.source, inputs);
  const double reference_ms = reference_clock.ms();

  WorkloadResult result;
  result.workload = program.name;
  std::string shapes;
  for (const tile::TensorPlan& t : program.tensors) {
    shapes += fmt::format("{}{}[{}]", shapes.empty() ? "" : ", ", t.name, fmt::join(t.shape, "x"));
  }
  result.title = fmt::format("{} ({}) from {}: {}, {} blocks on {} Tensix cores", program.name, shapes, o.path,
                             ToString(o.fidelity), program.partition.at("mode"), program.cores.size());
  const std::vector<float> actual = Concatenate(program, run.outputs);
  const std::vector<float> expected = Concatenate(program, golden);
  CompareOptions compare;
  compare.atol = 1e30;  // the verdict is the PCC: tile math rounds differently from the fp32 reference
  compare.min_pcc = o.min_pcc.value_or(o.fidelity == MathFidelity::LoFi ? 0.99 : 0.999);
  result.comparison = Compare(actual, expected, compare);
  result.ok = result.comparison.passed;
  result.emulator_ms = run.emulator_ms;
  result.reference_ms = reference_ms;
  result.threads = run.threads;
  result.stats = run.stats;
  result.reference_threads = 1;  // EvaluateReference runs Eigen on one thread
  result.cores = static_cast<uint32_t>(program.cores.size());
  result.perf = run.perf;
  nlohmann::json& p = result.parameters;
  p["kernel"] = o.path;
  p["function"] = program.name;
  for (const auto& [name, value] : program.source.constants) p[name] = value;
  p["grid"] = fmt::format("{}x{}", o.grid_x, o.grid_y);
  p["fidelity"] = std::string(ToString(o.fidelity));
  p["fp32_dest"] = o.fp32_dest;
  p["seed"] = o.seed;
  p["partition"] = program.partition;
  p["compile_ms"] = compile_ms;

  if (o.emit_cpp_check) {
    const std::string dir = o.emit_dir.empty() ? TemporaryDir() : o.emit_dir;
    DeviceOptions cpp_options = device_options;
    cpp_options.perf.reset();
    const tile::TileRunResult emitted = tile::RunEmittedProgram(program, inputs, cpp_options, dir);
    const std::vector<float> emitted_all = Concatenate(program, emitted.outputs);
    CompareOptions exact;
    exact.exact = true;
    const ComparisonReport bits = Compare(emitted_all, actual, exact);
    p["cpp_check"] = {{"identical", bits.exact_match}, {"mismatches", bits.mismatches}, {"dir", dir}};
    if (!bits.exact_match) result.ok = false;
    if (o.emit_dir.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
      p["cpp_check"]["dir"] = nullptr;
    }
  }
  return result;
}

}  // namespace tilesim
