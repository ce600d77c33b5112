// Sample: DRAM -> L1 -> DRAM on one Tensix core, checked bit for bit.
//
// One data movement kernel (tilesim::kernels::Loopback, written with the KernelBuilder) reads each page of
// an interleaved DRAM buffer into L1 and writes it back out to a second buffer.
#include <cstdio>
#include <vector>

#include "tilesim/host.h"
#include "tilesim/workloads.h"

using namespace tilesim;

int main() {
  Device* device = CreateDevice(0);
  CommandQueue& cq = device->command_queue();
  constexpr CoreCoord core = {0, 0};

  // 50 tiles of bf16 in two DRAM buffers, one tile per page.
  constexpr uint32_t page_size = 2048;
  constexpr uint32_t num_pages = 50;
  InterleavedBufferConfig dram_config{device, num_pages * page_size, page_size, BufferType::DRAM};
  std::shared_ptr<Buffer> src = CreateBuffer(dram_config);
  std::shared_ptr<Buffer> dst = CreateBuffer(dram_config);

  // One page of L1 to stage the data in: circular buffer 0 of the core.
  Program program = CreateProgram();
  CreateCircularBuffer(program, core,
                       CircularBufferConfig(page_size, {{CBIndex::c_0, DataFormat::Float16_b}})
                           .set_page_size(CBIndex::c_0, page_size));
  KernelHandle loopback = CreateKernel(program, kernels::Loopback(), core,
                                       DataMovementConfig{DataMovementProcessor::RISCV_0, NOC::RISCV_0_default});
  SetRuntimeArgs(program, loopback, core, {src->address(), dst->address(), 0, num_pages, page_size});

  const std::vector<bfloat16> input = ToBfloat16(RandomNormal(num_pages * page_size / sizeof(bfloat16), 7));
  EnqueueWriteBuffer(cq, src, input, false);
  EnqueueProgram(cq, program, false);
  Finish(cq);
  std::vector<bfloat16> output;
  EnqueueReadBuffer(cq, dst, output, true);
  CloseDevice(device);

  const bool pass = output == input;
  std::printf("loopback of %u pages: %s\n", num_pages, pass ? "PASS (bit-exact)" : "FAIL (data differs)");
  return pass ? 0 : 1;
}
