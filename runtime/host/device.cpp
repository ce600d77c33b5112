// CreateDevice / CloseDevice and the Device handle.
#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "runtime/host/host_internal.h"

namespace tilesim {

namespace {
// Open devices by id: CloseDevice accepts only pointers CreateDevice returned, and an id opens once.
std::mutex g_devices_mutex;
std::map<int, std::unique_ptr<Device>>& OpenDevices() {
  static std::map<int, std::unique_ptr<Device>> devices;
  return devices;
}

void CheckOptions(const DeviceOptions& o) {
  auto fail = [](const std::string& what) { throw ApiError("CreateDevice: " + what); };
  if (o.grid_x < 1 || o.grid_y < 1 || o.grid_x > 64 || o.grid_y > 64) {
    fail(fmt::format("grid {}x{} is not between 1x1 and 64x64", o.grid_x, o.grid_y));
  }
  const uint32_t min_l1 = kL1CircularBufferBase + 64 * 1024;
  if (o.l1_size < min_l1 || o.l1_size % kBufferAlignment != 0) {
    fail(fmt::format("l1_size {} must be at least {} (reserved region 0x{:x} plus 64 KiB) and a multiple of {}",
                     o.l1_size, min_l1, kL1CircularBufferBase, kBufferAlignment));
  }
  if (o.num_dram_banks < 1 || o.num_dram_banks > 64)
    fail(fmt::format("num_dram_banks {} is not in 1..64", o.num_dram_banks));
  if (o.dram_bank_size <= kDramBase || o.dram_bank_size > (1ull << 32)) {
    fail(fmt::format("dram_bank_size {} must be above {} and at most 4 GiB (device addresses are 32-bit)",
                     o.dram_bank_size, kDramBase));
  }
}
}  // namespace

Device::Device(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) { impl_->queue.emplace(*this); }
Device::~Device() = default;

int Device::id() const { return impl_->id; }
CoreCoord Device::compute_with_storage_grid_size() const { return {impl_->options.grid_x, impl_->options.grid_y}; }
uint32_t Device::num_dram_channels() const { return impl_->options.num_dram_banks; }
uint32_t Device::l1_size_per_core() const { return impl_->options.l1_size; }
uint64_t Device::dram_size_per_channel() const { return impl_->options.dram_bank_size; }
uint32_t Device::threads() const { return impl_->threads; }
const RunStats& Device::last_run_stats() const { return impl_->last_run_stats; }
const perf::PerfResult* Device::last_perf() const {
  if (impl_->pending_perf.valid()) impl_->last_perf = impl_->pending_perf.get();  // rethrows a replay error
  return impl_->last_perf ? &*impl_->last_perf : nullptr;
}
const DeviceOptions& Device::options() const { return impl_->options; }

CoreCoord Device::worker_core_from_logical_core(const CoreCoord& logical) const {
  if (logical.x >= impl_->options.grid_x || logical.y >= impl_->options.grid_y) {
    throw ApiError(fmt::format("worker_core_from_logical_core: core {} is outside the {}x{} grid", logical.str(),
                               impl_->options.grid_x, impl_->options.grid_y));
  }
  const emu::NocCoord noc =
      impl_->emulator->WorkerNoc(emu::CoreCoord{static_cast<uint32_t>(logical.x), static_cast<uint32_t>(logical.y)});
  return {noc.x, noc.y};
}

CommandQueue& Device::command_queue(size_t cq_id) {
  if (cq_id != 0) throw ApiError(fmt::format("command_queue: queue {} does not exist (only queue 0)", cq_id));
  return *impl_->queue;
}

Device* CreateDevice(int device_id, const DeviceOptions& options) {
  CheckOptions(options);
  emu::DeviceConfig config;
  config.grid_x = options.grid_x;
  config.grid_y = options.grid_y;
  config.l1_size = options.l1_size;
  config.num_dram_banks = options.num_dram_banks;
  config.dram_bank_size = options.dram_bank_size;
  try {
    config = emu::Finalize(config);
  } catch (const std::invalid_argument& e) {
    throw ApiError(fmt::format("CreateDevice: {}", e.what()));
  }

  auto impl = std::make_unique<Device::Impl>();
  impl->id = device_id;
  impl->options = options;
  impl->threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  impl->emulator = std::make_unique<emu::Device>(config);
  impl->memory = std::make_shared<host::DeviceMemory>(
      host::BankAllocator(kDramBase, options.dram_bank_size, kBufferAlignment, /*top_down=*/false),
      host::BankAllocator(kL1CircularBufferBase, options.l1_size, kBufferAlignment, /*top_down=*/true));

  std::lock_guard lock(g_devices_mutex);
  auto& devices = OpenDevices();
  if (devices.count(device_id) != 0) throw ApiError(fmt::format("CreateDevice: device {} is already open", device_id));
  auto device = std::make_unique<Device>(std::move(impl));
  Device* raw = device.get();
  devices.emplace(device_id, std::move(device));
  return raw;
}

bool CloseDevice(Device* device) {
  std::lock_guard lock(g_devices_mutex);
  auto& devices = OpenDevices();
  for (auto it = devices.begin(); it != devices.end(); ++it) {
    if (it->second.get() == device) {
      devices.erase(it);
      return true;
    }
  }
  return false;
}

std::string_view ToString(RunFailure failure) {
  switch (failure) {
    case RunFailure::Deadlock:
      return "deadlock";
    case RunFailure::Livelock:
      return "livelock";
    case RunFailure::Trap:
      return "trap";
    case RunFailure::InvalidProgram:
      return "invalid program";
  }
  return "unknown";
}

RunError::RunError(RunFailure failure, const std::string& report) : std::runtime_error(report), failure_(failure) {}

}  // namespace tilesim
