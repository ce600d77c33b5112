// Metalium sample: exp(x) on the SFPU of one Tensix core, checked as tt-metal's example checks it: every
// |result - exp(x)| <= 5e-2.
//
// A tt-metal host program against the Mesh API; tilesim/metal/tt_metal.hpp stands in for the
// tt-metalium headers.
#include <cmath>
#include <cstdio>
#include <vector>

#include <CLI/CLI.hpp>

#include "tilesim/metal/tt_metal.hpp"

using namespace tt;
using namespace tt::tt_metal;

int main(int argc, char** argv) {
    uint32_t n_tiles = 64;
    CLI::App app{"exp(x) on the SFPU of one Tensix core"};
    app.add_option("--tiles", n_tiles, "tiles to exponentiate")->check(CLI::Range(1u, 1u << 16));
    CLI11_PARSE(app, argc, argv);

    auto mesh_device = distributed::MeshDevice::create_unit_mesh(0);
    distributed::MeshCommandQueue& cq = mesh_device->mesh_command_queue();
    Program program = CreateProgram();
    constexpr CoreCoord core = {0, 0};

    constexpr uint32_t tile_size_bytes = tt::tile_size(tt::DataFormat::Float16_b);
    const uint32_t buffer_size = tile_size_bytes * n_tiles;
    distributed::DeviceLocalBufferConfig dram_config{.page_size = tile_size_bytes, .buffer_type = BufferType::DRAM};
    distributed::ReplicatedBufferConfig buffer_config{.size = buffer_size};
    auto src = distributed::MeshBuffer::create(buffer_config, dram_config, mesh_device.get());
    auto dst = distributed::MeshBuffer::create(buffer_config, dram_config, mesh_device.get());

    for (tt::CBIndex cb : {tt::CBIndex::c_0, tt::CBIndex::c_16}) {
        CreateCircularBuffer(program, core,
                             CircularBufferConfig(2 * tile_size_bytes, {{cb, tt::DataFormat::Float16_b}})
                                 .set_page_size(cb, tile_size_bytes));
    }

    std::vector<uint32_t> reader_args;
    TensorAccessorArgs(*src).append_to(reader_args);
    std::vector<uint32_t> writer_args;
    TensorAccessorArgs(*dst).append_to(writer_args);
    KernelHandle reader = CreateKernel(
        program, "kernels/dataflow/read_tile.cpp", core,
        DataMovementConfig{
            .processor = DataMovementProcessor::RISCV_1, .noc = NOC::RISCV_1_default, .compile_args = reader_args});
    KernelHandle writer = CreateKernel(
        program, "kernels/dataflow/write_tile.cpp", core,
        DataMovementConfig{
            .processor = DataMovementProcessor::RISCV_0, .noc = NOC::RISCV_0_default, .compile_args = writer_args});
    CreateKernel(program, "kernels/compute/eltwise_sfpu.cpp", core,
                 ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .math_approx_mode = false,
                               .compile_args = {n_tiles}});

    // Inputs in [-1, 1): exp spans [0.37, 2.72), where a bf16 step is at most 2^-7.
    std::vector<bfloat16> input = create_random_vector_of_bfloat16_native(buffer_size, 2.0f, 42, -1.0f);
    distributed::EnqueueWriteMeshBuffer(cq, src, input, false);
    SetRuntimeArgs(program, reader, core, {src->address(), n_tiles});
    SetRuntimeArgs(program, writer, core, {dst->address(), n_tiles});

    distributed::MeshWorkload workload;
    workload.add_program(distributed::MeshCoordinateRange(mesh_device->shape()), std::move(program));
    distributed::EnqueueMeshWorkload(cq, workload, false);
    std::vector<bfloat16> result;
    distributed::EnqueueReadMeshBuffer(cq, result, dst, true);
    mesh_device->close();

    constexpr float eps = 5e-2f;
    std::size_t failures = 0;
    float max_error = 0.0f;
    for (std::size_t i = 0; i < input.size(); ++i) {
        const float expected = std::exp(input[i].to_float());
        const float error = std::fabs(result[i].to_float() - expected);
        if (!(error <= eps) && failures++ < 5) {
            std::printf("  mismatch at %zu: exp(%g) = %g, expected %g\n", i, input[i].to_float(),
                        result[i].to_float(), expected);
        }
        max_error = std::fmax(max_error, error);
    }
    const bool pass = failures == 0;
    std::printf("exp of %u tiles: %s (max |error| %g, limit %g, %zu failures)\n", n_tiles, pass ? "PASS" : "FAIL",
                max_error, eps, failures);
    return pass ? 0 : 1;
}
