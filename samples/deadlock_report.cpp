// Sample: what tilesim tells you when a program deadlocks.
//
// The compute kernel waits for a tile in circular buffer 0 that no kernel ever pushes, and the writer
// waits for the result the compute kernel never produces. On hardware this hangs until someone resets the
// board; on tilesim the run stops as soon as no kernel can make progress, and the error names every kernel
// still waiting: its core, its RISC, the call it is blocked in with the source line, and the circular
// buffer's state. This program prints that report and checks it arrived within a second.
#include <chrono>
#include <cstdio>
#include <string>

#include "tilesim/host.h"
#include "tilesim/kernel_builder.h"

using namespace tilesim;
using kir::Expr;
using kir::KernelBuilder;

int main() {
  Device* device = CreateDevice(0);
  CommandQueue& cq = device->command_queue();
  constexpr CoreCoord core = {2, 3};
  constexpr uint32_t tile_size = 2048;

  Program program = CreateProgram();
  for (uint8_t cb : {CBIndex::c_0, CBIndex::c_16}) {
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(2 * tile_size, {{cb, DataFormat::Float16_b}}).set_page_size(cb, tile_size));
  }

  // compute: copy one tile from CB 0 to CB 16 -- but nobody fills CB 0.
  KernelBuilder compute("copy_compute", KernelRole::Compute, "deadlock_report.cpp");
  compute.at(34);
  compute.copy_tile_to_dst_init_short(CBIndex::c_0);
  compute.at(35);
  compute.cb_wait_front(CBIndex::c_0, 1);
  compute.tile_regs_acquire();
  compute.copy_tile(CBIndex::c_0, 0, 0);
  compute.tile_regs_commit();
  compute.cb_reserve_back(CBIndex::c_16, 1);
  compute.tile_regs_wait();
  compute.pack_tile(0, CBIndex::c_16);
  compute.tile_regs_release();
  compute.cb_push_back(CBIndex::c_16, 1);
  compute.cb_pop_front(CBIndex::c_0, 1);

  // writer: wait for the result, then drop it.
  KernelBuilder writer("drain_writer", KernelRole::DataMovement1, "deadlock_report.cpp");
  writer.at(50);
  writer.cb_wait_front(CBIndex::c_16, 1);
  writer.cb_pop_front(CBIndex::c_16, 1);

  CreateKernel(program, compute.Build(), core, ComputeConfig{});
  CreateKernel(program, writer.Build(), core, DataMovementConfig{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default});

  const auto start = std::chrono::steady_clock::now();
  try {
    EnqueueProgram(cq, program, true);
  } catch (const RunError& error) {
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("EnqueueProgram failed after %.1f ms (%s):\n%s\n", ms, std::string(ToString(error.failure())).c_str(),
                error.what());
    CloseDevice(device);
    const std::string report = error.what();
    const bool names_both = report.find("cb_wait_front(cb=0, n=1)") != std::string::npos &&
                            report.find("cb_wait_front(cb=16, n=1)") != std::string::npos &&
                            report.find("deadlock_report.cpp:35") != std::string::npos;
    return error.failure() == RunFailure::Deadlock && names_both && ms < 1000 ? 0 : 1;
  }
  std::printf("the program finished, but it should have deadlocked\n");
  CloseDevice(device);
  return 1;
}
