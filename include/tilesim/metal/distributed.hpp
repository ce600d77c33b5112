// tilesim::metal::distributed: TT-Metalium's Mesh API (the current tt-metal host API) over one emulated
// device.
//
//   auto mesh_device = distributed::MeshDevice::create_unit_mesh(0);
//   distributed::MeshCommandQueue& cq = mesh_device->mesh_command_queue();
//   distributed::DeviceLocalBufferConfig dram_config{.page_size = 2048, .buffer_type = BufferType::DRAM};
//   auto src = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{.size = bytes}, dram_config,
//                                              mesh_device.get());
//   distributed::EnqueueWriteMeshBuffer(cq, src, host_vector, false);
//   distributed::MeshWorkload workload;
//   workload.add_program(distributed::MeshCoordinateRange(mesh_device->shape()), std::move(program));
//   distributed::EnqueueMeshWorkload(cq, workload, false);
//   distributed::EnqueueReadMeshBuffer(cq, result, dst, true);
//   mesh_device->close();
//
// Only unit meshes (1x1, one device) exist: a mesh is a view of one tilesim::Device. Buffers are
// replicated (the one copy is the device's interleaved buffer); sharded mesh buffers are not supported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tilesim/metal/host_api.hpp"

namespace tilesim::metal::distributed {

using DeviceAddr = uint64_t;

// ---- Mesh coordinates (2-D: rows x columns of devices) ----

class MeshShape {
 public:
  MeshShape(uint32_t rows, uint32_t cols);  // throws ApiError if either is 0
  uint32_t operator[](std::size_t dim) const;  // 0: rows, 1: cols; throws ApiError beyond
  std::size_t dims() const { return 2; }
  std::size_t mesh_size() const { return static_cast<std::size_t>(rows_) * cols_; }
  std::string str() const;  // "MeshShape([1, 1])"
  friend bool operator==(const MeshShape&, const MeshShape&) = default;

 private:
  uint32_t rows_;
  uint32_t cols_;
};

class MeshCoordinate {
 public:
  MeshCoordinate(uint32_t row, uint32_t col) : row_(row), col_(col) {}
  uint32_t operator[](std::size_t dim) const;  // 0: row, 1: col; throws ApiError beyond
  std::size_t dims() const { return 2; }
  std::string str() const;  // "MeshCoordinate([0, 0])"
  friend bool operator==(const MeshCoordinate&, const MeshCoordinate&) = default;
  friend auto operator<=>(const MeshCoordinate&, const MeshCoordinate&) = default;

 private:
  uint32_t row_;
  uint32_t col_;
};

// An inclusive rectangle of mesh coordinates.
class MeshCoordinateRange {
 public:
  explicit MeshCoordinateRange(const MeshShape& shape);  // the whole mesh
  MeshCoordinateRange(const MeshCoordinate& start, const MeshCoordinate& end);  // throws ApiError if end < start
  const MeshCoordinate& start_coord() const { return start_; }
  const MeshCoordinate& end_coord() const { return end_; }
  bool contains(const MeshCoordinate& coord) const;
  bool intersects(const MeshCoordinateRange& other) const;
  std::vector<MeshCoordinate> coords() const;  // row-major
  std::string str() const;
  friend bool operator==(const MeshCoordinateRange&, const MeshCoordinateRange&) = default;
  friend bool operator<(const MeshCoordinateRange& a, const MeshCoordinateRange& b) {
    return a.start_ != b.start_ ? a.start_ < b.start_ : a.end_ < b.end_;
  }

 private:
  MeshCoordinate start_;
  MeshCoordinate end_;
};

// ---- Devices and queues ----

enum class CoreType { WORKER, DRAM, ETH };

class MeshDevice;
class MeshBuffer;
class MeshWorkload;

class MeshCommandQueue {
 public:
  explicit MeshCommandQueue(MeshDevice& device) : device_(&device) {}
  MeshDevice* device() const { return device_; }
  uint32_t id() const { return 0; }

  void enqueue_mesh_workload(MeshWorkload& workload, bool blocking);
  // Writes / reads buffer->size() bytes at `host`, like tt-metal (the caller vouches for the size).
  void enqueue_write_mesh_buffer(const std::shared_ptr<MeshBuffer>& buffer, const void* host, bool blocking);
  void enqueue_read_mesh_buffer(void* host, const std::shared_ptr<MeshBuffer>& buffer, bool blocking);
  // The same, checked: throws ApiError unless host_bytes == buffer->size().
  void enqueue_write_mesh_buffer(const std::shared_ptr<MeshBuffer>& buffer, const void* host, uint64_t host_bytes,
                                 bool blocking);
  void enqueue_read_mesh_buffer(void* host, uint64_t host_bytes, const std::shared_ptr<MeshBuffer>& buffer,
                                bool blocking);
  void finish();

 private:
  MeshDevice* device_;
};

struct MeshDeviceConfig {
  explicit MeshDeviceConfig(MeshShape shape, std::vector<int> physical_device_ids = {})
      : mesh_shape(shape), device_ids(std::move(physical_device_ids)) {}
  MeshShape mesh_shape;
  std::vector<int> device_ids;  // empty: device 0
};

// A mesh of devices; here always one device (1x1). Created only through the static factories, owned by
// shared_ptr. The device closes with close() or when the last shared_ptr goes.
class MeshDevice : public std::enable_shared_from_this<MeshDevice> {
  struct PrivateTag {};

 public:
  // Opens device `device_id` as a 1x1 mesh. Throws ApiError if it is already open or the options are bad.
  static std::shared_ptr<MeshDevice> create_unit_mesh(int device_id, const DeviceOptions& options = {});
  // tt-metal's long form: the L1-small and trace regions do not exist in tilesim and are ignored; only one
  // command queue exists (ApiError otherwise).
  static std::shared_ptr<MeshDevice> create_unit_mesh(int device_id, std::size_t l1_small_size,
                                                      std::size_t trace_region_size = 0,
                                                      std::size_t num_command_queues = 1);
  static std::map<int, std::shared_ptr<MeshDevice>> create_unit_meshes(const std::vector<int>& device_ids,
                                                                      const DeviceOptions& options = {});
  // Only a 1x1 shape with at most one device id is supported (ApiError otherwise).
  static std::shared_ptr<MeshDevice> create(const MeshDeviceConfig& config, const DeviceOptions& options = {});

  MeshDevice(PrivateTag, Device* device);
  ~MeshDevice();
  MeshDevice(const MeshDevice&) = delete;
  MeshDevice& operator=(const MeshDevice&) = delete;

  // Closes the device; false if it was already closed. Buffers created on it must not be used after.
  bool close();
  bool is_open() const { return device_ != nullptr; }

  MeshCommandQueue& mesh_command_queue(std::size_t cq_id = 0);  // only queue 0 exists
  const MeshShape& shape() const { return shape_; }
  std::size_t num_devices() const { return shape_.mesh_size(); }
  std::size_t num_rows() const { return shape_[0]; }
  std::size_t num_cols() const { return shape_[1]; }
  int id() const;
  bool is_local(const MeshCoordinate& coord) const { return MeshCoordinateRange(shape_).contains(coord); }

  CoreCoord compute_with_storage_grid_size() const;
  CoreCoord logical_grid_size() const { return compute_with_storage_grid_size(); }
  CoreCoord worker_core_from_logical_core(const CoreCoord& logical) const;  // its NoC coordinate
  // Only CoreType::WORKER has cores to map (ApiError otherwise).
  CoreCoord virtual_core_from_logical_core(const CoreCoord& logical, CoreType type) const;
  uint32_t num_dram_channels() const;
  uint32_t l1_size_per_core() const;
  uint64_t dram_size_per_channel() const;

  std::vector<IDevice*> get_devices() const;
  IDevice* get_device(const MeshCoordinate& coord) const;  // throws ApiError outside the mesh
  // The one device (tilesim): throws ApiError naming `call` once the mesh is closed.
  Device& device(const char* call = "MeshDevice") const;

 private:
  Device* device_;
  MeshShape shape_{1, 1};
  MeshCommandQueue queue_{*this};
};

// ---- Buffers ----

enum class MeshBufferLayout { REPLICATED, SHARDED };

struct ReplicatedBufferConfig {
  DeviceAddr size = 0;  // bytes on each device
};
struct DeviceLocalBufferConfig {
  DeviceAddr page_size = 0;
  BufferType buffer_type = BufferType::DRAM;
};

// A buffer on every device of a mesh: here the one device's interleaved buffer.
class MeshBuffer {
  struct PrivateTag {};

 public:
  // Throws ApiError on a null or closed device or a bad size (not a positive multiple of the page size),
  // AllocationError when the memory is full.
  static std::shared_ptr<MeshBuffer> create(const ReplicatedBufferConfig& config,
                                            const DeviceLocalBufferConfig& local_config, MeshDevice* device);

  MeshBuffer(PrivateTag, std::shared_ptr<Buffer> buffer, std::weak_ptr<MeshDevice> device,
             DeviceLocalBufferConfig local_config);

  uint32_t address() const;
  DeviceAddr size() const;
  DeviceAddr page_size() const;
  MeshDevice* device() const;  // null once the mesh device is gone
  const DeviceLocalBufferConfig& device_local_config() const { return local_config_; }
  MeshBufferLayout global_layout() const { return MeshBufferLayout::REPLICATED; }
  bool is_allocated() const;
  void deallocate();

  // The device buffer behind the mesh buffer (all the same one here).
  Buffer* get_backing_buffer() const { return buffer_.get(); }
  Buffer* get_reference_buffer() const { return buffer_.get(); }
  Buffer* get_device_buffer(const MeshCoordinate& coord) const;  // throws ApiError outside the mesh
  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }

 private:
  std::shared_ptr<Buffer> buffer_;
  std::weak_ptr<MeshDevice> device_;
  DeviceLocalBufferConfig local_config_;
};

// ---- Workloads: programs placed on ranges of the mesh ----

class MeshWorkload {
 public:
  MeshWorkload() = default;
  // Throws ApiError if `range` overlaps a range that already has a program.
  void add_program(const MeshCoordinateRange& range, Program&& program);
  std::map<MeshCoordinateRange, Program>& get_programs() { return programs_; }
  const std::map<MeshCoordinateRange, Program>& get_programs() const { return programs_; }

 private:
  std::map<MeshCoordinateRange, Program> programs_;
};

MeshWorkload CreateMeshWorkload();
void AddProgramToMeshWorkload(MeshWorkload& workload, Program&& program, const MeshCoordinateRange& range);
// Runs every program of the workload whose range holds a device of the mesh; throws ApiError if the
// workload is empty or a range reaches outside the mesh, RunError if a program fails on the device.
void EnqueueMeshWorkload(MeshCommandQueue& cq, MeshWorkload& workload, bool blocking);
void Finish(MeshCommandQueue& cq);
void Synchronize(MeshDevice* device, std::optional<uint8_t> cq_id = std::nullopt);

// Vector transfers: the vector must hold exactly buffer->size() bytes (write); it is resized to them (read).
template <typename T>
void EnqueueWriteMeshBuffer(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer, const std::vector<T>& src,
                            bool blocking = false) {
  cq.enqueue_write_mesh_buffer(buffer, src.data(), src.size() * sizeof(T), blocking);
}
template <typename T>
void EnqueueReadMeshBuffer(MeshCommandQueue& cq, std::vector<T>& dst, const std::shared_ptr<MeshBuffer>& buffer,
                           bool blocking = true) {
  if (buffer) dst.resize(buffer->size() / sizeof(T));
  cq.enqueue_read_mesh_buffer(dst.data(), dst.size() * sizeof(T), buffer, blocking);
}
// One device's copy (the only one on a unit mesh); throws ApiError for a coordinate outside the mesh.
template <typename T>
void WriteShard(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer, const std::vector<T>& src,
                const MeshCoordinate& coord, bool blocking = false) {
  if (buffer) buffer->get_device_buffer(coord);
  EnqueueWriteMeshBuffer(cq, buffer, src, blocking);
}
template <typename T>
void ReadShard(MeshCommandQueue& cq, std::vector<T>& dst, const std::shared_ptr<MeshBuffer>& buffer,
               const MeshCoordinate& coord, bool blocking = true) {
  if (buffer) buffer->get_device_buffer(coord);
  EnqueueReadMeshBuffer(cq, dst, buffer, blocking);
}

}  // namespace tilesim::metal::distributed
