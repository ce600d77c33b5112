// Metalium sample: DRAM loopback through one page of L1, checked bit for bit.
//
// Written as a tt-metal host program against the Mesh API: the only tilesim-specific line is the include
// (tilesim/metal/tt_metal.hpp maps tt::tt_metal onto tilesim::metal). The kernel file is found next to
// this source file.
#include <cstdio>
#include <vector>

#include <CLI/CLI.hpp>

#include "tilesim/metal/tt_metal.hpp"

using namespace tt;
using namespace tt::tt_metal;

int main(int argc, char** argv) {
    uint32_t num_tiles = 50;
    CLI::App app{"DRAM -> L1 -> DRAM loopback on one Tensix core"};
    app.add_option("--tiles", num_tiles, "number of bf16 tiles to copy")->check(CLI::Range(1u, 1u << 20));
    CLI11_PARSE(app, argc, argv);

    auto mesh_device = distributed::MeshDevice::create_unit_mesh(0);
    distributed::MeshCommandQueue& cq = mesh_device->mesh_command_queue();
    distributed::MeshWorkload workload;
    distributed::MeshCoordinateRange device_range(mesh_device->shape());
    Program program = CreateProgram();

    constexpr uint32_t elements_per_tile = constants::TILE_WIDTH * constants::TILE_HEIGHT;
    constexpr uint32_t tile_size_bytes = sizeof(bfloat16) * elements_per_tile;
    const uint32_t dram_buffer_size = tile_size_bytes * num_tiles;

    // One page of L1 as the staging area, two DRAM buffers of one tile per page.
    distributed::DeviceLocalBufferConfig l1_config{.page_size = tile_size_bytes, .buffer_type = BufferType::L1};
    distributed::DeviceLocalBufferConfig dram_config{.page_size = tile_size_bytes, .buffer_type = BufferType::DRAM};
    auto l1_buffer = distributed::MeshBuffer::create({.size = tile_size_bytes}, l1_config, mesh_device.get());
    auto input = distributed::MeshBuffer::create({.size = dram_buffer_size}, dram_config, mesh_device.get());
    auto output = distributed::MeshBuffer::create({.size = dram_buffer_size}, dram_config, mesh_device.get());

    // The L1 buffer's single page lives on the first core, {0, 0}: the kernel runs there.
    constexpr CoreCoord core = {0, 0};
    std::vector<uint32_t> compile_args;
    TensorAccessorArgs(*input->get_backing_buffer()).append_to(compile_args);
    TensorAccessorArgs(*output->get_backing_buffer()).append_to(compile_args);
    KernelHandle copy = CreateKernel(
        program,
        "kernels/loopback_dram_copy.cpp",
        core,
        DataMovementConfig{
            .processor = DataMovementProcessor::RISCV_0, .noc = NOC::RISCV_0_default, .compile_args = compile_args});

    std::vector<bfloat16> input_vec = create_random_vector_of_bfloat16_native(dram_buffer_size, 100.0f, 7, -50.0f);
    distributed::EnqueueWriteMeshBuffer(cq, input, input_vec, false);
    SetRuntimeArgs(program, copy, core, {l1_buffer->address(), input->address(), output->address(), num_tiles});

    distributed::AddProgramToMeshWorkload(workload, std::move(program), device_range);
    distributed::EnqueueMeshWorkload(cq, workload, false);
    distributed::Finish(cq);

    std::vector<bfloat16> result_vec;
    distributed::ReadShard(cq, result_vec, output, distributed::MeshCoordinate(0, 0), true);
    mesh_device->close();

    std::size_t mismatches = result_vec.size() == input_vec.size() ? 0 : input_vec.size();
    for (std::size_t i = 0; i < input_vec.size() && mismatches < input_vec.size(); ++i) {
        mismatches += !(result_vec[i] == input_vec[i]);
    }
    const bool pass = mismatches == 0;
    std::printf("loopback of %u tiles: %s (%zu of %zu values differ)\n", num_tiles, pass ? "PASS" : "FAIL",
                mismatches, input_vec.size());
    return pass ? 0 : 1;
}
