// `tilesim compile KERNEL.py` and `tilesim run KERNEL.py`, run as a separate process: the artifacts, the IR
// printing, the bindings and the errors users see.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/tools/cli_test_util.h"

namespace {

namespace fs = std::filesystem;

const std::string kSamples = std::string(TILESIM_SOURCE_DIR) + "/samples/tile/";

fs::path ScratchDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tilesim_tile_cli_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  return dir;
}

TEST(TileCli, CompileWritesEveryArtifact) {
  const fs::path dir = ScratchDir("artifacts");
  const Output o = RunCli("compile " + kSamples + "gemm_mcast.py --M 256 --N 256 --K 128 -o " + dir.string() + " --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j.at("function"), "main");
  EXPECT_EQ(j.at("passes"), 15);
  EXPECT_GT(j.at("compile_ms").get<double>(), 0.0);
  EXPECT_EQ(j.at("partition").at("multicast.A_shared"), "row");
  for (const char* file : {"reader.cpp", "compute.cpp", "writer.cpp", "main.cpp", "CMakeLists.txt", "tt.plan.json",
                           "reader.tsb", "compute.tsb", "writer.tsb"}) {
    EXPECT_TRUE(fs::exists(dir / file)) << file;
  }
  // The compute kernel is real Metalium: the matmul's last argument is the transpose flag.
  std::ifstream compute(dir / "compute.cpp");
  const std::string text((std::istreambuf_iterator<char>(compute)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("matmul_tiles("), std::string::npos);
  EXPECT_NE(text.find("mm_init("), std::string::npos);
  // Compiling again into the same directory replaces tilesim's own files.
  EXPECT_EQ(RunCli("compile " + kSamples + "gemm_mcast.py --M 256 --N 256 --K 128 -o " + dir.string()).exit_code, 0);
  fs::remove_all(dir);
}

TEST(TileCli, CompileNeverOverwritesAFileItDidNotWrite) {
  const fs::path dir = ScratchDir("foreign");
  fs::create_directories(dir);
  std::ofstream(dir / "main.cpp") << "// the user's own program\n";
  const Output o = RunCli("compile " + kSamples + "gemm.py -o " + dir.string());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("main.cpp"), std::string::npos) << o.err;
  std::ifstream kept(dir / "main.cpp");
  std::string line;
  std::getline(kept, line);
  EXPECT_EQ(line, "// the user's own program");
  EXPECT_EQ(RunCli("compile " + kSamples + "gemm.py --force -o " + dir.string()).exit_code, 0);
  fs::remove_all(dir);
}

TEST(TileCli, PrintAfterAllPrintsTheIrAfterEachPass) {
  const Output o = RunCli("compile " + kSamples + "eltwise_add.py --print-after-all");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  size_t count = 0;
  for (size_t at = o.err.find("// ---- IR after "); at != std::string::npos; at = o.err.find("// ---- IR after ", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 15u);
  EXPECT_NE(o.err.find("IR after InferTTLayout"), std::string::npos);
  EXPECT_NE(o.err.find("IR after VerifyTTIR"), std::string::npos);
}

TEST(TileCli, RunValidatesAndChecksTheEmittedCpp) {
  const Output o = RunCli("run " + kSamples + "gemm_bias_relu.py --M 96 --N 128 --K 64 --emit-cpp-check --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  EXPECT_TRUE(j.at("ok").get<bool>());
  EXPECT_GE(j.at("pcc").get<double>(), 0.999);
  EXPECT_TRUE(j.at("cpp_check").at("identical").get<bool>());
  EXPECT_EQ(j.at("M"), 96);
}

TEST(TileCli, BindingsOverrideModuleConstants) {
  const Output o = RunCli("run " + kSamples + "eltwise_add.py --M 64 --N 96 --block_M 32 --block_N 32 --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j.at("cores"), 6);  // 2 x 3 blocks of 32 x 32
}

TEST(TileCli, UnknownBindingIsABadArgument) {
  const Output o = RunCli("run " + kSamples + "eltwise_add.py --Q 5");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("Q"), std::string::npos) << o.err;
}

TEST(TileCli, KernelErrorNamesFileLineAndColumn) {
  const fs::path dir = ScratchDir("bad");
  fs::create_directories(dir);
  const fs::path kernel = dir / "bad.py";
  std::ofstream(kernel) << "import tilelang.language as T\n"
                           "@T.prim_func\n"
                           "def bad(A: T.Tensor((64, 64), \"bfloat16\"), C: T.Tensor((64, 64), \"bfloat16\")):\n"
                           "    with T.Kernel(1, 1) as (bx, by):\n"
                           "        S = T.alloc_shared((48, 64), \"bfloat16\")\n"
                           "        T.copy(A[0, 0], S)\n"
                           "        T.copy(S, C[0, 0])\n";
  const Output o = RunCli("compile " + kernel.string());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("bad.py:5:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("multiples of 32"), std::string::npos) << o.err;
  fs::remove_all(dir);
}

TEST(TileCli, SamplesListsEveryTileKernel) {
  const Output o = RunCli("samples");
  ASSERT_EQ(o.exit_code, 0);
  size_t kernels = 0;
  for (const auto& entry : fs::directory_iterator(kSamples)) {
    if (entry.path().extension() != ".py") continue;
    ++kernels;
    EXPECT_NE(o.out.find("  " + entry.path().stem().string() + " "), std::string::npos) << entry.path();
  }
  EXPECT_GE(kernels, 5u);
}

TEST(TileCli, MissingKernelFileIsABadArgument) {
  EXPECT_EQ(RunCli("run no_such_kernel.py").exit_code, 2);
  EXPECT_EQ(RunCli("compile no_such_kernel.py").exit_code, 2);
}

}  // namespace
