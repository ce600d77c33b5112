// Metalium sample: C = A x B on one Tensix core, checked as tt-metal's example checks it: PCC > 0.97
// against an fp32 golden.
//
// Mesh API in tilesim::metal's own namespace. Default size 256^3; --size 1024 runs 1024^3.
#include <cstdio>
#include <vector>

#include "matmul_common/matmul_sample.hpp"
#include "tilesim/metal/distributed.hpp"
#include "tilesim/metal/host_api.hpp"

using namespace tilesim::metal;
using namespace tilesim::metal::constants;

namespace {

// C (row-major tiles) = A x B on core {0, 0}; a and b are in tile layout.
std::vector<bfloat16> MatmulSingleCore(const std::vector<bfloat16>& a, const std::vector<bfloat16>& b, uint32_t M,
                                       uint32_t N, uint32_t K, const std::shared_ptr<distributed::MeshDevice>& device) {
    distributed::MeshCommandQueue& cq = device->mesh_command_queue();
    Program program = CreateProgram();
    constexpr CoreCoord core = {0, 0};
    const uint32_t Mt = M / TILE_HEIGHT, Kt = K / TILE_WIDTH, Nt = N / TILE_WIDTH;

    constexpr uint32_t single_tile_size = sizeof(bfloat16) * TILE_HW;
    distributed::DeviceLocalBufferConfig dram_config{.page_size = single_tile_size, .buffer_type = BufferType::DRAM};
    auto src0 = distributed::MeshBuffer::create({.size = sizeof(bfloat16) * a.size()}, dram_config, device.get());
    auto src1 = distributed::MeshBuffer::create({.size = sizeof(bfloat16) * b.size()}, dram_config, device.get());
    auto dst = distributed::MeshBuffer::create({.size = sizeof(bfloat16) * M * N}, dram_config, device.get());

    // Two tiles per circular buffer: data movement fills one while compute uses the other.
    for (uint8_t cb : {CBIndex::c_0, CBIndex::c_1, CBIndex::c_16}) {
        CreateCircularBuffer(program, core,
                             CircularBufferConfig(2 * single_tile_size, {{cb, DataFormat::Float16_b}})
                                 .set_page_size(cb, single_tile_size));
    }

    std::vector<uint32_t> reader_compile_args;
    TensorAccessorArgs(*src0).append_to(reader_compile_args);
    TensorAccessorArgs(*src1).append_to(reader_compile_args);
    KernelHandle reader = CreateKernel(program, "kernels/dataflow/reader_single_core_mm.cpp", core,
                                       DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                                          .noc = NOC::RISCV_1_default,
                                                          .compile_args = reader_compile_args});
    KernelHandle writer = CreateKernel(program, "kernels/dataflow/writer_single_core_mm.cpp", core,
                                       DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                                          .noc = NOC::RISCV_0_default,
                                                          .compile_args = TensorAccessorArgs(*dst).get_compile_time_args()});
    CreateKernel(program, "kernels/compute/mm.cpp", core,
                 ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .compile_args = {Mt, Kt, Nt}});

    SetRuntimeArgs(program, reader, core, {src0->address(), src1->address(), Mt, Kt, Nt});
    SetRuntimeArgs(program, writer, core, {dst->address(), Mt, Nt});

    distributed::EnqueueWriteMeshBuffer(cq, src0, a, false);
    distributed::EnqueueWriteMeshBuffer(cq, src1, b, false);
    distributed::MeshWorkload workload;
    distributed::AddProgramToMeshWorkload(workload, std::move(program),
                                          distributed::MeshCoordinateRange(device->shape()));
    distributed::EnqueueMeshWorkload(cq, workload, false);
    std::vector<bfloat16> output;
    distributed::EnqueueReadMeshBuffer(cq, output, dst, true);
    return output;
}

}  // namespace

int main(int argc, char** argv) {
    int exit_code = 0;
    const auto size = matmul_sample::ParseMatmulSize(argc, argv, "C = A x B on one Tensix core", {256, 256, 256},
                                                     exit_code);
    if (!size) return exit_code;

    const std::vector<bfloat16> a = matmul_sample::RandomMatrix(size->M, size->K, 1);
    const std::vector<bfloat16> b = matmul_sample::RandomMatrix(size->K, size->N, 2);

    auto device = distributed::MeshDevice::create_unit_mesh(0);
    std::vector<bfloat16> c = MatmulSingleCore(tilize_nfaces(a, size->M, size->K), tilize_nfaces(b, size->K, size->N),
                                               size->M, size->N, size->K, device);
    device->close();
    return matmul_sample::CheckPcc("matmul_single_core", untilize_nfaces(c, size->M, size->N), a, b, *size, 0.97);
}
