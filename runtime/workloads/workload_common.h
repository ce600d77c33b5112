// Pieces every built-in workload shares: a device opened for one run, timing, and the result fields.
#pragma once

#include <chrono>
#include <cstdint>

#include "tilesim/host.h"
#include "tilesim/workloads.h"

namespace tilesim::workloads {

// A device for one workload run, closed when it goes. Ids come from a range user code is unlikely to
// use, so a workload can run while the caller has its own device 0 open.
class ScopedDevice {
 public:
  explicit ScopedDevice(const DeviceOptions& options);
  ~ScopedDevice();
  ScopedDevice(const ScopedDevice&) = delete;
  ScopedDevice& operator=(const ScopedDevice&) = delete;
  Device* get() const { return device_; }
  Device* operator->() const { return device_; }

 private:
  Device* device_;
};

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double ms() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Checks a grid from options; throws ApiError naming the workload.
void CheckGrid(const char* workload, uint32_t grid_x, uint32_t grid_y);

// A DRAM buffer of `bytes` with `page_size` pages on `device`.
std::shared_ptr<Buffer> DramBuffer(Device* device, uint64_t bytes, uint64_t page_size);

// Runs the program once and returns the milliseconds of EnqueueProgram .. Finish.
double TimedRun(Device* device, Program& program);

// Fills the fields every workload reports.
void FillRunInfo(WorkloadResult& result, Device* device, double emulator_ms, uint32_t cores);

}  // namespace tilesim::workloads
