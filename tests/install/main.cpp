// Uses an installed tilesim: builds a kernel, runs it on an emulated core, checks the copy, and runs the
// built-in GEMM workload. Exits 0 when both check out.
#include <cstdio>
#include <vector>

#include "tilesim/compiler.h"
#include "tilesim/host.h"
#include "tilesim/kernel_builder.h"
#include "tilesim/version.h"
#include "tilesim/workloads.h"

int main() {
  using namespace tilesim;
  Device* device = CreateDevice(0);
  auto src = CreateBuffer({device, 8 * 2048, 2048, BufferType::DRAM});
  auto dst = CreateBuffer({device, 8 * 2048, 2048, BufferType::DRAM});
  Program program = CreateProgram();
  CreateCircularBuffer(program, CoreCoord{0, 0},
                       CircularBufferConfig(2048, {{c_0, DataFormat::Float16_b}}).set_page_size(c_0, 2048));
  KernelHandle k = CreateKernel(program, kernels::Loopback(), CoreCoord{0, 0}, DataMovementConfig{});
  SetRuntimeArgs(program, k, CoreCoord{0, 0}, {src->address(), dst->address(), 0, 8, 2048});
  const std::vector<bfloat16> data = ToBfloat16(RandomUniform(8 * 1024, 3));
  EnqueueWriteBuffer(device->command_queue(), src, data, false);
  EnqueueProgram(device->command_queue(), program, false);
  Finish(device->command_queue());
  std::vector<bfloat16> copy;
  EnqueueReadBuffer(device->command_queue(), dst, copy, true);
  CloseDevice(device);

  GemmOptions gemm;
  gemm.M = gemm.N = gemm.K = 64;
  const WorkloadResult result = RunGemm(gemm);
  const bool ok = copy == data && result.ok;
  std::printf("tilesim %s from an installed package: loopback %s, %s\n", VersionString().c_str(),
              copy == data ? "exact" : "DIFFERS", result.comparison.Summary().c_str());
  return ok ? 0 : 1;
}
