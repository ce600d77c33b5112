// Bytecode VM speed: scalar instructions per second of a kernel that loops over integer arithmetic, on one
// core and on all 64, from the emulator's own instruction counter (RunStats).
#include <benchmark/benchmark.h>

#include "tilesim/host.h"
#include "tilesim/kernel_builder.h"

namespace {

using tilesim::kir::Expr;

// x = x * 1664525 + 1013904223; x ^= x >> 13; for get_arg_val(0) iterations, then x is stored to L1 so the
// loop has an observable result.
tilesim::kir::Kernel ScalarLoop() {
  tilesim::kir::KernelBuilder k("scalar_loop", tilesim::KernelRole::DataMovement0);
  Expr n = k.let("n", k.get_arg_val(0u));
  tilesim::kir::VarId x = k.var("x", tilesim::kir::Type::U32, k.get_absolute_logical_x() + 1u);
  k.for_("i", 0u, n, [&](Expr) {
    k.assign(x, k.ref(x) * 1664525u + 1013904223u);
    k.assign(x, k.ref(x) ^ (k.ref(x) >> 13u));
  });
  k.cb_reserve_back(0, 1);
  k.store32(k.get_write_ptr(0), k.ref(x));
  return k.Build();
}

// Args: cores along x and y, iterations per core.
void BM_VmScalarLoop(benchmark::State& state) {
  const auto cores_x = static_cast<size_t>(state.range(0));
  const auto cores_y = static_cast<size_t>(state.range(1));
  tilesim::Device* device = tilesim::CreateDevice(0);
  tilesim::Program program = tilesim::CreateProgram();
  const tilesim::CoreRange cores({0, 0}, {cores_x - 1, cores_y - 1});
  tilesim::CreateCircularBuffer(
      program, cores,
      tilesim::CircularBufferConfig(16, {{tilesim::c_0, tilesim::DataFormat::Float32}}).set_page_size(tilesim::c_0, 16));
  tilesim::KernelHandle kernel = tilesim::CreateKernel(program, ScalarLoop(), cores, tilesim::DataMovementConfig{});
  tilesim::SetRuntimeArgs(program, kernel, cores, {static_cast<uint32_t>(state.range(2))});
  double instructions = 0, seconds = 0;
  for (auto _ : state) {
    tilesim::EnqueueProgram(device->command_queue(), program, true);
    instructions += static_cast<double>(device->last_run_stats().instructions);
    seconds += device->last_run_stats().wall_ms / 1000.0;
  }
  state.counters["instructions_per_s"] = instructions / seconds;
  state.counters["threads"] = device->threads();
  tilesim::CloseDevice(device);
}
BENCHMARK(BM_VmScalarLoop)->Args({1, 1, 2000000})->Args({8, 8, 100000})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
