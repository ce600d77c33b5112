// The Mesh API over one tilesim device: unit meshes, replicated buffers, workloads.
#include "tilesim/metal/distributed.hpp"

#include <fmt/format.h>

namespace tilesim::metal::distributed {

// ---- Coordinates ----

MeshShape::MeshShape(uint32_t rows, uint32_t cols) : rows_(rows), cols_(cols) {
  if (rows == 0 || cols == 0) throw ApiError(fmt::format("MeshShape: {}x{} has no devices", rows, cols));
}

uint32_t MeshShape::operator[](std::size_t dim) const {
  if (dim > 1) throw ApiError(fmt::format("MeshShape: dimension {} does not exist (the shape is 2-D)", dim));
  return dim == 0 ? rows_ : cols_;
}

std::string MeshShape::str() const { return fmt::format("MeshShape([{}, {}])", rows_, cols_); }

uint32_t MeshCoordinate::operator[](std::size_t dim) const {
  if (dim > 1) throw ApiError(fmt::format("MeshCoordinate: dimension {} does not exist (coordinates are 2-D)", dim));
  return dim == 0 ? row_ : col_;
}

std::string MeshCoordinate::str() const { return fmt::format("MeshCoordinate([{}, {}])", row_, col_); }

MeshCoordinateRange::MeshCoordinateRange(const MeshShape& shape)
    : start_(0, 0), end_(shape[0] - 1, shape[1] - 1) {}

MeshCoordinateRange::MeshCoordinateRange(const MeshCoordinate& start, const MeshCoordinate& end)
    : start_(start), end_(end) {
  if (end[0] < start[0] || end[1] < start[1]) {
    throw ApiError(fmt::format("MeshCoordinateRange: end {} is before start {}", end.str(), start.str()));
  }
}

bool MeshCoordinateRange::contains(const MeshCoordinate& c) const {
  return c[0] >= start_[0] && c[0] <= end_[0] && c[1] >= start_[1] && c[1] <= end_[1];
}

bool MeshCoordinateRange::intersects(const MeshCoordinateRange& o) const {
  return start_[0] <= o.end_[0] && o.start_[0] <= end_[0] && start_[1] <= o.end_[1] && o.start_[1] <= end_[1];
}

std::vector<MeshCoordinate> MeshCoordinateRange::coords() const {
  std::vector<MeshCoordinate> out;
  for (uint32_t r = start_[0]; r <= end_[0]; ++r) {
    for (uint32_t c = start_[1]; c <= end_[1]; ++c) out.emplace_back(r, c);
  }
  return out;
}

std::string MeshCoordinateRange::str() const {
  return fmt::format("MeshCoordinateRange(start={}, end={})", start_.str(), end_.str());
}

// ---- Devices ----

std::shared_ptr<MeshDevice> MeshDevice::create_unit_mesh(int device_id, const DeviceOptions& options) {
  return std::make_shared<MeshDevice>(PrivateTag{}, CreateDevice(device_id, options));
}

std::shared_ptr<MeshDevice> MeshDevice::create_unit_mesh(int device_id, std::size_t /*l1_small_size*/,
                                                         std::size_t /*trace_region_size*/,
                                                         std::size_t num_command_queues) {
  if (num_command_queues != 1) {
    throw ApiError(fmt::format("MeshDevice::create_unit_mesh: {} command queues asked for; tilesim has one",
                               num_command_queues));
  }
  return create_unit_mesh(device_id, DeviceOptions{});
}

std::map<int, std::shared_ptr<MeshDevice>> MeshDevice::create_unit_meshes(const std::vector<int>& device_ids,
                                                                          const DeviceOptions& options) {
  std::map<int, std::shared_ptr<MeshDevice>> meshes;
  for (int id : device_ids) {
    if (meshes.count(id) != 0) {
      throw ApiError(fmt::format("MeshDevice::create_unit_meshes: device {} is listed twice", id));
    }
    meshes.emplace(id, create_unit_mesh(id, options));  // on failure the ones opened close with `meshes`
  }
  return meshes;
}

std::shared_ptr<MeshDevice> MeshDevice::create(const MeshDeviceConfig& config, const DeviceOptions& options) {
  if (config.mesh_shape.mesh_size() != 1) {
    throw ApiError(fmt::format("MeshDevice::create: {} asked for; tilesim emulates one device, so only a 1x1 mesh",
                               config.mesh_shape.str()));
  }
  if (config.device_ids.size() > 1) {
    throw ApiError(fmt::format("MeshDevice::create: {} device ids for a 1x1 mesh", config.device_ids.size()));
  }
  return create_unit_mesh(config.device_ids.empty() ? 0 : config.device_ids.front(), options);
}

MeshDevice::MeshDevice(PrivateTag, Device* device) : device_(device) {}

MeshDevice::~MeshDevice() { close(); }

bool MeshDevice::close() {
  if (device_ == nullptr) return false;
  CloseDevice(device_);
  device_ = nullptr;
  return true;
}

Device& MeshDevice::device(const char* call) const {
  if (device_ == nullptr) throw ApiError(fmt::format("{}: the mesh device has been closed", call));
  return *device_;
}

MeshCommandQueue& MeshDevice::mesh_command_queue(std::size_t cq_id) {
  device("mesh_command_queue");
  if (cq_id != 0) {
    throw ApiError(fmt::format("mesh_command_queue: queue {} does not exist (only queue 0)", cq_id));
  }
  return queue_;
}

int MeshDevice::id() const { return device("MeshDevice::id").id(); }

CoreCoord MeshDevice::compute_with_storage_grid_size() const {
  return device("compute_with_storage_grid_size").compute_with_storage_grid_size();
}

CoreCoord MeshDevice::worker_core_from_logical_core(const CoreCoord& logical) const {
  return device("worker_core_from_logical_core").worker_core_from_logical_core(logical);
}

CoreCoord MeshDevice::virtual_core_from_logical_core(const CoreCoord& logical, CoreType type) const {
  if (type != CoreType::WORKER) {
    throw ApiError("virtual_core_from_logical_core: only worker cores have logical coordinates in tilesim");
  }
  return worker_core_from_logical_core(logical);
}

uint32_t MeshDevice::num_dram_channels() const { return device("num_dram_channels").num_dram_channels(); }
uint32_t MeshDevice::l1_size_per_core() const { return device("l1_size_per_core").l1_size_per_core(); }
uint64_t MeshDevice::dram_size_per_channel() const {
  return device("dram_size_per_channel").dram_size_per_channel();
}

std::vector<IDevice*> MeshDevice::get_devices() const { return {&device("get_devices")}; }

IDevice* MeshDevice::get_device(const MeshCoordinate& coord) const {
  if (!is_local(coord)) {
    throw ApiError(fmt::format("MeshDevice::get_device: {} is outside the {}", coord.str(), shape_.str()));
  }
  return &device("get_device");
}

// ---- Buffers ----

std::shared_ptr<MeshBuffer> MeshBuffer::create(const ReplicatedBufferConfig& config,
                                               const DeviceLocalBufferConfig& local_config, MeshDevice* device) {
  if (device == nullptr) throw ApiError("MeshBuffer::create: the mesh device is null");
  InterleavedBufferConfig interleaved{&device->device("MeshBuffer::create"), config.size, local_config.page_size,
                                      local_config.buffer_type};
  return std::make_shared<MeshBuffer>(PrivateTag{}, CreateBuffer(interleaved), device->weak_from_this(),
                                      local_config);
}

MeshBuffer::MeshBuffer(PrivateTag, std::shared_ptr<Buffer> buffer, std::weak_ptr<MeshDevice> device,
                       DeviceLocalBufferConfig local_config)
    : buffer_(std::move(buffer)), device_(std::move(device)), local_config_(local_config) {}

uint32_t MeshBuffer::address() const { return buffer_->address(); }
DeviceAddr MeshBuffer::size() const { return buffer_->size(); }
DeviceAddr MeshBuffer::page_size() const { return buffer_->page_size(); }
bool MeshBuffer::is_allocated() const { return buffer_->is_allocated(); }
void MeshBuffer::deallocate() { DeallocateBuffer(*buffer_); }

MeshDevice* MeshBuffer::device() const {
  std::shared_ptr<MeshDevice> mesh = device_.lock();
  return mesh && mesh->is_open() ? mesh.get() : nullptr;
}

Buffer* MeshBuffer::get_device_buffer(const MeshCoordinate& coord) const {
  MeshDevice* mesh = device();
  if (mesh == nullptr) throw ApiError("MeshBuffer::get_device_buffer: the buffer's mesh device has been closed");
  if (!mesh->is_local(coord)) {
    throw ApiError(fmt::format("MeshBuffer::get_device_buffer: {} is outside the {}", coord.str(),
                               mesh->shape().str()));
  }
  return buffer_.get();
}

// ---- Queues ----

namespace {

// The device buffer of `buffer` after checking it may be used on `cq`'s mesh.
Buffer& CheckedBuffer(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer, const char* call) {
  if (!buffer) throw ApiError(fmt::format("{}: the mesh buffer is null", call));
  cq.device()->device(call);
  if (buffer->device() != cq.device()) {
    throw ApiError(fmt::format("{}: the buffer belongs to another (or a closed) mesh device", call));
  }
  return *buffer->get_backing_buffer();
}

}  // namespace

void MeshCommandQueue::enqueue_write_mesh_buffer(const std::shared_ptr<MeshBuffer>& buffer, const void* host,
                                                 bool blocking) {
  Buffer& target = CheckedBuffer(*this, buffer, "EnqueueWriteMeshBuffer");
  EnqueueWriteBuffer(device_->device().command_queue(), target, host, blocking);
}

void MeshCommandQueue::enqueue_read_mesh_buffer(void* host, const std::shared_ptr<MeshBuffer>& buffer,
                                                bool blocking) {
  Buffer& source = CheckedBuffer(*this, buffer, "EnqueueReadMeshBuffer");
  if (host == nullptr) throw ApiError("EnqueueReadMeshBuffer: destination pointer is null");
  EnqueueReadBuffer(device_->device().command_queue(), source, host, blocking);
}

void MeshCommandQueue::enqueue_write_mesh_buffer(const std::shared_ptr<MeshBuffer>& buffer, const void* host,
                                                 uint64_t host_bytes, bool blocking) {
  CheckHostTransferSize(CheckedBuffer(*this, buffer, "EnqueueWriteMeshBuffer"), host_bytes, "EnqueueWriteMeshBuffer");
  enqueue_write_mesh_buffer(buffer, host, blocking);
}

void MeshCommandQueue::enqueue_read_mesh_buffer(void* host, uint64_t host_bytes,
                                                const std::shared_ptr<MeshBuffer>& buffer, bool blocking) {
  CheckHostTransferSize(CheckedBuffer(*this, buffer, "EnqueueReadMeshBuffer"), host_bytes, "EnqueueReadMeshBuffer");
  enqueue_read_mesh_buffer(host, buffer, blocking);
}

void MeshCommandQueue::enqueue_mesh_workload(MeshWorkload& workload, bool blocking) {
  Device& device = device_->device("EnqueueMeshWorkload");
  if (workload.get_programs().empty()) throw ApiError("EnqueueMeshWorkload: the workload has no programs");
  const MeshCoordinateRange mesh(device_->shape());
  for (auto& [range, program] : workload.get_programs()) {
    if (!mesh.contains(range.start_coord()) || !mesh.contains(range.end_coord())) {
      throw ApiError(fmt::format("EnqueueMeshWorkload: program range {} reaches outside the {}", range.str(),
                                 device_->shape().str()));
    }
  }
  for (auto& [range, program] : workload.get_programs()) {
    EnqueueProgram(device.command_queue(), program, blocking);
  }
}

void MeshCommandQueue::finish() { Finish(device_->device("Finish").command_queue()); }

// ---- Workloads ----

void MeshWorkload::add_program(const MeshCoordinateRange& range, Program&& program) {
  for (const auto& [existing, unused] : programs_) {
    if (existing.intersects(range)) {
      throw ApiError(fmt::format("MeshWorkload::add_program: {} overlaps {}, which already has a program",
                                 range.str(), existing.str()));
    }
  }
  programs_.emplace(range, std::move(program));
}

MeshWorkload CreateMeshWorkload() { return MeshWorkload(); }

void AddProgramToMeshWorkload(MeshWorkload& workload, Program&& program, const MeshCoordinateRange& range) {
  workload.add_program(range, std::move(program));
}

void EnqueueMeshWorkload(MeshCommandQueue& cq, MeshWorkload& workload, bool blocking) {
  cq.enqueue_mesh_workload(workload, blocking);
}

void Finish(MeshCommandQueue& cq) { cq.finish(); }

void Synchronize(MeshDevice* device, std::optional<uint8_t> cq_id) {
  if (device == nullptr) throw ApiError("Synchronize: the mesh device is null");
  device->mesh_command_queue(cq_id.value_or(0)).finish();
}

}  // namespace tilesim::metal::distributed
