// Metalium sample: the block matmul of matmul_multicore_reuse, but each block of A is read from DRAM once
// per grid row and each block of B once per grid column, then multicast over the NoC to the other cores
// of the row / column, with semaphores for the hand-shake. Checked by PCC > 0.98, as tt-metal does.
//
// A tt-metal host program against the Mesh API; tilesim/metal/tt_metal.hpp stands in for the tt-metalium
// headers. Default 512^3; --size 1024 for 1024^3.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "matmul_common/matmul_sample.hpp"
#include "tilesim/metal/tt_metal.hpp"

using namespace tt;
using namespace tt::constants;
using namespace tt::tt_metal;

namespace {

std::vector<bfloat16> MatmulMulticoreReuseMcast(const std::vector<bfloat16>& a, const std::vector<bfloat16>& b,
                                                uint32_t M, uint32_t N, uint32_t K,
                                                const std::shared_ptr<distributed::MeshDevice>& mesh_device) {
    distributed::MeshCommandQueue& cq = mesh_device->mesh_command_queue();
    Program program = CreateProgram();
    const uint32_t Mt = M / TILE_HEIGHT, Kt = K / TILE_WIDTH, Nt = N / TILE_WIDTH;
    const matmul_sample::BlockPlan plan =
        matmul_sample::PlanBlocks(Mt, Nt, Kt, mesh_device->compute_with_storage_grid_size());
    const uint32_t num_blocks = Kt / plan.in0_block_w;
    const uint32_t num_cores_c = plan.num_blocks_x, num_cores_r = plan.num_blocks_y;
    std::printf("per core %ux%u tiles on %ux%u cores, K in blocks of %u, sub-blocks %ux%u\n", plan.per_core_M,
                plan.per_core_N, num_cores_c, num_cores_r, plan.in0_block_w, plan.out_subblock_h,
                plan.out_subblock_w);

    const CoreRange all_cores({0, 0}, {num_cores_c - 1, num_cores_r - 1});

    const uint32_t tile_bytes = tt::tile_size(tt::DataFormat::Float16_b);
    distributed::DeviceLocalBufferConfig dram_config{.page_size = tile_bytes, .buffer_type = BufferType::DRAM};
    auto src0 = distributed::MeshBuffer::create({.size = Mt * Kt * tile_bytes}, dram_config, mesh_device.get());
    auto src1 = distributed::MeshBuffer::create({.size = Kt * Nt * tile_bytes}, dram_config, mesh_device.get());
    auto dst = distributed::MeshBuffer::create({.size = Mt * Nt * tile_bytes}, dram_config, mesh_device.get());

    const uint32_t in0_block_tiles = plan.per_core_M * plan.in0_block_w;
    const uint32_t in1_block_tiles = plan.in0_block_w * plan.per_core_N;
    const uint32_t out_block_tiles = plan.per_core_M * plan.per_core_N;
    auto make_cb = [&](uint8_t index, uint32_t tiles) {
        CreateCircularBuffer(program, all_cores,
                             CircularBufferConfig(tiles * tile_bytes, {{index, tt::DataFormat::Float16_b}})
                                 .set_page_size(index, tile_bytes));
    };
    make_cb(tt::CBIndex::c_0, 2 * in0_block_tiles);
    make_cb(tt::CBIndex::c_1, 2 * in1_block_tiles);
    make_cb(tt::CBIndex::c_16, out_block_tiles);
    make_cb(tt::CBIndex::c_24, out_block_tiles);

    std::vector<uint32_t> reader_compile_args;
    TensorAccessorArgs(*src0).append_to(reader_compile_args);
    TensorAccessorArgs(*src1).append_to(reader_compile_args);

    // One reader source, four roles: the defines say which operand this core reads from DRAM and sends.
    std::map<CoreCoord, KernelHandle> reader_of;
    for (bool in0_sender : {true, false}) {
        for (bool in1_sender : {true, false}) {
            const std::size_t x0 = in0_sender ? 0 : 1, x1 = in0_sender ? 0 : num_cores_c - 1;
            const std::size_t y0 = in1_sender ? 0 : 1, y1 = in1_sender ? 0 : num_cores_r - 1;
            if (x0 > x1 || y0 > y1) continue;  // a one-column or one-row grid has no receivers there
            const CoreRange cores({x0, y0}, {x1, y1});
            std::map<std::string, std::string> defines;
            if (in0_sender) defines["IN0_SENDER"] = "1";
            if (in1_sender) defines["IN1_SENDER"] = "1";
            const KernelHandle reader = CreateKernel(
                program, "kernels/dataflow/reader_bmm_tile_layout_mcast.cpp", cores,
                DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                   .noc = NOC::RISCV_1_default,
                                   .compile_args = reader_compile_args,
                                   .defines = defines});
            for (const CoreCoord& core : corerange_to_cores(cores)) reader_of[core] = reader;
        }
    }
    KernelHandle writer = CreateKernel(program, "matmul_common/kernels/dataflow/writer_bmm_tile_layout.cpp", all_cores,
                                       DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                                          .noc = NOC::RISCV_0_default,
                                                          .compile_args = TensorAccessorArgs(*dst).get_compile_time_args()});
    const std::vector<uint32_t> compute_args = {plan.in0_block_w,
                                                plan.per_core_M / plan.out_subblock_h,
                                                plan.per_core_N / plan.out_subblock_w,
                                                num_blocks,
                                                plan.out_subblock_h,
                                                plan.out_subblock_w};
    CreateKernel(program, "matmul_common/kernels/compute/bmm_large_block_zm.cpp", all_cores,
                 ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .compile_args = compute_args});

    const uint32_t in0_sender_sem = CreateSemaphore(program, all_cores, INVALID);
    const uint32_t in0_receiver_sem = CreateSemaphore(program, all_cores, INVALID);
    const uint32_t in1_sender_sem = CreateSemaphore(program, all_cores, INVALID);
    const uint32_t in1_receiver_sem = CreateSemaphore(program, all_cores, INVALID);

    for (const CoreCoord& core : corerange_to_cores(all_cores)) {
        const uint32_t block_row = static_cast<uint32_t>(core.y), block_col = static_cast<uint32_t>(core.x);
        // in0 goes along the row from its column-0 core to columns 1..c-1; in1 down the column from row 0.
        const CoreCoord row_sender = mesh_device->worker_core_from_logical_core({0, core.y});
        const CoreCoord row_first = mesh_device->worker_core_from_logical_core({num_cores_c > 1 ? 1u : 0u, core.y});
        const CoreCoord row_last = mesh_device->worker_core_from_logical_core({num_cores_c - 1, core.y});
        const CoreCoord col_sender = mesh_device->worker_core_from_logical_core({core.x, 0});
        const CoreCoord col_first = mesh_device->worker_core_from_logical_core({core.x, num_cores_r > 1 ? 1u : 0u});
        const CoreCoord col_last = mesh_device->worker_core_from_logical_core({core.x, num_cores_r - 1});
        auto u32 = [](std::size_t v) { return static_cast<uint32_t>(v); };
        const std::vector<uint32_t> reader_args = {
            src0->address(), block_row * plan.per_core_M * Kt, Kt,
            src1->address(), block_col * plan.per_core_N, Nt,
            plan.per_core_M, plan.per_core_N, plan.in0_block_w, num_blocks,
            u32(row_first.x), u32(row_first.y), u32(row_last.x), u32(row_last.y), num_cores_c - 1,
            u32(row_sender.x), u32(row_sender.y), in0_sender_sem, in0_receiver_sem,
            u32(col_first.x), u32(col_first.y), u32(col_last.x), u32(col_last.y), num_cores_r - 1,
            u32(col_sender.x), u32(col_sender.y), in1_sender_sem, in1_receiver_sem};
        SetRuntimeArgs(program, reader_of.at(core), core, reader_args);
        SetRuntimeArgs(program, writer, core,
                       {dst->address(), block_row * plan.per_core_M * Nt + block_col * plan.per_core_N, Nt,
                        plan.out_subblock_h, plan.out_subblock_w, plan.per_core_M / plan.out_subblock_h,
                        plan.per_core_N / plan.out_subblock_w});
    }

    distributed::EnqueueWriteMeshBuffer(cq, src0, a, false);
    distributed::EnqueueWriteMeshBuffer(cq, src1, b, false);
    distributed::MeshWorkload workload;
    workload.add_program(distributed::MeshCoordinateRange(mesh_device->shape()), std::move(program));
    distributed::EnqueueMeshWorkload(cq, workload, false);
    std::vector<bfloat16> output;
    distributed::EnqueueReadMeshBuffer(cq, output, dst, true);
    return output;
}

}  // namespace

int main(int argc, char** argv) {
    int exit_code = 0;
    const auto size = matmul_sample::ParseMatmulSize(
        argc, argv, "C = A x B in per-core blocks, operands multicast along grid rows and columns", {512, 512, 512},
        exit_code);
    if (!size) return exit_code;

    const std::vector<bfloat16> a = matmul_sample::RandomMatrix(size->M, size->K, 7);
    const std::vector<bfloat16> b = matmul_sample::RandomMatrix(size->K, size->N, 8);

    auto mesh_device = distributed::MeshDevice::create_unit_mesh(0, matmul_sample::SampleDeviceOptions(*size));
    std::vector<bfloat16> c = MatmulMulticoreReuseMcast(tilize_nfaces(a, size->M, size->K),
                                                        tilize_nfaces(b, size->K, size->N), size->M, size->N,
                                                        size->K, mesh_device);
    matmul_sample::PrintPerf(*size, mesh_device->device());
    mesh_device->close();
    return matmul_sample::CheckPcc("matmul_multicore_reuse_mcast", untilize_nfaces(c, size->M, size->N), a, b, *size,
                                   0.98);
}
