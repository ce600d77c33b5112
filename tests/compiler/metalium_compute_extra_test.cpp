// A Metalium compute kernel calling transpose_wh_tile, binary_max/min_tile and the scalar SFPU ops
// (binop_with_scalar.h) compiles with the Metalium front end, runs through the host API against a scalar
// reference, and prints back as Metalium C++ with each call's header. A vector mode other than RC is refused.
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "compiler/backend/metalium_cpp/metalium_printer.h"
#include "compiler/metalium_test_util.h"
#include "tilesim/tile.h"

namespace tilesim::metalium_test {
namespace {

constexpr uint32_t kTileBytes = 2048;  // bf16

// Per pair of input tiles (A, B): out0 = (max(A^T, B) * scale) + 0.5 and out1 = 2 - min(A^T, B).
const std::string kComputeSource = R"(
#include "compute_kernel_api/eltwise_unary/eltwise_unary.h"
#include "compute_kernel_api/eltwise_unary/binop_with_scalar.h"
#include "compute_kernel_api/binary_max_min.h"
#include "compute_kernel_api/transpose_wh.h"
#include "compute_kernel_api/tile_move_copy.h"

namespace NAMESPACE {
void MAIN {
    const uint32_t pairs = get_arg_val<uint32_t>(0);
    const uint32_t scale_bits = get_arg_val<uint32_t>(1);  // an fp32 bit pattern, as tt-metal passes it
    init_sfpu(tt::CBIndex::c_0, tt::CBIndex::c_16);
    transpose_wh_init(tt::CBIndex::c_0, tt::CBIndex::c_16);
    for (uint32_t p = 0; p < pairs; ++p) {
        cb_wait_front(tt::CBIndex::c_0, 2);
        tile_regs_acquire();
        transpose_wh_init_short(tt::CBIndex::c_0);
        transpose_wh_tile(tt::CBIndex::c_0, 0, 0);
        copy_tile_to_dst_init_short(tt::CBIndex::c_0);
        copy_tile(tt::CBIndex::c_0, 1, 1);
        binary_max_tile_init();
        binary_max_tile(0, 1, 2, (int)VectorMode::RC);
        binary_min_tile_init();
        binary_min_tile(0, 1);  // binary_max.h's older form: the result replaces the first operand
        binop_with_scalar_tile_init();
        mul_unary_tile(2, scale_bits);
        add_unary_tile(2, 0x3f000000u);
        rsub_unary_tile(0, 0x40000000u);
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(tt::CBIndex::c_16, 2);
        pack_tile(2, tt::CBIndex::c_16);
        pack_tile(0, tt::CBIndex::c_16);
        cb_push_back(tt::CBIndex::c_16, 2);
        tile_regs_release();
        cb_pop_front(tt::CBIndex::c_0, 2);
    }
}
}  // namespace NAMESPACE
)";

kir::Kernel CompileCompute(const std::string& source) {
  metalium::FrontEndOptions options;
  options.role = KernelRole::Compute;
  return metalium::ParseKernel(metalium::KernelSource{"compute_extra.cpp", source}, options);
}

kir::Kernel CompileGood(const std::string& name, KernelRole role, const std::vector<uint32_t>& compile_args) {
  metalium::FrontEndOptions options;
  options.role = role;
  return metalium::ParseKernelFile(GoodKernel(name), options, compile_args);
}

float Bf16(float x) { return RoundToBf16(x); }

TEST(MetaliumComputeExtra, TransposeMaxMinAndScalarOpsMatchAScalarReference) {
  TestDevice device;
  const uint32_t pairs = 2, tiles = 2 * pairs;
  auto in = DramBuffer(device, tiles * kTileBytes, kTileBytes);
  auto out = DramBuffer(device, tiles * kTileBytes, kTileBytes);
  const std::vector<bfloat16> x = ToBfloat16(RandomUniform(tiles * kTileElements, 17, -3.0f, 3.0f));
  std::vector<bfloat16> tiled;
  for (uint32_t t = 0; t < tiles; ++t) {
    const std::vector<bfloat16> one(x.begin() + t * kTileElements, x.begin() + (t + 1) * kTileElements);
    const std::vector<bfloat16> faces = tilize<bfloat16>(one, kTileRows, kTileCols);
    tiled.insert(tiled.end(), faces.begin(), faces.end());
  }
  EnqueueWriteBuffer(device.cq(), in, tiled, true);
  const float scale = -1.5f;

  Program program = CreateProgram();
  const CoreCoord core{0, 0};
  MakeCb(program, core, 0, 2, kTileBytes);
  MakeCb(program, core, 16, 2, kTileBytes);
  const KernelHandle r = CreateKernel(program, CompileGood("reader_unary_sfpu.cpp", KernelRole::DataMovement0, {}), core,
                                      DataMovementConfig{DataMovementProcessor::RISCV_0, NOC::RISCV_0_default, {}});
  const KernelHandle c = CreateKernel(program, CompileCompute(kComputeSource), core, ComputeConfig{});
  const KernelHandle w = CreateKernel(program, CompileGood("writer_unary_addrgen.cpp", KernelRole::DataMovement1, {1}), core,
                                      DataMovementConfig{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default, {1}});
  SetRuntimeArgs(program, r, core, {in->address(), tiles});
  SetRuntimeArgs(program, c, core, {pairs, std::bit_cast<uint32_t>(scale)});
  SetRuntimeArgs(program, w, core, {out->address(), tiles});
  EnqueueProgram(device.cq(), program, true);
  std::vector<bfloat16> y;
  EnqueueReadBuffer(device.cq(), out, y, true);
  ASSERT_EQ(y.size(), size_t{tiles} * kTileElements);

  for (uint32_t p = 0; p < pairs; ++p) {
    const bfloat16* a = x.data() + (2 * p) * kTileElements;
    const bfloat16* b = x.data() + (2 * p + 1) * kTileElements;
    const std::vector<bfloat16> got0 = untilize<bfloat16>(
        std::vector<bfloat16>(y.begin() + (2 * p) * kTileElements, y.begin() + (2 * p + 1) * kTileElements), kTileRows, kTileCols);
    const std::vector<bfloat16> got1 = untilize<bfloat16>(
        std::vector<bfloat16>(y.begin() + (2 * p + 1) * kTileElements, y.begin() + (2 * p + 2) * kTileElements), kTileRows, kTileCols);
    for (uint32_t row = 0; row < kTileRows; ++row) {
      for (uint32_t col = 0; col < kTileCols; ++col) {
        const float at = a[col * kTileCols + row], bv = b[row * kTileCols + col];  // A transposed, B as is
        // Each SFPU result is rounded to the bf16 DST before the next op reads it.
        const float expected0 = Bf16(Bf16(std::max(at, bv) * scale) + 0.5f);
        const float expected1 = Bf16(2.0f - std::min(at, bv));
        const size_t i = row * kTileCols + col;
        ASSERT_EQ(float(got0[i]), expected0) << "pair " << p << " (" << row << "," << col << ")";
        ASSERT_EQ(float(got1[i]), expected1) << "pair " << p << " (" << row << "," << col << ")";
      }
    }
  }
}

TEST(MetaliumComputeExtra, PrintedBackWithEachCallsHeader) {
  const std::string printed = compiler::metalium_cpp::PrintKernelSource(CompileCompute(kComputeSource));
  for (const char* expected :
       {"#include \"compute_kernel_api/transpose_wh.h\"", "#include \"compute_kernel_api/eltwise_unary/binop_with_scalar.h\"",
        "#include \"compute_kernel_api/binary_max_min.h\"", "transpose_wh_tile(", "binary_max_tile(0u, 1u, 2u)",
        "binary_min_tile(0u, 1u, 0u)", "add_unary_tile(2u, 1056964608u)", "rsub_unary_tile(0u, 1073741824u)"}) {
    EXPECT_NE(printed.find(expected), std::string::npos) << expected << " missing from\n" << printed;
  }
}

TEST(MetaliumComputeExtra, VectorModeOtherThanRcIsAnErrorAtTheCall) {
  const std::string source = R"(#include "compute_kernel_api/binary_max_min.h"
namespace NAMESPACE {
void MAIN {
    tile_regs_acquire();
    binary_max_tile(0, 1, 2, (int)VectorMode::R);
}
}
)";
  try {
    CompileCompute(source);
    FAIL() << "compiled";
  } catch (const compiler::CompileError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("compute_extra.cpp:5:"), std::string::npos) << message;
    EXPECT_NE(message.find("only VectorMode::RC"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace tilesim::metalium_test
