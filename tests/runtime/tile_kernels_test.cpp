// Tile DSL kernels beyond the samples (tests/data/tile/run/*.py, and the front end's tests/data/tile/good/*.py),
// each compiled, run, validated against the reference evaluated from the kernel, and run again through its
// emitted Metalium C++ (bit-identical). A first line `# args: --NAME VALUE ...` gives a kernel's bindings; the
// front end's files keep their own first lines, so theirs are listed here.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tilesim/workloads.h"

namespace tilesim {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> KernelFiles() {
  std::vector<std::string> files;
  for (const char* dir : {"/tests/data/tile/run", "/tests/data/tile/good"}) {
    for (const auto& entry : fs::directory_iterator(std::string(TILESIM_SOURCE_DIR) + dir)) {
      if (entry.path().extension() == ".py") files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::map<std::string, int64_t> ArgsLine(const std::string& path) {
  if (fs::path(path).filename() == "gemm_factory.py") return {{"M", 192}, {"N", 128}, {"K", 96}};
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::map<std::string, int64_t> bindings;
  if (!line.starts_with("# args:")) return bindings;
  std::istringstream words(line.substr(7));
  std::string name;
  int64_t value = 0;
  while (words >> name >> value) bindings[name.substr(2)] = value;
  return bindings;
}

class TileKernel : public ::testing::TestWithParam<std::string> {};

TEST_P(TileKernel, PassesAndItsEmittedCppGivesTheSameBits) {
  TileKernelOptions options;
  options.path = GetParam();
  options.bindings = ArgsLine(options.path);
  options.grid_x = options.grid_y = 4;
  options.threads = 2;
  options.emit_cpp_check = true;
  const WorkloadResult result = RunTileKernel(options);
  EXPECT_TRUE(result.ok) << result.Summary();
  EXPECT_GE(result.comparison.pcc, 0.999);
  EXPECT_TRUE(result.parameters.at("cpp_check").at("identical").get<bool>());
}

INSTANTIATE_TEST_SUITE_P(Corpus, TileKernel, ::testing::ValuesIn(KernelFiles()), [](const auto& info) {
  const fs::path path(info.param);
  return path.parent_path().filename().string() + "_" + path.stem().string();
});

TEST(TileKernels, TheCorpusIsThere) { EXPECT_GE(KernelFiles().size(), 12u); }

}  // namespace
}  // namespace tilesim
