// Metalium sample: C = A op B (add, sub or mul) on one Tensix core, checked as tt-metal's example checks
// it: every |C - golden| <= 1e-2.
//
// Single-device host API in tilesim::metal's own namespace. One compute kernel source serves the three
// ops: the host picks the tile function with the kernel config's `defines`.
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tilesim/metal/bfloat16.hpp"
#include "tilesim/metal/host_api.hpp"

using namespace tilesim::metal;

namespace {

struct BinaryOp {
    std::string tile_function;  // the kernel's ELTWISE_OP
    float (*golden)(float, float);
};

const std::map<std::string, BinaryOp>& Ops() {
    static const std::map<std::string, BinaryOp> ops = {
        {"add", {"add_tiles", [](float a, float b) { return a + b; }}},
        {"sub", {"sub_tiles", [](float a, float b) { return a - b; }}},
        {"mul", {"mul_tiles", [](float a, float b) { return a * b; }}},
    };
    return ops;
}

}  // namespace

int main(int argc, char** argv) {
    std::string op_name = "add";
    uint32_t n_tiles = 64;
    CLI::App app{"Element-wise binary op of two bf16 tensors on one Tensix core"};
    app.add_option("--op", op_name, "add, sub or mul")->check(CLI::IsMember({"add", "sub", "mul"}));
    app.add_option("--tiles", n_tiles, "tiles per tensor")->check(CLI::Range(1u, 1u << 16));
    CLI11_PARSE(app, argc, argv);
    const BinaryOp& op = Ops().at(op_name);

    IDevice* device = CreateDevice(0);
    CommandQueue& cq = device->command_queue();
    Program program = CreateProgram();
    constexpr CoreCoord core = {0, 0};

    constexpr uint32_t tile_size_bytes = detail::TileSize(DataFormat::Float16_b);
    const uint32_t buffer_size = tile_size_bytes * n_tiles;
    InterleavedBufferConfig dram_config{
        .device = device, .size = buffer_size, .page_size = tile_size_bytes, .buffer_type = BufferType::DRAM};
    std::shared_ptr<Buffer> src0 = CreateBuffer(dram_config);
    std::shared_ptr<Buffer> src1 = CreateBuffer(dram_config);
    std::shared_ptr<Buffer> dst = CreateBuffer(dram_config);

    // Two tiles per circular buffer: the reader fills one while compute works on the other.
    for (CBIndex cb : {CBIndex::c_0, CBIndex::c_1, CBIndex::c_16}) {
        CreateCircularBuffer(program, core,
                             CircularBufferConfig(2 * tile_size_bytes, {{cb, DataFormat::Float16_b}})
                                 .set_page_size(cb, tile_size_bytes));
    }

    std::vector<uint32_t> reader_args;
    TensorAccessorArgs(*src0).append_to(reader_args);
    TensorAccessorArgs(*src1).append_to(reader_args);
    KernelHandle reader = CreateKernel(program, "kernels/dataflow/read_tiles.cpp", core,
                                       ReaderDataMovementConfig(reader_args));
    KernelHandle writer = CreateKernel(program, "kernels/dataflow/write_tile.cpp", core,
                                       WriterDataMovementConfig(TensorAccessorArgs(*dst).get_compile_time_args()));
    KernelHandle compute = CreateKernel(
        program, "kernels/compute/tiles_binary.cpp", core,
        ComputeConfig{.math_fidelity = MathFidelity::HiFi4,
                      .defines = {{"ELTWISE_OP", op.tile_function}, {"ELTWISE_OP_INIT", op.tile_function + "_init"}}});

    std::vector<bfloat16> a = create_random_vector_of_bfloat16_native(buffer_size, 2.0f, 1, -1.0f);
    std::vector<bfloat16> b = create_random_vector_of_bfloat16_native(buffer_size, 2.0f, 2, -1.0f);
    EnqueueWriteBuffer(cq, src0, a, false);
    EnqueueWriteBuffer(cq, src1, b, false);
    SetRuntimeArgs(program, reader, core, {src0->address(), src1->address(), n_tiles});
    SetRuntimeArgs(program, writer, core, {dst->address(), n_tiles});
    SetRuntimeArgs(program, compute, core, {n_tiles});
    EnqueueProgram(cq, program, false);
    Finish(cq);

    std::vector<bfloat16> result;
    EnqueueReadBuffer(cq, dst, result, true);
    CloseDevice(device);

    // The op is element-wise, so the tile layout needs no untilizing to compare element by element.
    constexpr float eps = 1e-2f;
    std::size_t failures = 0;
    float max_error = 0.0f;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const float expected = bfloat16(op.golden(a[i].to_float(), b[i].to_float())).to_float();
        const float error = std::fabs(result[i].to_float() - expected);
        if (!(error <= eps)) {
            if (failures++ < 5) {
                std::printf("  mismatch at %zu: %g, expected %g\n", i, result[i].to_float(), expected);
            }
        }
        max_error = std::fmax(max_error, error);
    }
    const bool pass = failures == 0;
    std::printf("eltwise %s of %u tiles: %s (max |error| %g, limit %g, %zu failures)\n", op_name.c_str(), n_tiles,
                pass ? "PASS" : "FAIL", max_error, eps, failures);
    return pass ? 0 : 1;
}
