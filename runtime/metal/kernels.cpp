// CreateKernel from Metalium kernel sources: finding the file as tt-metal does, compiling it with the
// config's defines and compile-time args, and placing it with tilesim's host API.
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "tilesim/compiler.h"
#include "tilesim/metal/host_api.hpp"
#include "tilesim/metalium.h"

namespace tilesim::metal {

namespace fs = std::filesystem;

// ---- Configs ----

ReaderDataMovementConfig::ReaderDataMovementConfig(std::vector<uint32_t> compile_args,
                                                   std::map<std::string, std::string> defines,
                                                   KernelBuildOptLevel opt_level) {
  processor = DataMovementProcessor::RISCV_1;
  noc = NOC::RISCV_1_default;
  this->compile_args = std::move(compile_args);
  this->defines = std::move(defines);
  this->opt_level = opt_level;
}

WriterDataMovementConfig::WriterDataMovementConfig(std::vector<uint32_t> compile_args,
                                                   std::map<std::string, std::string> defines,
                                                   KernelBuildOptLevel opt_level) {
  processor = DataMovementProcessor::RISCV_0;
  noc = NOC::RISCV_0_default;
  this->compile_args = std::move(compile_args);
  this->defines = std::move(defines);
  this->opt_level = opt_level;
}

namespace {

const std::vector<uint32_t>& CompileArgsOf(const KernelConfig& config) {
  if (const auto* dm = std::get_if<DataMovementConfig>(&config)) return dm->compile_args;
  return std::get<ComputeConfig>(config).compile_args;
}
const std::map<std::string, std::string>& DefinesOf(const KernelConfig& config) {
  if (const auto* dm = std::get_if<DataMovementConfig>(&config)) return dm->defines;
  return std::get<ComputeConfig>(config).defines;
}

// Refuses what the config asks for and tilesim cannot do, rather than running something else.
void CheckEmulated(const KernelConfig& config, const std::string& kernel) {
  auto refuse = [&](const std::string& what) {
    throw ApiError(fmt::format("CreateKernel: kernel '{}': {}", kernel, what));
  };
  if (const auto* dm = std::get_if<DataMovementConfig>(&config)) {
    if (dm->noc_mode != NOC_MODE::DM_DEDICATED_NOC) refuse("NOC_MODE::DM_DYNAMIC_NOC is not emulated");
    if (!dm->named_compile_args.empty()) refuse("named_compile_args are not supported; use compile_args");
    return;
  }
  const ComputeConfig& compute = std::get<ComputeConfig>(config);
  if (!compute.named_compile_args.empty()) refuse("named_compile_args are not supported; use compile_args");
  for (UnpackToDestMode mode : compute.unpack_to_dest_mode) {
    if (mode == UnpackToDestMode::UnpackToDestFp32) refuse("UnpackToDestMode::UnpackToDestFp32 is not emulated");
  }
}

tilesim::KernelConfig ToHostConfig(const KernelConfig& config) {
  if (const auto* dm = std::get_if<DataMovementConfig>(&config)) {
    return tilesim::DataMovementConfig{dm->processor, dm->noc, dm->compile_args};
  }
  const ComputeConfig& c = std::get<ComputeConfig>(config);
  return tilesim::ComputeConfig{c.math_fidelity, c.fp32_dest_acc_en, c.math_approx_mode, c.compile_args};
}

KernelRole RoleOf(const KernelConfig& config) {
  if (const auto* dm = std::get_if<DataMovementConfig>(&config)) {
    return dm->processor == DataMovementProcessor::RISCV_0 ? KernelRole::DataMovement0 : KernelRole::DataMovement1;
  }
  return KernelRole::Compute;
}

bool IsRegularFile(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

}  // namespace

// ---- Finding kernel files ----

std::vector<KernelSearchPlace> KernelSearchPlaces(std::string_view caller_file) {
  std::vector<KernelSearchPlace> places;
  auto add = [&](const fs::path& directory, std::string reason) {
    const fs::path normal = directory.lexically_normal();
    for (const KernelSearchPlace& place : places) {
      if (place.directory == normal) return;  // searched already, for an earlier reason
    }
    places.push_back({normal, std::move(reason)});
  };
  for (const char* variable : {"TILESIM_KERNEL_ROOT", "TT_METAL_HOME"}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && *value != '\0') add(value, variable);
  }
  std::error_code error;
  const fs::path cwd = fs::current_path(error);
  if (!error) add(cwd, "current directory");
  if (!caller_file.empty()) {
    fs::path source(caller_file);
    if (source.is_relative() && !error) source = cwd / source;
    const std::string name = source.filename().string();
    fs::path directory = source.parent_path();
    add(directory, "next to " + name);
    // tt-metal examples name kernels from a root above the host program ("matmul/matmul_common/kernels/...").
    for (fs::path up = directory.parent_path(); !up.empty(); up = up.parent_path()) {
      add(up, "above " + name);
      if (up == up.parent_path()) break;
    }
  }
  return places;
}

fs::path ResolveKernelPath(const std::string& file_name, std::string_view caller_file) {
  if (file_name.empty()) throw ApiError("CreateKernel: the kernel path is empty");
  const fs::path path(file_name);
  if (path.is_absolute()) {
    if (IsRegularFile(path)) return path.lexically_normal();
    throw ApiError(fmt::format("CreateKernel: kernel file '{}' does not exist", file_name));
  }
  const std::vector<KernelSearchPlace> places = KernelSearchPlaces(caller_file);
  for (const KernelSearchPlace& place : places) {
    const fs::path candidate = (place.directory / path).lexically_normal();
    if (IsRegularFile(candidate)) return candidate;
  }
  std::string message = fmt::format("CreateKernel: kernel file '{}' not found; looked in:", file_name);
  for (const KernelSearchPlace& place : places) {
    message += fmt::format("\n  {} ({})", (place.directory / path).lexically_normal().string(), place.reason);
  }
  if (places.empty()) message += " nowhere (no current directory, environment root or caller file)";
  throw ApiError(message);
}

// ---- Creating kernels ----

KernelHandle CreateKernel(Program& program, const std::string& file_name, const CoreRangeSet& core_spec,
                          const KernelConfig& config, std::source_location caller) {
  const fs::path path = ResolveKernelPath(file_name, caller.file_name());
  if (path.extension() == ".tsb") {
    if (!DefinesOf(config).empty()) {
      throw ApiError(fmt::format("CreateKernel: '{}' is compiled bytecode; defines cannot change it", file_name));
    }
    CheckEmulated(config, file_name);
    return tilesim::CreateKernel(program, path.string(), core_spec, ToHostConfig(config));
  }
  CheckEmulated(config, file_name);
  metalium::FrontEndOptions options;
  options.role = RoleOf(config);
  options.defines = DefinesOf(config);
  kir::Kernel kernel;
  try {
    kernel = metalium::ParseKernelFile(path.string(), options, CompileArgsOf(config));
  } catch (const compiler::CompileError& e) {
    throw ApiError(fmt::format("CreateKernel: kernel '{}' does not compile: {}", file_name, e.what()));
  }
  return tilesim::CreateKernel(program, kernel, core_spec, ToHostConfig(config));
}

KernelHandle CreateKernel(Program& program, const kir::Kernel& kernel, const CoreRangeSet& core_spec,
                          const KernelConfig& config) {
  if (!DefinesOf(config).empty()) {
    throw ApiError(fmt::format(
        "CreateKernel: kernel '{}' is Kernel IR already; defines apply only to kernel sources", kernel.name));
  }
  CheckEmulated(config, kernel.name);
  return tilesim::CreateKernel(program, kernel, core_spec, ToHostConfig(config));
}

// ---- Slow-dispatch helpers ----

void detail::LaunchProgram(IDevice* device, Program& program, bool /*wait_until_cores_done*/) {
  if (device == nullptr) throw ApiError("LaunchProgram: the device is null");
  CommandQueue& cq = device->command_queue();
  EnqueueProgram(cq, program, true);
  Finish(cq);
}

CommandQueue& detail::QueueOf(const std::shared_ptr<Buffer>& buffer, const char* call) {
  if (!buffer) throw ApiError(fmt::format("{}: the buffer is null", call));
  if (!buffer->is_allocated() || buffer->device() == nullptr) {
    throw ApiError(fmt::format("{}: the buffer has been deallocated", call));
  }
  return buffer->device()->command_queue();
}

}  // namespace tilesim::metal
