// Metalium sample: C = A x B with the output tiles split over the 8x8 grid (split_work_to_cores), each
// core reading its own rows of A and columns of B from DRAM; checked by PCC > 0.97 as tt-metal does.
//
// The single-device host API (CreateDevice, CreateBuffer, EnqueueProgram...), written as tt-metal code:
// tilesim/metal/tt_metal.hpp stands in for the tt-metalium headers. Default 512^3; --size 1024 for 1024^3.
#include <cstdio>
#include <vector>

#include "matmul_common/matmul_sample.hpp"
#include "tilesim/metal/tt_metal.hpp"

using namespace tt;
using namespace tt::constants;
using namespace tt::tt_metal;

namespace {

// C = A x B in tile layout on every core of `device`.
std::vector<bfloat16> MatmulMultiCore(const std::vector<bfloat16>& a, const std::vector<bfloat16>& b, uint32_t M,
                                      uint32_t N, uint32_t K, IDevice* device) {
    CommandQueue& cq = device->command_queue();
    Program program = CreateProgram();
    const uint32_t Mt = M / TILE_HEIGHT, Kt = K / TILE_WIDTH, Nt = N / TILE_WIDTH;

    // Output tiles over the grid: core_group_1 takes one more tile each than core_group_2.
    const CoreCoord grid = device->compute_with_storage_grid_size();
    auto [num_cores, all_cores, core_group_1, core_group_2, tiles_per_core_group_1, tiles_per_core_group_2] =
        split_work_to_cores(grid, Mt * Nt);

    const uint32_t single_tile_size = tt::tile_size(tt::DataFormat::Float16_b);
    auto make_buffer = [&](uint32_t tiles) {
        return CreateBuffer(InterleavedBufferConfig{.device = device,
                                                    .size = tiles * single_tile_size,
                                                    .page_size = single_tile_size,
                                                    .buffer_type = BufferType::DRAM});
    };
    std::shared_ptr<Buffer> src0 = make_buffer(Mt * Kt);
    std::shared_ptr<Buffer> src1 = make_buffer(Kt * Nt);
    std::shared_ptr<Buffer> dst = make_buffer(Mt * Nt);

    for (uint8_t cb : {tt::CBIndex::c_0, tt::CBIndex::c_1, tt::CBIndex::c_16}) {
        CreateCircularBuffer(program, all_cores,
                             CircularBufferConfig(2 * single_tile_size, {{cb, tt::DataFormat::Float16_b}})
                                 .set_page_size(cb, single_tile_size));
    }

    std::vector<uint32_t> reader_compile_args;
    TensorAccessorArgs(*src0).append_to(reader_compile_args);
    TensorAccessorArgs(*src1).append_to(reader_compile_args);
    std::vector<uint32_t> writer_compile_args;
    TensorAccessorArgs(*dst).append_to(writer_compile_args);
    KernelHandle reader = CreateKernel(program, "kernels/dataflow/reader_mm_output_tiles_partitioned.cpp", all_cores,
                                       DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                                          .noc = NOC::RISCV_1_default,
                                                          .compile_args = reader_compile_args});
    KernelHandle writer = CreateKernel(program, "kernels/dataflow/writer_unary_interleaved_start_id.cpp", all_cores,
                                       DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                                          .noc = NOC::RISCV_0_default,
                                                          .compile_args = writer_compile_args});
    // The tile count is a compile-time arg, so each core group gets its own compute kernel.
    CreateKernel(program, "kernels/compute/mm.cpp", core_group_1,
                 ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .compile_args = {Kt, tiles_per_core_group_1}});
    if (!core_group_2.empty()) {
        CreateKernel(program, "kernels/compute/mm.cpp", core_group_2,
                     ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .compile_args = {Kt, tiles_per_core_group_2}});
    }

    uint32_t start_tile = 0;
    for (const CoreCoord& core : corerange_to_cores(all_cores)) {  // row-major, the order split_work_to_cores uses
        const uint32_t tiles = core_group_1.contains(core) ? tiles_per_core_group_1 : tiles_per_core_group_2;
        SetRuntimeArgs(program, reader, core, {src0->address(), src1->address(), Kt, Nt, start_tile, tiles});
        SetRuntimeArgs(program, writer, core, {dst->address(), tiles, start_tile});
        start_tile += tiles;
    }
    TT_FATAL(start_tile == Mt * Nt, "the cores cover {} of {} output tiles", start_tile, Mt * Nt);

    EnqueueWriteBuffer(cq, src0, a, false);
    EnqueueWriteBuffer(cq, src1, b, false);
    EnqueueProgram(cq, program, false);
    Finish(cq);
    std::vector<bfloat16> output;
    EnqueueReadBuffer(cq, dst, output, true);
    if (core_group_2.empty()) {
        std::printf("%u output tiles on %u cores, %u each\n", Mt * Nt, num_cores, tiles_per_core_group_1);
    } else {
        std::printf("%u output tiles on %u cores, %u or %u each\n", Mt * Nt, num_cores, tiles_per_core_group_1,
                    tiles_per_core_group_2);
    }
    return output;
}

}  // namespace

int main(int argc, char** argv) {
    int exit_code = 0;
    const auto size = matmul_sample::ParseMatmulSize(
        argc, argv, "C = A x B with output tiles split over the Tensix grid", {512, 512, 512}, exit_code);
    if (!size) return exit_code;

    const std::vector<bfloat16> a = matmul_sample::RandomMatrix(size->M, size->K, 3);
    const std::vector<bfloat16> b = matmul_sample::RandomMatrix(size->K, size->N, 4);

    IDevice* device = CreateDevice(0);
    std::vector<bfloat16> c = MatmulMultiCore(tilize_nfaces(a, size->M, size->K), tilize_nfaces(b, size->K, size->N),
                                              size->M, size->N, size->K, device);
    CloseDevice(device);
    return matmul_sample::CheckPcc("matmul_multi_core", untilize_nfaces(c, size->M, size->N), a, b, *size, 0.97);
}
