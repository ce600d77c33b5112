// A Metalium compute kernel using tt-metal's bcast.h (the named *_tiles_bcast_rows/cols/scalar calls, the
// templated add/sub/mul_tiles_bcast<BroadcastType>, init_bcast<EltwiseBinaryType, BroadcastType> and the
// *_init_short calls) compiles with the Metalium front end, runs through the host API against a scalar loop
// over the row-major data, and prints back as Metalium C++ with bcast.h. Misspelt template arguments are
// errors at the call.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compiler/backend/metalium_cpp/metalium_printer.h"
#include "compiler/metalium_test_util.h"
#include "tilesim/tile.h"

namespace tilesim::metalium_test {
namespace {

constexpr uint32_t kTileBytes = 2048;  // bf16
constexpr uint32_t kSteps = 5;         // one output tile per step, from tile `step` of A and of B

// Step 0: A + B row 0 (the bias epilogue); 1: A - B row `row`; 2: A * B column 0; 3: A - B(0, 0);
// 4: A + B row 0 again, through the templated spelling after another op's init.
const std::string kComputeSource = R"(
#include "compute_kernel_api/bcast.h"
#include "compute_kernel_api/eltwise_binary.h"

namespace NAMESPACE {

constexpr uint32_t cb_a = tt::CBIndex::c_0;
constexpr uint32_t cb_b = tt::CBIndex::c_1;
constexpr uint32_t cb_out = tt::CBIndex::c_16;

ALWI void wait_inputs() {
    cb_wait_front(cb_a, 1);
    cb_wait_front(cb_b, 1);
    tile_regs_acquire();
}

ALWI void pack_output() {
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(cb_out, 1);
    pack_tile(0, cb_out);
    cb_push_back(cb_out, 1);
    tile_regs_release();
    cb_pop_front(cb_a, 1);
    cb_pop_front(cb_b, 1);
}

void MAIN {
    const uint32_t row = get_arg_val<uint32_t>(0);
    init_bcast<EltwiseBinaryType::ELWADD, BroadcastType::ROW>(cb_a, cb_b, cb_out);

    wait_inputs();
    add_tiles_bcast_rows(cb_a, cb_b, 0, 0, 0);
    pack_output();

    wait_inputs();
    sub_bcast_rows_init_short(cb_a, cb_b);
    sub_tiles_bcast<BroadcastType::ROW>(cb_a, cb_b, 0, 0, 0, row);
    pack_output();

    init_bcast<ELWMUL, BroadcastType::COL>(cb_a, cb_b, cb_out);
    wait_inputs();
    mul_tiles_bcast_cols(cb_a, cb_b, 0, 0, 0);
    pack_output();

    wait_inputs();
    sub_tiles_bcast_scalar_init_short(cb_a, cb_b);
    sub_tiles_bcast_scalar(cb_a, cb_b, 0, 0, 0);
    pack_output();

    wait_inputs();
    add_bcast_rows_init_short(cb_a, cb_b);
    add_tiles_bcast<BroadcastType::ROW>(cb_a, cb_b, 0, 0, 0);
    pack_output();
}
}  // namespace NAMESPACE
)";

kir::Kernel CompileCompute(const std::string& source) {
  metalium::FrontEndOptions options;
  options.role = KernelRole::Compute;
  return metalium::ParseKernel(metalium::KernelSource{"bcast_compute.cpp", source}, options);
}

kir::Kernel CompileGood(const std::string& name, KernelRole role, const std::vector<uint32_t>& compile_args) {
  metalium::FrontEndOptions options;
  options.role = role;
  return metalium::ParseKernelFile(GoodKernel(name), options, compile_args);
}

std::vector<bfloat16> Tilized(const std::vector<bfloat16>& row_major_tiles) {
  std::vector<bfloat16> out;
  for (size_t t = 0; t < row_major_tiles.size() / kTileElements; ++t) {
    const std::vector<bfloat16> one(row_major_tiles.begin() + t * kTileElements,
                                    row_major_tiles.begin() + (t + 1) * kTileElements);
    const std::vector<bfloat16> faces = tilize<bfloat16>(one, kTileRows, kTileCols);
    out.insert(out.end(), faces.begin(), faces.end());
  }
  return out;
}

TEST(MetaliumBcast, RowColumnAndScalarBroadcastsMatchAScalarLoop) {
  TestDevice device;
  auto a_buf = DramBuffer(device, kSteps * kTileBytes, kTileBytes);
  auto b_buf = DramBuffer(device, kSteps * kTileBytes, kTileBytes);
  auto out_buf = DramBuffer(device, kSteps * kTileBytes, kTileBytes);
  const std::vector<bfloat16> a = ToBfloat16(RandomUniform(kSteps * kTileElements, 41, -4.0f, 4.0f));
  const std::vector<bfloat16> b = ToBfloat16(RandomUniform(kSteps * kTileElements, 42, -2.0f, 2.0f));
  EnqueueWriteBuffer(device.cq(), a_buf, Tilized(a), true);
  EnqueueWriteBuffer(device.cq(), b_buf, Tilized(b), true);
  const uint32_t row = 21;  // in faces 2 and 3 of B

  Program program = CreateProgram();
  const CoreCoord core{0, 0};
  MakeCb(program, core, 0, 2, kTileBytes);
  MakeCb(program, core, 1, 2, kTileBytes);
  MakeCb(program, core, 16, 2, kTileBytes);
  const std::vector<uint32_t> reader_ct = {2, kTileBytes, 2, kTileBytes};
  const KernelHandle r = CreateKernel(program, CompileGood("reader_binary_accessor.cpp", KernelRole::DataMovement0, reader_ct),
                                      core, DataMovementConfig{DataMovementProcessor::RISCV_0, NOC::RISCV_0_default, reader_ct});
  const KernelHandle c = CreateKernel(program, CompileCompute(kComputeSource), core, ComputeConfig{});
  const KernelHandle w = CreateKernel(program, CompileGood("writer_unary_addrgen.cpp", KernelRole::DataMovement1, {1}), core,
                                      DataMovementConfig{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default, {1}});
  SetRuntimeArgs(program, r, core, {a_buf->address(), b_buf->address(), 0, kSteps});
  SetRuntimeArgs(program, c, core, {row});
  SetRuntimeArgs(program, w, core, {out_buf->address(), kSteps});
  EnqueueProgram(device.cq(), program, true);
  std::vector<bfloat16> y;
  EnqueueReadBuffer(device.cq(), out_buf, y, true);
  ASSERT_EQ(y.size(), size_t{kSteps} * kTileElements);

  for (uint32_t s = 0; s < kSteps; ++s) {
    const std::vector<bfloat16> got = untilize<bfloat16>(
        std::vector<bfloat16>(y.begin() + s * kTileElements, y.begin() + (s + 1) * kTileElements), kTileRows, kTileCols);
    const bfloat16* at = a.data() + s * kTileElements;
    const bfloat16* bt = b.data() + s * kTileElements;
    for (uint32_t i = 0; i < kTileRows; ++i) {
      for (uint32_t j = 0; j < kTileCols; ++j) {
        const float x = at[i * kTileCols + j];
        float expected = 0;  // fp32 of bf16 operands, rounded to the bf16 DST
        switch (s) {
          case 0:
          case 4: expected = x + float(bt[j]); break;
          case 1: expected = x - float(bt[row * kTileCols + j]); break;
          case 2: expected = x * float(bt[i * kTileCols]); break;
          case 3: expected = x - float(bt[0]); break;
        }
        ASSERT_EQ(float(got[i * kTileCols + j]), RoundToBf16(expected)) << "step " << s << " (" << i << "," << j << ")";
      }
    }
  }
}

TEST(MetaliumBcast, PrintedBackWithBcastHeaderAndNamedCalls) {
  const std::string printed = compiler::metalium_cpp::PrintKernelSource(CompileCompute(kComputeSource));
  for (const char* expected :
       {"#include \"compute_kernel_api/bcast.h\"", "binary_op_init_common(", "add_bcast_rows_init_short(",
        "add_tiles_bcast_rows(0u, 1u, 0u, 0u, 0u);", "sub_tiles_bcast_rows(0u, 1u, 0u, 0u, 0u, row",
        "mul_bcast_cols_init_short(", "mul_tiles_bcast_cols(0u, 1u, 0u, 0u, 0u);",
        "sub_tiles_bcast_scalar_init_short(", "sub_tiles_bcast_scalar(0u, 1u, 0u, 0u, 0u);"}) {
    EXPECT_NE(printed.find(expected), std::string::npos) << expected << " missing from\n" << printed;
  }
}

void ExpectError(const std::string& call, const std::string& message) {
  const std::string source = "#include \"compute_kernel_api/bcast.h\"\nnamespace NAMESPACE {\nvoid MAIN {\n    " + call +
                             ";\n}\n}\n";
  try {
    CompileCompute(source);
    FAIL() << call << " compiled";
  } catch (const compiler::CompileError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bcast_compute.cpp:4:"), std::string::npos) << what;
    EXPECT_NE(what.find(message), std::string::npos) << what;
  }
}

TEST(MetaliumBcast, MissingOrWrongTemplateArgumentsAreErrorsAtTheCall) {
  ExpectError("add_tiles_bcast(0, 1, 0, 0, 0)", "'add_tiles_bcast' needs its BroadcastType template argument");
  ExpectError("mul_tiles_bcast<7>(0, 1, 0, 0, 0)", "BroadcastType value 7 is not NONE (0), COL (1), ROW (2) or SCALAR (3)");
  ExpectError("init_bcast<EltwiseBinaryType::ELWDIV, BroadcastType::ROW>(0, 1, 16)",
              "'init_bcast' needs EltwiseBinaryType::ELWADD, ELWSUB or ELWMUL");
  ExpectError("add_tiles_bcast_cols(0, 1, 0, 0, 0, 3)", "'add_tiles_bcast_cols' takes 5 arguments, 6 given");
}

}  // namespace
}  // namespace tilesim::metalium_test
