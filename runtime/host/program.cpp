// Programs: kernels, circular buffers, semaphores and runtime arguments.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "runtime/host/host_internal.h"
#include "tilesim/compiler.h"

namespace tilesim {

Program::Program() : impl_(std::make_unique<Impl>()) {}
Program::~Program() = default;
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;

Program CreateProgram() { return Program(); }

namespace {

std::vector<CoreCoord> CoresOf(const CoreRangeSet& set, const char* call) {
  if (set.empty()) throw ApiError(fmt::format("{}: the core set is empty", call));
  std::vector<CoreCoord> cores = corerange_to_cores(set);
  std::sort(cores.begin(), cores.end());
  return cores;
}

host::KernelEntry& KernelAt(Program& program, KernelHandle kernel, const char* call) {
  auto& kernels = program.impl().kernels;
  if (kernel >= kernels.size()) {
    throw ApiError(
        fmt::format("{}: kernel handle {} does not exist (the program has {} kernels)", call, kernel, kernels.size()));
  }
  return kernels[kernel];
}

std::string_view ProcessorName(KernelRole role) {
  switch (role) {
    case KernelRole::DataMovement0:
      return "RISCV_0 (BRISC)";
    case KernelRole::DataMovement1:
      return "RISCV_1 (NCRISC)";
    case KernelRole::Compute:
      return "compute (TRISCs)";
  }
  return "?";
}

// The role the config asks for; throws if the kernel was built for the other kind of processor.
KernelRole RoleFor(const std::string& name, KernelRole built_for, const KernelConfig& config) {
  if (const auto* dm = std::get_if<DataMovementConfig>(&config)) {
    if (built_for == KernelRole::Compute) {
      throw ApiError(fmt::format("CreateKernel: kernel '{}' is a compute kernel; give it a ComputeConfig", name));
    }
    return dm->processor == DataMovementProcessor::RISCV_0 ? KernelRole::DataMovement0 : KernelRole::DataMovement1;
  }
  if (built_for != KernelRole::Compute) {
    throw ApiError(
        fmt::format("CreateKernel: kernel '{}' is a data movement kernel; give it a DataMovementConfig", name));
  }
  return KernelRole::Compute;
}

KernelHandle AddKernel(Program& program, std::shared_ptr<const bc::KernelBinary> binary, const CoreRangeSet& core_set,
                       const KernelConfig& config) {
  std::vector<CoreCoord> cores = CoresOf(core_set, "CreateKernel");
  Program::Impl& p = program.impl();
  const auto role_index = static_cast<size_t>(binary->role);
  for (const CoreCoord& core : cores) {
    if (p.cores[core].has_kernel[role_index]) {
      throw ApiError(fmt::format("CreateKernel: core {} already runs a kernel on {}; cannot add '{}'", core.str(),
                                 ProcessorName(binary->role), binary->name));
    }
  }
  for (const CoreCoord& core : cores) p.cores[core].has_kernel[role_index] = true;
  host::KernelEntry entry;
  entry.name = binary->name;
  entry.role = binary->role;
  entry.binary = std::move(binary);
  entry.cores = std::move(cores);
  if (const auto* dm = std::get_if<DataMovementConfig>(&config)) {
    entry.noc = static_cast<uint32_t>(dm->noc);
  } else {
    entry.compute = std::get<ComputeConfig>(config);
  }
  p.kernels.push_back(std::move(entry));
  return static_cast<KernelHandle>(p.kernels.size() - 1);
}

const std::vector<uint32_t>& CompileArgs(const KernelConfig& config) {
  if (const auto* dm = std::get_if<DataMovementConfig>(&config)) return dm->compile_args;
  return std::get<ComputeConfig>(config).compile_args;
}

}  // namespace

KernelHandle CreateKernel(Program& program, const kir::Kernel& kernel, const CoreRangeSet& cores,
                          const KernelConfig& config) {
  kir::Kernel placed = kernel;
  placed.role = RoleFor(kernel.name, kernel.role, config);
  std::shared_ptr<bc::KernelBinary> binary;
  try {
    binary = std::make_shared<bc::KernelBinary>(compiler::LowerToBytecode(placed, CompileArgs(config)));
  } catch (const compiler::CompileError& e) {
    throw ApiError(fmt::format("CreateKernel: kernel '{}' does not compile: {}", kernel.name, e.what()));
  }
  return AddKernel(program, std::move(binary), cores, config);
}

KernelHandle CreateKernel(Program& program, const std::string& bytecode_path, const CoreRangeSet& cores,
                          const KernelConfig& config) {
  if (!CompileArgs(config).empty()) {
    throw ApiError(
        fmt::format("CreateKernel: '{}' is compiled bytecode; its compile-time args were fixed when it "
                    "was compiled, so the config must not give any",
                    bytecode_path));
  }
  auto binary = std::make_shared<bc::KernelBinary>();
  try {
    *binary = bc::LoadFromFile(bytecode_path);
  } catch (const std::exception& e) {
    throw ApiError(fmt::format("CreateKernel: cannot load '{}': {}", bytecode_path, e.what()));
  }
  binary->role = RoleFor(binary->name, binary->role, config);
  const std::vector<std::string> problems = bc::Verify(*binary);
  if (!problems.empty()) {
    std::string message = fmt::format("CreateKernel: '{}' is not a valid kernel:", bytecode_path);
    for (const std::string& problem : problems) message += "\n  " + problem;
    throw ApiError(message);
  }
  return AddKernel(program, std::move(binary), cores, config);
}

// ---- Circular buffers ----

CircularBufferConfig::CircularBufferConfig(uint32_t total_size, const std::map<uint8_t, DataFormat>& data_format_spec)
    : total_size_(total_size), data_formats_(data_format_spec) {}

CircularBufferConfig& CircularBufferConfig::set_page_size(uint8_t buffer_index, uint32_t page_size) {
  page_sizes_[buffer_index] = page_size;
  return *this;
}

CircularBufferConfig& CircularBufferConfig::set_total_size(uint32_t total_size) {
  total_size_ = total_size;
  return *this;
}

CBHandle CreateCircularBuffer(Program& program, const CoreRangeSet& core_set, const CircularBufferConfig& config) {
  std::vector<CoreCoord> cores = CoresOf(core_set, "CreateCircularBuffer");
  if (config.data_formats().size() != 1) {
    throw ApiError(
        fmt::format("CreateCircularBuffer: the config names {} CB indexes; exactly one is supported "
                    "(aliasing several indexes to one buffer is not)",
                    config.data_formats().size()));
  }
  const auto [index, format] = *config.data_formats().begin();
  if (index >= kMaxCircularBuffers) {
    throw ApiError(
        fmt::format("CreateCircularBuffer: CB index {} is out of range (0..{})", index, kMaxCircularBuffers - 1));
  }
  if (!IsEmulated(format)) {
    throw ApiError(
        fmt::format("CreateCircularBuffer: CB {}: data format {} is not emulated (Float32 and Float16_b are)", index,
                    ToString(format)));
  }
  auto page = config.page_sizes().find(index);
  if (page == config.page_sizes().end() || page->second == 0) {
    throw ApiError(
        fmt::format("CreateCircularBuffer: CB {} has no page size (call set_page_size({}, bytes))", index, index));
  }
  const uint32_t page_size = page->second;
  if (config.total_size() == 0 || config.total_size() % page_size != 0) {
    throw ApiError(
        fmt::format("CreateCircularBuffer: CB {}: total size {} is not a positive multiple of the page size {}", index,
                    config.total_size(), page_size));
  }
  if (page_size % 16 != 0) {
    throw ApiError(
        fmt::format("CreateCircularBuffer: CB {}: page size {} is not a multiple of 16 bytes", index, page_size));
  }

  Program::Impl& p = program.impl();
  uint64_t address = kL1CircularBufferBase;
  for (const CoreCoord& core : cores) {
    const host::CoreUsage& usage = p.cores[core];
    if (usage.cb_indexes & (1u << index)) {
      throw ApiError(fmt::format("CreateCircularBuffer: CB index {} is already in use on core {}", index, core.str()));
    }
    address = std::max<uint64_t>(address, usage.cb_top);
  }
  address = (address + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
  const uint64_t end = address + config.total_size();
  if (end > UINT32_MAX) {
    throw AllocationError(
        fmt::format("CreateCircularBuffer: CB {} of {} bytes at 0x{:x} exceeds the 32-bit address space", index,
                    config.total_size(), address));
  }
  for (const CoreCoord& core : cores) {
    host::CoreUsage& usage = p.cores[core];
    usage.cb_indexes |= 1u << index;
    usage.cb_top = static_cast<uint32_t>(end);
  }
  host::CircularBufferEntry entry;
  entry.cores = std::move(cores);
  entry.index = index;
  entry.format = format;
  entry.page_size = page_size;
  entry.total_size = config.total_size();
  entry.address = static_cast<uint32_t>(address);
  p.circular_buffers.push_back(std::move(entry));
  return static_cast<CBHandle>(p.circular_buffers.size() - 1);
}

uint32_t GetCircularBufferAddress(const Program& program, CBHandle cb) {
  const auto& cbs = program.impl().circular_buffers;
  if (cb >= cbs.size()) throw ApiError(fmt::format("GetCircularBufferAddress: CB handle {} does not exist", cb));
  return cbs[cb].address;
}

// ---- Semaphores ----

uint32_t CreateSemaphore(Program& program, const CoreRangeSet& core_set, uint32_t initial_value) {
  std::vector<CoreCoord> cores = CoresOf(core_set, "CreateSemaphore");
  Program::Impl& p = program.impl();
  uint32_t used = 0;
  for (const CoreCoord& core : cores) used |= p.cores[core].semaphore_ids;
  uint32_t id = 0;
  while (id < kMaxSemaphores && (used & (1u << id))) ++id;
  if (id == kMaxSemaphores) {
    throw ApiError(fmt::format("CreateSemaphore: no semaphore id is free on all of {} (at most {} per core)",
                               core_set.str(), kMaxSemaphores));
  }
  for (const CoreCoord& core : cores) p.cores[core].semaphore_ids |= 1u << id;
  p.semaphores.push_back(host::SemaphoreEntry{std::move(cores), id, initial_value});
  return id;
}

// ---- Runtime arguments ----

void SetRuntimeArgs(Program& program, KernelHandle kernel, const CoreCoord& core, const std::vector<uint32_t>& args) {
  GetRuntimeArgs(program, kernel, core) = args;
}

void SetRuntimeArgs(Program& program, KernelHandle kernel, const CoreRange& cores, const std::vector<uint32_t>& args) {
  SetRuntimeArgs(program, kernel, CoreRangeSet(cores), args);
}

void SetRuntimeArgs(Program& program, KernelHandle kernel, const CoreRangeSet& cores,
                    const std::vector<uint32_t>& args) {
  for (const CoreCoord& core : CoresOf(cores, "SetRuntimeArgs")) GetRuntimeArgs(program, kernel, core) = args;
}

void SetRuntimeArgs(Program& program, KernelHandle kernel, const std::vector<CoreCoord>& cores,
                    const std::vector<std::vector<uint32_t>>& args) {
  if (cores.size() != args.size()) {
    throw ApiError(fmt::format("SetRuntimeArgs: {} cores but {} argument lists", cores.size(), args.size()));
  }
  for (size_t i = 0; i < cores.size(); ++i) GetRuntimeArgs(program, kernel, cores[i]) = args[i];
}

std::vector<uint32_t>& GetRuntimeArgs(Program& program, KernelHandle kernel, const CoreCoord& core) {
  host::KernelEntry& entry = KernelAt(program, kernel, "SetRuntimeArgs");
  if (!std::binary_search(entry.cores.begin(), entry.cores.end(), core)) {
    throw ApiError(fmt::format("SetRuntimeArgs: kernel '{}' does not run on core {}", entry.name, core.str()));
  }
  return entry.runtime_args[core];
}

void SetCommonRuntimeArgs(Program& program, KernelHandle kernel, const std::vector<uint32_t>& args) {
  KernelAt(program, kernel, "SetCommonRuntimeArgs").common_args = args;
}

std::vector<uint32_t>& GetCommonRuntimeArgs(Program& program, KernelHandle kernel) {
  return KernelAt(program, kernel, "GetCommonRuntimeArgs").common_args;
}

}  // namespace tilesim
