// Running a compiled tile program (tilesim/tile_runner.h) two ways:
//  - RunProgram: tilesim's host API with the Kernel IR kernels placed directly (the bytecode back end);
//  - RunEmittedProgram: the Metalium C++ back end's files, compiled by the Metalium front end and set up
//    through the tt-metal compatible API (tilesim/metal), step for step as the emitted main.cpp does.
// Both pad and tilize the inputs into interleaved DRAM buffers of one tile per page, place the circular
// buffers and semaphores on every participating core, resolve the runtime args (tensor addresses, NoC
// coordinates, semaphore ids), time EnqueueProgram .. Finish, and untilize and crop the outputs.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/backend/tt_plan/plan_json.h"
#include "tilesim/compiler.h"
#include "tilesim/metal/tt_metal.hpp"
#include "tilesim/metalium.h"
#include "tilesim/tile.h"
#include "tilesim/tile_runner.h"

namespace tilesim::tile {
namespace {

struct Extent {
  uint32_t rows = 0;
  uint32_t cols = 0;
};

Extent LogicalExtent(const TensorPlan& t) {
  if (t.shape.empty() || t.shape.size() > 2) {
    throw ApiError(fmt::format("RunProgram: tensor '{}' has {} dimensions; 1 or 2 are supported", t.name, t.shape.size()));
  }
  for (int64_t d : t.shape) {
    if (d <= 0 || d > (int64_t{1} << 24)) throw ApiError(fmt::format("RunProgram: tensor '{}' has extent {}", t.name, d));
  }
  const Extent e{t.shape.size() == 2 ? static_cast<uint32_t>(t.shape[0]) : 1u, static_cast<uint32_t>(t.shape.back())};
  if (TilesAlong(e.rows) != t.tile_rows || TilesAlong(e.cols) != t.tile_cols) {
    throw ApiError(fmt::format("RunProgram: tensor '{}' ({}x{}) does not fill {}x{} tiles", t.name, e.rows, e.cols,
                               t.tile_rows, t.tile_cols));
  }
  if (t.format != DataFormat::Float16_b && t.format != DataFormat::Float32) {
    throw ApiError(fmt::format("RunProgram: tensor '{}' is {}; bfloat16 and float32 are supported", t.name, ToString(t.format)));
  }
  if (t.page_size != TileSizeBytes(t.format)) {
    throw ApiError(fmt::format("RunProgram: tensor '{}' has page size {}, not one {} tile", t.name, t.page_size, ToString(t.format)));
  }
  return e;
}

// The tensor's DRAM image: zero-padded to whole tiles, tilized, as floats (converted to the format on write).
std::vector<float> DeviceImage(const TensorPlan& t, const HostTensors& inputs) {
  const Extent e = LogicalExtent(t);
  const uint32_t rows = t.tile_rows * kTileRows, cols = t.tile_cols * kTileCols;
  std::vector<float> padded(size_t{rows} * cols, 0.0f);
  if (!t.is_output) {
    auto it = inputs.find(t.name);
    if (it == inputs.end()) throw ApiError(fmt::format("RunProgram: no values for input tensor '{}'", t.name));
    if (it->second.size() != size_t{e.rows} * e.cols) {
      throw ApiError(fmt::format("RunProgram: input '{}' has {} values; its {}x{} shape needs {}", t.name,
                                 it->second.size(), e.rows, e.cols, size_t{e.rows} * e.cols));
    }
    for (uint32_t r = 0; r < e.rows; ++r) {
      for (uint32_t c = 0; c < e.cols; ++c) padded[size_t{r} * cols + c] = it->second[size_t{r} * e.cols + c];
    }
  }
  return tilize<float>(padded, rows, cols);
}

std::vector<float> CropOutput(const TensorPlan& t, const std::vector<float>& tiled) {
  const Extent e = LogicalExtent(t);
  const uint32_t cols = t.tile_cols * kTileCols;
  const std::vector<float> row_major = untilize<float>(tiled, t.tile_rows * kTileRows, cols);
  std::vector<float> out(size_t{e.rows} * e.cols);
  for (uint32_t r = 0; r < e.rows; ++r) {
    for (uint32_t c = 0; c < e.cols; ++c) out[size_t{r} * e.cols + c] = row_major[size_t{r} * cols + c];
  }
  return out;
}

CoreRangeSet ParticipatingCores(const TTProgram& program) {
  if (program.cores.empty()) throw ApiError("RunProgram: the program has no cores");
  std::vector<CoreRange> ranges;
  for (const CoreRectangle& r : CoreRanges(program.cores)) ranges.emplace_back(CoreCoord{r.x0, r.y0}, CoreCoord{r.x1, r.y1});
  return CoreRangeSet(ranges);
}

void CheckRuntimeArgShape(const TTProgram& program) {
  for (const CoreWork& core : program.cores) {
    if (core.runtime_args.size() != program.kernels.size()) {
      throw ApiError(fmt::format("RunProgram: core ({}, {}) has runtime args for {} kernels, the program has {}", core.x,
                                 core.y, core.runtime_args.size(), program.kernels.size()));
    }
  }
}

// The runtime args of kernel `k` on `core`, with addresses, NoC coordinates and semaphore ids filled in.
template <typename AddressOf, typename NocOf>
std::vector<uint32_t> ResolveArgs(const TTProgram& program, const CoreWork& core, size_t k, const AddressOf& address_of,
                                  const NocOf& noc_of, const std::vector<uint32_t>& semaphore_ids) {
  std::vector<uint32_t> values;
  for (const RuntimeArg& arg : core.runtime_args[k]) {
    switch (arg.kind) {
      case RuntimeArg::Kind::Value: values.push_back(arg.value); break;
      case RuntimeArg::Kind::TensorAddress: values.push_back(address_of(arg.tensor)); break;
      case RuntimeArg::Kind::NocX:
      case RuntimeArg::Kind::NocY: {
        if (arg.core_x >= program.grid_x || arg.core_y >= program.grid_y) {
          throw ApiError(fmt::format("RunProgram: kernel '{}' on core ({}, {}): NoC coordinate of core ({}, {}) outside the grid",
                                     program.kernels[k].name, core.x, core.y, arg.core_x, arg.core_y));
        }
        const CoreCoord noc = noc_of(CoreCoord{arg.core_x, arg.core_y});
        values.push_back(static_cast<uint32_t>(arg.kind == RuntimeArg::Kind::NocX ? noc.x : noc.y));
        break;
      }
      case RuntimeArg::Kind::Semaphore:
        if (arg.value >= semaphore_ids.size()) {
          throw ApiError(fmt::format("RunProgram: kernel '{}' on core ({}, {}) names semaphore {}, the program has {}",
                                     program.kernels[k].name, core.x, core.y, arg.value, semaphore_ids.size()));
        }
        values.push_back(semaphore_ids[arg.value]);
        break;
    }
  }
  return values;
}

const TensorPlan& FindTensor(const TTProgram& program, const std::string& name) {
  for (const TensorPlan& t : program.tensors) {
    if (t.name == name) return t;
  }
  throw ApiError("RunProgram: a runtime arg names unknown tensor '" + name + "'");
}

CircularBufferConfig CbConfig(const CircularBufferPlan& cb) {
  return CircularBufferConfig(cb.num_pages * cb.page_size, {{static_cast<uint8_t>(cb.index), cb.format}})
      .set_page_size(static_cast<uint8_t>(cb.index), cb.page_size);
}

// Opens the first device id not already open, so a caller's own devices are left alone.
template <typename Open>
auto OpenFreeDevice(const Open& open) {
  for (int id = 0;; ++id) {
    try {
      return open(id);
    } catch (const ApiError& e) {
      if (id >= 63 || std::string(e.what()).find("already open") == std::string::npos) throw;
    }
  }
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TileRunResult RunProgram(const TTProgram& program, const HostTensors& inputs, const DeviceOptions& device_options) {
  CheckRuntimeArgShape(program);
  const CoreRangeSet cores = ParticipatingCores(program);
  std::vector<std::vector<float>> images;
  for (const TensorPlan& t : program.tensors) images.push_back(DeviceImage(t, inputs));

  Device* device = OpenFreeDevice([&](int id) { return CreateDevice(id, device_options); });
  struct Closer {
    Device* device;
    ~Closer() { CloseDevice(device); }
  } closer{device};
  CommandQueue& cq = device->command_queue();

  std::map<std::string, std::shared_ptr<Buffer>> buffers;
  for (size_t i = 0; i < program.tensors.size(); ++i) {
    const TensorPlan& t = program.tensors[i];
    auto buffer = CreateBuffer(InterleavedBufferConfig{device, uint64_t{t.tile_rows} * t.tile_cols * t.page_size, t.page_size,
                                                       BufferType::DRAM});
    if (t.format == DataFormat::Float32) {
      EnqueueWriteBuffer(cq, buffer, images[i], false);
    } else {
      EnqueueWriteBuffer(cq, buffer, ToBfloat16(images[i]), false);
    }
    buffers[t.name] = buffer;
  }

  Program device_program = CreateProgram();
  for (const CircularBufferPlan& cb : program.circular_buffers) CreateCircularBuffer(device_program, cores, CbConfig(cb));
  std::vector<KernelHandle> handles;
  for (const KernelPlan& k : program.kernels) {
    kir::Kernel kernel = k.kernel;
    kernel.role = k.role;
    KernelConfig config;
    if (k.role == KernelRole::Compute) {
      config = ComputeConfig{k.math_fidelity, k.fp32_dest_acc_en, false, k.compile_time_args};
    } else {
      const bool dm0 = k.role == KernelRole::DataMovement0;
      config = DataMovementConfig{dm0 ? DataMovementProcessor::RISCV_0 : DataMovementProcessor::RISCV_1,
                                  dm0 ? NOC::RISCV_0_default : NOC::RISCV_1_default, k.compile_time_args};
    }
    handles.push_back(CreateKernel(device_program, kernel, cores, config));
  }
  std::vector<uint32_t> semaphore_ids;
  for (const SemaphorePlan& s : program.semaphores) semaphore_ids.push_back(CreateSemaphore(device_program, cores, s.initial_value));
  for (const CoreWork& core : program.cores) {
    for (size_t k = 0; k < program.kernels.size(); ++k) {
      SetRuntimeArgs(device_program, handles[k], CoreCoord{core.x, core.y},
                     ResolveArgs(
                         program, core, k, [&](const std::string& name) { FindTensor(program, name); return buffers.at(name)->address(); },
                         [&](CoreCoord logical) { return device->worker_core_from_logical_core(logical); }, semaphore_ids));
    }
  }

  TileRunResult result;
  const auto start = std::chrono::steady_clock::now();
  EnqueueProgram(cq, device_program, false);
  Finish(cq);
  result.emulator_ms = MillisecondsSince(start);
  result.threads = device->threads();
  result.stats = device->last_run_stats();
  if (const perf::PerfResult* perf = device->last_perf()) result.perf = *perf;

  for (const TensorPlan& t : program.tensors) {
    if (!t.is_output) continue;
    std::vector<float> tiled;
    if (t.format == DataFormat::Float32) {
      EnqueueReadBuffer(cq, buffers.at(t.name), tiled, true);
    } else {
      std::vector<bfloat16> raw;
      EnqueueReadBuffer(cq, buffers.at(t.name), raw, true);
      tiled = ToFloat(raw);
    }
    result.outputs[t.name] = CropOutput(t, tiled);
  }
  return result;
}

TileRunResult RunEmittedProgram(const TTProgram& program, const HostTensors& inputs, const DeviceOptions& device_options,
                                const std::string& dir) {
  namespace dist = metal::distributed;
  CheckRuntimeArgShape(program);
  const CoreRangeSet cores = ParticipatingCores(program);
  std::vector<std::vector<float>> images;
  for (const TensorPlan& t : program.tensors) images.push_back(DeviceImage(t, inputs));

  const std::string root = std::filesystem::absolute(dir).string();
  WriteArtifacts(program, root);
  // Our own C++ must compile: a failure here is a back-end bug, reported as the front end's CompileError
  // (CreateKernel below would wrap it in an ApiError).
  for (const KernelPlan& k : program.kernels) {
    metalium::FrontEndOptions options;
    options.role = k.role;
    options.name = k.name;
    metalium::ParseKernelFile(root + "/" + k.name + ".cpp", options, k.compile_time_args);
  }

  auto mesh_device = OpenFreeDevice([&](int id) { return dist::MeshDevice::create_unit_mesh(id, device_options); });
  struct Closer {
    std::shared_ptr<dist::MeshDevice> mesh;
    ~Closer() { mesh->close(); }
  } closer{mesh_device};
  dist::MeshCommandQueue& cq = mesh_device->mesh_command_queue();
  Program device_program = CreateProgram();

  std::map<std::string, std::shared_ptr<dist::MeshBuffer>> buffers;
  for (const TensorPlan& t : program.tensors) {
    const dist::DeviceLocalBufferConfig dram{.page_size = t.page_size, .buffer_type = BufferType::DRAM};
    const dist::ReplicatedBufferConfig size{.size = uint64_t{t.page_size} * t.tile_rows * t.tile_cols};
    buffers[t.name] = dist::MeshBuffer::create(size, dram, mesh_device.get());
  }
  for (const CircularBufferPlan& cb : program.circular_buffers) CreateCircularBuffer(device_program, cores, CbConfig(cb));
  std::vector<KernelHandle> handles;
  for (const KernelPlan& k : program.kernels) {
    // As main.cpp's ComputeConfig / DataMovementConfig.
    metal::KernelConfig config;
    if (k.role == KernelRole::Compute) {
      metal::ComputeConfig compute;
      compute.math_fidelity = k.math_fidelity;
      compute.fp32_dest_acc_en = k.fp32_dest_acc_en;
      compute.compile_args = k.compile_time_args;
      config = compute;
    } else {
      const bool dm0 = k.role == KernelRole::DataMovement0;
      metal::DataMovementConfig data_movement;
      data_movement.processor = dm0 ? DataMovementProcessor::RISCV_0 : DataMovementProcessor::RISCV_1;
      data_movement.noc = dm0 ? NOC::RISCV_0_default : NOC::RISCV_1_default;
      data_movement.compile_args = k.compile_time_args;
      config = data_movement;
    }
    handles.push_back(metal::CreateKernel(device_program, root + "/" + k.name + ".cpp", cores, config));
  }
  std::vector<uint32_t> semaphore_ids;
  for (const SemaphorePlan& s : program.semaphores) semaphore_ids.push_back(CreateSemaphore(device_program, cores, s.initial_value));
  for (const CoreWork& core : program.cores) {
    for (size_t k = 0; k < program.kernels.size(); ++k) {
      SetRuntimeArgs(device_program, handles[k], CoreCoord{core.x, core.y},
                     ResolveArgs(
                         program, core, k, [&](const std::string& name) { FindTensor(program, name); return buffers.at(name)->address(); },
                         [&](CoreCoord logical) { return mesh_device->worker_core_from_logical_core(logical); }, semaphore_ids));
    }
  }
  for (size_t i = 0; i < program.tensors.size(); ++i) {
    const TensorPlan& t = program.tensors[i];
    if (t.format == DataFormat::Float32) {
      dist::EnqueueWriteMeshBuffer(cq, buffers.at(t.name), images[i], false);
    } else {
      dist::EnqueueWriteMeshBuffer(cq, buffers.at(t.name), ToBfloat16(images[i]), false);
    }
  }

  TileRunResult result;
  const auto start = std::chrono::steady_clock::now();
  dist::MeshWorkload workload;
  workload.add_program(dist::MeshCoordinateRange(mesh_device->shape()), std::move(device_program));
  dist::EnqueueMeshWorkload(cq, workload, false);
  dist::Finish(cq);
  result.emulator_ms = MillisecondsSince(start);
  result.threads = mesh_device->device().threads();
  result.stats = mesh_device->device().last_run_stats();
  if (const perf::PerfResult* perf = mesh_device->device().last_perf()) result.perf = *perf;

  for (const TensorPlan& t : program.tensors) {
    if (!t.is_output) continue;
    std::vector<float> tiled;
    if (t.format == DataFormat::Float32) {
      dist::EnqueueReadMeshBuffer(cq, tiled, buffers.at(t.name), true);
    } else {
      std::vector<bfloat16> raw;
      dist::EnqueueReadMeshBuffer(cq, raw, buffers.at(t.name), true);
      tiled = ToFloat(raw);
    }
    result.outputs[t.name] = CropOutput(t, tiled);
  }
  return result;
}

}  // namespace tilesim::tile
