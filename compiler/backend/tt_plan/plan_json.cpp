// tt.plan.json from a TTProgram (schema: docs/tt_plan.md).
#include "compiler/backend/tt_plan/plan_json.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace tilesim::tile {
namespace {

using nlohmann::json;

// Partition facts are strings in the TTProgram; integers read better as numbers.
json FactValue(const std::string& value) {
  if (!value.empty() && value.size() < 10 && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::stoll(value);
  }
  return value;
}

json RuntimeArgJson(const RuntimeArg& arg, const TTProgram& program, const std::string& where) {
  switch (arg.kind) {
    case RuntimeArg::Kind::Value: return arg.value;
    case RuntimeArg::Kind::TensorAddress: {
      const bool known = std::any_of(program.tensors.begin(), program.tensors.end(),
                                     [&](const TensorPlan& t) { return t.name == arg.tensor; });
      if (!known) throw std::invalid_argument(where + ": the address of unknown tensor '" + arg.tensor + "'");
      return json{{"tensor_address", arg.tensor}};
    }
    case RuntimeArg::Kind::NocX: return json{{"noc_x", json::array({arg.core_x, arg.core_y})}};
    case RuntimeArg::Kind::NocY: return json{{"noc_y", json::array({arg.core_x, arg.core_y})}};
    case RuntimeArg::Kind::Semaphore: return json{{"semaphore", arg.value}};
  }
  throw std::invalid_argument(where + ": a runtime arg of unknown kind");
}

std::vector<uint32_t> TileShape(const TensorPlan& t) { return {t.tile_rows, t.tile_cols}; }

}  // namespace

std::string ProcessorName(KernelRole role) {
  switch (role) {
    case KernelRole::DataMovement0: return "RISCV_0";
    case KernelRole::DataMovement1: return "RISCV_1";
    case KernelRole::Compute: return "compute";
  }
  return "?";
}

uint32_t DefaultNoc(KernelRole role) { return role == KernelRole::DataMovement1 ? 1 : 0; }

std::string DtypeName(DataFormat format) {
  switch (format) {
    case DataFormat::Float16_b: return "bfloat16";
    case DataFormat::Float32: return "float32";
    default: throw std::invalid_argument("tensors are bfloat16 or float32, not " + std::string(ToString(format)));
  }
}

std::vector<CoreRectangle> CoreRanges(const std::vector<CoreWork>& cores) {
  std::set<std::pair<uint32_t, uint32_t>> present;  // (y, x): row-major
  for (const CoreWork& c : cores) present.insert({c.y, c.x});
  // Runs of consecutive cores in each row...
  std::vector<CoreRectangle> runs;
  for (auto it = present.begin(); it != present.end();) {
    const uint32_t y = it->first, x0 = it->second;
    uint32_t x1 = x0;
    ++it;
    while (it != present.end() && it->first == y && it->second == x1 + 1) {
      ++x1;
      ++it;
    }
    runs.push_back({x0, y, x1, y});
  }
  // ...merged with the same run in the row below.
  std::vector<CoreRectangle> ranges;
  for (const CoreRectangle& run : runs) {
    auto above = std::find_if(ranges.begin(), ranges.end(), [&](const CoreRectangle& r) {
      return r.x0 == run.x0 && r.x1 == run.x1 && r.y1 + 1 == run.y0;
    });
    if (above != ranges.end()) {
      above->y1 = run.y1;
    } else {
      ranges.push_back(run);
    }
  }
  return ranges;
}

json BuildPlanJson(const TTProgram& program) {
  json plan;
  plan["schema_version"] = kPlanSchemaVersion;
  plan["program"] = program.name;
  plan["source_file"] = program.source_file;
  plan["grid"] = {{"x", program.grid_x}, {"y", program.grid_y}};
  plan["l1"] = {{"size", kPlanL1Size}, {"circular_buffer_base", kPlanCircularBufferBase}};

  json ranges = json::array();
  for (const CoreRectangle& r : CoreRanges(program.cores)) {
    ranges.push_back({{"start", {r.x0, r.y0}}, {"end", {r.x1, r.y1}}});
  }
  plan["core_ranges"] = ranges;
  plan["num_cores"] = program.cores.size();

  json partition = json::object();
  for (const auto& [key, value] : program.partition) partition[key] = FactValue(value);
  plan["partition"] = partition;

  json tensors = json::array();
  for (const TensorPlan& t : program.tensors) {
    const uint32_t num_pages = t.tile_rows * t.tile_cols;
    tensors.push_back({{"name", t.name},
                       {"shape", t.shape},
                       {"dtype", DtypeName(t.format)},
                       {"data_format", std::string(ToString(t.format))},
                       {"is_output", t.is_output},
                       {"layout", "tiled"},
                       {"memory_layout", "interleaved"},
                       {"buffer_type", "DRAM"},
                       {"tile_shape", TileShape(t)},
                       {"tile_rows", t.tile_rows},
                       {"tile_cols", t.tile_cols},
                       {"page_size", t.page_size},
                       {"num_pages", num_pages},
                       {"size_bytes", uint64_t{num_pages} * t.page_size}});
  }
  plan["tensors"] = tensors;

  json cbs = json::array();
  for (const CircularBufferPlan& cb : program.circular_buffers) {
    cbs.push_back({{"index", cb.index},
                   {"num_pages", cb.num_pages},
                   {"page_size", cb.page_size},
                   {"total_size", uint64_t{cb.num_pages} * cb.page_size},
                   {"data_format", std::string(ToString(cb.format))},
                   {"holds", cb.holds}});
  }
  plan["circular_buffers"] = cbs;

  json semaphores = json::array();
  for (size_t i = 0; i < program.semaphores.size(); ++i) {
    semaphores.push_back({{"id", i}, {"initial_value", program.semaphores[i].initial_value}});
  }
  plan["semaphores"] = semaphores;

  json kernels = json::array();
  for (const KernelPlan& k : program.kernels) {
    json kernel = {{"name", k.name},
                   {"role", std::string(ToString(k.role))},
                   {"processor", ProcessorName(k.role)},
                   {"file", k.name + ".cpp"},
                   {"bytecode", k.name + ".tsb"},
                   {"compile_time_args", k.compile_time_args},
                   {"runtime_arg_names", k.runtime_arg_names}};
    if (k.role == KernelRole::Compute) {
      kernel["math_fidelity"] = std::string(ToString(k.math_fidelity));
      kernel["fp32_dest_acc_en"] = k.fp32_dest_acc_en;
    } else {
      kernel["noc"] = DefaultNoc(k.role);
    }
    kernels.push_back(kernel);
  }
  plan["kernels"] = kernels;

  json cores = json::array();
  for (size_t c = 0; c < program.cores.size(); ++c) {
    const CoreWork& core = program.cores[c];
    const std::string where = "core (" + std::to_string(core.x) + ", " + std::to_string(core.y) + ")";
    if (core.runtime_args.size() != program.kernels.size()) {
      throw std::invalid_argument(where + " has runtime args for " + std::to_string(core.runtime_args.size()) +
                                  " kernels, the program has " + std::to_string(program.kernels.size()));
    }
    json args = json::object();
    for (size_t k = 0; k < program.kernels.size(); ++k) {
      json list = json::array();
      for (size_t i = 0; i < core.runtime_args[k].size(); ++i) {
        list.push_back(RuntimeArgJson(core.runtime_args[k][i], program,
                                      where + ", " + program.kernels[k].name + " arg " + std::to_string(i)));
      }
      args[program.kernels[k].name] = list;
    }
    json blocks = json::array();
    for (const auto& [bx, by] : core.blocks) blocks.push_back({bx, by});
    cores.push_back({{"core", {core.x, core.y}}, {"num_blocks", core.blocks.size()}, {"blocks", blocks},
                     {"runtime_args", args}});
  }
  plan["cores"] = cores;
  return plan;
}

std::string EmitPlanJson(const TTProgram& program) { return BuildPlanJson(program).dump(2) + "\n"; }

}  // namespace tilesim::tile
