// Metalium sample: C = A x B with data reuse: each core computes a per_core_M x per_core_N block of C,
// reading K in blocks so that each tile of A it loads serves per_core_N output tiles and each tile of B
// per_core_M. Checked by PCC > 0.99, as tt-metal's example does.
//
// Single-device host API in tilesim::metal's namespace. Default 512^3; --size 1024 for 1024^3.
#include <cstdio>
#include <vector>

#include "matmul_common/matmul_sample.hpp"
#include "tilesim/metal/host_api.hpp"

using namespace tilesim::metal;
using namespace tilesim::metal::constants;

namespace {

std::vector<bfloat16> MatmulMulticoreReuse(const std::vector<bfloat16>& a, const std::vector<bfloat16>& b,
                                           uint32_t M, uint32_t N, uint32_t K, IDevice* device) {
    CommandQueue& cq = device->command_queue();
    Program program = CreateProgram();
    const uint32_t Mt = M / TILE_HEIGHT, Kt = K / TILE_WIDTH, Nt = N / TILE_WIDTH;
    const matmul_sample::BlockPlan plan =
        matmul_sample::PlanBlocks(Mt, Nt, Kt, device->compute_with_storage_grid_size());
    const uint32_t num_blocks = Kt / plan.in0_block_w;
    std::printf("per core %ux%u tiles on %ux%u cores, K in blocks of %u, sub-blocks %ux%u\n", plan.per_core_M,
                plan.per_core_N, plan.num_blocks_x, plan.num_blocks_y, plan.in0_block_w, plan.out_subblock_h,
                plan.out_subblock_w);
    const CoreRange all_cores({0, 0}, {plan.num_blocks_x - 1, plan.num_blocks_y - 1});

    const uint32_t tile_bytes = detail::TileSize(DataFormat::Float16_b);
    auto make_buffer = [&](uint32_t tiles) {
        return CreateBuffer(InterleavedBufferConfig{
            .device = device, .size = tiles * tile_bytes, .page_size = tile_bytes, .buffer_type = BufferType::DRAM});
    };
    std::shared_ptr<Buffer> src0 = make_buffer(Mt * Kt);
    std::shared_ptr<Buffer> src1 = make_buffer(Kt * Nt);
    std::shared_ptr<Buffer> dst = make_buffer(Mt * Nt);

    // Operand CBs hold two K blocks (double buffering); the output and the partial sums one output block.
    const uint32_t in0_block_tiles = plan.per_core_M * plan.in0_block_w;
    const uint32_t in1_block_tiles = plan.in0_block_w * plan.per_core_N;
    const uint32_t out_block_tiles = plan.per_core_M * plan.per_core_N;
    auto make_cb = [&](uint8_t index, uint32_t tiles) {
        CreateCircularBuffer(program, all_cores,
                             CircularBufferConfig(tiles * tile_bytes, {{index, DataFormat::Float16_b}})
                                 .set_page_size(index, tile_bytes));
    };
    make_cb(CBIndex::c_0, 2 * in0_block_tiles);
    make_cb(CBIndex::c_1, 2 * in1_block_tiles);
    make_cb(CBIndex::c_16, out_block_tiles);
    make_cb(CBIndex::c_24, out_block_tiles);

    std::vector<uint32_t> reader_compile_args;
    TensorAccessorArgs(*src0).append_to(reader_compile_args);
    TensorAccessorArgs(*src1).append_to(reader_compile_args);
    KernelHandle reader = CreateKernel(program, "matmul_common/kernels/dataflow/reader_bmm_tile_layout.cpp",
                                       all_cores, ReaderDataMovementConfig(reader_compile_args));
    KernelHandle writer = CreateKernel(program, "matmul_common/kernels/dataflow/writer_bmm_tile_layout.cpp",
                                       all_cores,
                                       WriterDataMovementConfig(TensorAccessorArgs(*dst).get_compile_time_args()));
    const std::vector<uint32_t> compute_args = {plan.in0_block_w,
                                                plan.per_core_M / plan.out_subblock_h,
                                                plan.per_core_N / plan.out_subblock_w,
                                                num_blocks,
                                                plan.out_subblock_h,
                                                plan.out_subblock_w};
    CreateKernel(program, "matmul_common/kernels/compute/bmm_large_block_zm.cpp", all_cores,
                 ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .compile_args = compute_args});

    for (const CoreCoord& core : corerange_to_cores(all_cores)) {
        const uint32_t block_row = static_cast<uint32_t>(core.y), block_col = static_cast<uint32_t>(core.x);
        SetRuntimeArgs(program, reader, core,
                       {src0->address(), block_row * plan.per_core_M * Kt, Kt, src1->address(),
                        block_col * plan.per_core_N, Nt, plan.per_core_M, plan.per_core_N, plan.in0_block_w,
                        num_blocks});
        SetRuntimeArgs(program, writer, core,
                       {dst->address(), block_row * plan.per_core_M * Nt + block_col * plan.per_core_N, Nt,
                        plan.out_subblock_h, plan.out_subblock_w, plan.per_core_M / plan.out_subblock_h,
                        plan.per_core_N / plan.out_subblock_w});
    }

    EnqueueWriteBuffer(cq, src0, a, false);
    EnqueueWriteBuffer(cq, src1, b, false);
    EnqueueProgram(cq, program, false);
    Finish(cq);
    std::vector<bfloat16> output;
    EnqueueReadBuffer(cq, dst, output, true);
    return output;
}

}  // namespace

int main(int argc, char** argv) {
    int exit_code = 0;
    const auto size = matmul_sample::ParseMatmulSize(argc, argv, "C = A x B in per-core blocks with operand reuse",
                                                     {512, 512, 512}, exit_code);
    if (!size) return exit_code;

    const std::vector<bfloat16> a = matmul_sample::RandomMatrix(size->M, size->K, 5);
    const std::vector<bfloat16> b = matmul_sample::RandomMatrix(size->K, size->N, 6);

    IDevice* device = CreateDevice(0);
    std::vector<bfloat16> c = MatmulMulticoreReuse(tilize_nfaces(a, size->M, size->K),
                                                   tilize_nfaces(b, size->K, size->N), size->M, size->N, size->K,
                                                   device);
    CloseDevice(device);
    return matmul_sample::CheckPcc("matmul_multicore_reuse", untilize_nfaces(c, size->M, size->N), a, b, *size, 0.99);
}
