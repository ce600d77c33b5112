// Running TTPrograms (runtime/tile/run_program.cpp): RunProgram places the Kernel IR directly,
// RunEmittedProgram goes through the emitted Metalium C++ and the tt-metal compatible API. Both must give
// the same bits, and those must match a scalar reference.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "runtime/test_kernels.h"
#include "runtime/tile_test_programs.h"
#include "tilesim/host.h"
#include "tilesim/tile_runner.h"

namespace tilesim {
namespace {

namespace fs = std::filesystem;

std::vector<float> Bf16Values(size_t count, uint64_t seed) { return ToFloat(ToBfloat16(RandomUniform(count, seed))); }

tile::HostTensors EltwiseInputs(uint32_t rows, uint32_t cols) {
  return {{"A", Bf16Values(size_t{rows} * cols, 1)}, {"B", Bf16Values(size_t{rows} * cols, 2)}};
}

fs::path TempDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tilesim_run_program_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

DeviceOptions SmallDevice() {
  DeviceOptions options;
  options.threads = 2;
  return options;
}

TEST(TileRunProgram, EltwiseAddMatchesScalarSums) {
  const uint32_t rows = 40, cols = 70;  // 2 x 3 tiles, ragged: padding and cropping both matter
  const tile::HostTensors inputs = EltwiseInputs(rows, cols);
  const tile::TileRunResult result = tile::RunProgram(testing::EltwiseAddProgram(rows, cols, 2, 2), inputs, SmallDevice());
  const std::vector<float>& c = result.outputs.at("C");
  ASSERT_EQ(c.size(), size_t{rows} * cols);
  for (size_t i = 0; i < c.size(); ++i) {
    // bf16 + bf16 is exact in fp32; the packer rounds it to bf16 (nearest even).
    ASSERT_EQ(c[i], RoundToBf16(inputs.at("A")[i] + inputs.at("B")[i])) << "element " << i;
  }
  EXPECT_GT(result.threads, 0u);
}

TEST(TileRunProgram, EmittedEltwiseIsBitIdenticalToDirect) {
  const uint32_t rows = 40, cols = 70;
  const tile::TTProgram program = testing::EltwiseAddProgram(rows, cols, 2, 2);
  const tile::HostTensors inputs = EltwiseInputs(rows, cols);
  const fs::path dir = TempDir("eltwise");
  const tile::TileRunResult direct = tile::RunProgram(program, inputs, SmallDevice());
  const tile::TileRunResult emitted = tile::RunEmittedProgram(program, inputs, SmallDevice(), dir.string());
  EXPECT_EQ(emitted.outputs, direct.outputs);
  EXPECT_TRUE(fs::exists(dir / "reader.cpp") && fs::exists(dir / "compute.cpp") && fs::exists(dir / "writer.cpp"));
  fs::remove_all(dir);
}

TEST(TileRunProgram, EmittedGemmIsBitIdenticalToDirectAndMatchesScalarProducts) {
  const uint32_t M = 64, N = 96, K = 128;
  // K in pushes of one tile: partial sums are parked in c_24 and reloaded (copy_tile, mm_init_short).
  const tile::TTProgram program = testing::GemmProgram(M, N, K, 2, 2, /*k_block=*/1);
  ASSERT_EQ(program.circular_buffers.size(), 4u);
  const tile::HostTensors inputs = {{"A", Bf16Values(size_t{M} * K, 3)}, {"B", Bf16Values(size_t{K} * N, 4)}};
  const fs::path dir = TempDir("gemm");
  const tile::TileRunResult direct = tile::RunProgram(program, inputs, SmallDevice());
  const tile::TileRunResult emitted = tile::RunEmittedProgram(program, inputs, SmallDevice(), dir.string());
  EXPECT_EQ(emitted.outputs, direct.outputs);
  const std::vector<float>& c = direct.outputs.at("C");
  ASSERT_EQ(c.size(), size_t{M} * N);
  for (uint32_t i = 0; i < M; ++i) {
    for (uint32_t j = 0; j < N; ++j) {
      double sum = 0;
      for (uint32_t k = 0; k < K; ++k) sum += double{inputs.at("A")[i * K + k]} * inputs.at("B")[k * N + j];
      // bf16 output (8 bits of mantissa) after bf16 partial sums: within 2% of the magnitude plus a little.
      ASSERT_NEAR(c[i * N + j], sum, 0.02 * std::fabs(sum) + 0.05) << "C[" << i << "][" << j << "]";
    }
  }
  fs::remove_all(dir);
}

TEST(TileRunProgram, MissingOrMisSizedInputIsAnApiErrorNamingIt) {
  const tile::TTProgram program = testing::EltwiseAddProgram(32, 32, 1, 1);
  tile::HostTensors inputs = EltwiseInputs(32, 32);
  inputs.erase("B");
  try {
    tile::RunProgram(program, inputs, SmallDevice());
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    EXPECT_NE(std::string(e.what()).find("'B'"), std::string::npos) << e.what();
  }
  inputs = EltwiseInputs(32, 32);
  inputs["A"].pop_back();
  EXPECT_THROW(tile::RunProgram(program, inputs, SmallDevice()), ApiError);
}

TEST(TileRunProgram, DeviceFailureSurfacesAsRunErrorBothWays) {
  // A reader that never fills the CBs: the compute kernel waits forever, which the emulator reports.
  tile::TTProgram program = testing::EltwiseAddProgram(32, 64, 1, 1);
  program.kernels[0].kernel = testing::EmptyKernel();
  program.kernels[0].runtime_arg_names.clear();
  program.cores[0].runtime_args[0].clear();
  const tile::HostTensors inputs = EltwiseInputs(32, 64);
  try {
    tile::RunProgram(program, inputs, SmallDevice());
    FAIL() << "expected RunError";
  } catch (const RunError& e) {
    EXPECT_EQ(e.failure(), RunFailure::Deadlock);
  }
  const fs::path dir = TempDir("deadlock");
  EXPECT_THROW(tile::RunEmittedProgram(program, inputs, SmallDevice(), dir.string()), RunError);
  fs::remove_all(dir);
}

TEST(TileRunProgram, PerfResultWhenTheDeviceTimesPrograms) {
  DeviceOptions options = SmallDevice();
  options.perf = perf::PerfOptions{};
  const tile::TileRunResult result = tile::RunProgram(testing::EltwiseAddProgram(32, 64, 2, 1), EltwiseInputs(32, 64), options);
  ASSERT_TRUE(result.perf.has_value());
  EXPECT_FALSE(tile::RunProgram(testing::EltwiseAddProgram(32, 64, 2, 1), EltwiseInputs(32, 64), SmallDevice()).perf);
}

}  // namespace
}  // namespace tilesim
