// The tt.plan.json and host program back ends (compiler/backend/tt_plan): the plan describes the program
// exactly and validates, the validator rejects broken plans, main.cpp is a Mesh API host program that
// compiles against tilesim's compatibility headers, and WriteArtifacts never clobbers foreign files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "compiler/backend/tt_plan/plan_json.h"
#include "runtime/tile_test_programs.h"
#include "tilesim/bytecode/kernel_binary.h"
#include "tilesim/compiler.h"

namespace tilesim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path TempDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tilesim_tt_plan_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(TtPlan, EmittedPlansValidate) {
  for (const tile::TTProgram& program : {testing::EltwiseAddProgram(40, 70, 2, 2), testing::GemmProgram(64, 96, 128, 2, 2)}) {
    const json plan = json::parse(tile::EmitPlanJson(program));
    EXPECT_EQ(tile::ValidatePlanJson(plan), std::vector<std::string>{}) << program.name;
  }
}

TEST(TtPlan, DescribesTensorsBuffersKernelsAndPerCoreArgs) {
  const json plan = tile::BuildPlanJson(testing::EltwiseAddProgram(40, 70, 2, 2));
  EXPECT_EQ(plan["schema_version"], 1);
  EXPECT_EQ(plan["core_ranges"], json::parse(R"([{"start": [0, 0], "end": [1, 1]}])"));
  EXPECT_EQ(plan["num_cores"], 4);
  const json& a = plan["tensors"][0];
  EXPECT_EQ(a["shape"], json::parse("[40, 70]"));
  EXPECT_EQ(a["tile_rows"], 2);  // ceil(40 / 32)
  EXPECT_EQ(a["tile_cols"], 3);  // ceil(70 / 32)
  EXPECT_EQ(a["num_pages"], 6);
  EXPECT_EQ(a["page_size"], 2048);
  EXPECT_EQ(a["dtype"], "bfloat16");
  EXPECT_EQ(a["layout"], "tiled");
  EXPECT_EQ(a["memory_layout"], "interleaved");
  EXPECT_EQ(plan["tensors"][2]["is_output"], true);
  EXPECT_EQ(plan["circular_buffers"][2], json::parse(R"({"index": 16, "num_pages": 16, "page_size": 2048,
      "total_size": 32768, "data_format": "Float16_b", "holds": "C_local"})"));
  EXPECT_EQ(plan["kernels"][0]["processor"], "RISCV_0");
  EXPECT_EQ(plan["kernels"][0]["noc"], 0);
  EXPECT_EQ(plan["kernels"][1]["math_fidelity"], "HiFi4");
  EXPECT_EQ(plan["kernels"][2]["processor"], "RISCV_1");
  EXPECT_EQ(plan["kernels"][2]["file"], "writer.cpp");
  // 6 tiles over 4 cores: 2, 2, 1, 1. Core (1, 0) starts at tile 2.
  const json& core = plan["cores"][1];
  EXPECT_EQ(core["core"], json::parse("[1, 0]"));
  EXPECT_EQ(core["runtime_args"]["reader"], json::parse(R"([{"tensor_address": "A"}, {"tensor_address": "B"}, 2, 2])"));
  EXPECT_EQ(core["runtime_args"]["writer"], json::parse(R"([{"tensor_address": "C"}, 2, 2])"));
  EXPECT_EQ(core["blocks"], json::parse("[[2, 0], [0, 1]]"));
  EXPECT_EQ(plan["cores"][3]["num_blocks"], 1);
  EXPECT_EQ(plan["partition"]["num_tiles"], 6);
}

TEST(TtPlan, NocCoordinatesAndSemaphoresAreSymbolic) {
  tile::TTProgram program = testing::EltwiseAddProgram(32, 32, 1, 1);
  program.semaphores = {{0}, {1}};
  program.kernels[1].runtime_arg_names = {"count", "peer_x", "peer_y", "sem"};
  program.cores[0].runtime_args[1] = {testing::Value(1), {tile::RuntimeArg::Kind::NocX, 0, "", 3, 2},
                                      {tile::RuntimeArg::Kind::NocY, 0, "", 3, 2}, {tile::RuntimeArg::Kind::Semaphore, 1, "", 0, 0}};
  const json plan = tile::BuildPlanJson(program);
  EXPECT_EQ(plan["cores"][0]["runtime_args"]["compute"],
            json::parse(R"([1, {"noc_x": [3, 2]}, {"noc_y": [3, 2]}, {"semaphore": 1}])"));
  EXPECT_EQ(plan["semaphores"][1], json::parse(R"({"id": 1, "initial_value": 1})"));
  EXPECT_EQ(tile::ValidatePlanJson(plan), std::vector<std::string>{});
  const std::string main_cpp = tile::EmitHostProgram(program);
  EXPECT_NE(main_cpp.find("{1u, noc_x(3, 2), noc_y(3, 2), semaphores.at(1)}"), std::string::npos) << main_cpp;
}

// One broken plan per case: the validator names what is wrong.
TEST(TtPlan, ValidatorRejectsBrokenPlans) {
  const json good = tile::BuildPlanJson(testing::EltwiseAddProgram(40, 70, 2, 2));
  struct Case {
    const char* what;
    std::function<void(json&)> breaks;
    const char* expected;
  };
  const Case cases[] = {
      {"schema", [](json& p) { p["schema_version"] = 2; }, "schema_version: must be 1"},
      {"arg count", [](json& p) { p["cores"][0]["runtime_args"]["reader"].erase(3); }, "cores[0].runtime_args.reader: 3 args, but the kernel names 4"},
      {"core outside", [](json& p) { p["cores"][3]["core"] = {9, 0}; }, "cores[3].core: core (9, 0) is outside the 8x8 grid"},
      {"core not in ranges", [](json& p) { p["core_ranges"][0]["end"] = {1, 0}; }, "cores[2].core: is in none of the core_ranges"},
      {"unknown tensor", [](json& p) { p["cores"][1]["runtime_args"]["writer"][0] = {{"tensor_address", "D"}}; }, "the address of an unknown tensor \"D\""},
      {"num_pages", [](json& p) { p["tensors"][1]["num_pages"] = 5; }, "tensors[1].num_pages: 5 != tile_rows * tile_cols"},
      {"tile cover", [](json& p) { p["tensors"][0]["tile_cols"] = 2; }, "does not cover the shape"},
      {"page size", [](json& p) { p["tensors"][0]["dtype"] = "float32"; }, "is not one float32 tile"},
      {"cb twice", [](json& p) { p["circular_buffers"][1]["index"] = 0; }, "c_0 is used twice"},
      {"cb too big", [](json& p) { p["circular_buffers"][0]["num_pages"] = 1000; p["circular_buffers"][0]["total_size"] = 2048000; }, "need L1 up to"},
      {"semaphore", [](json& p) { p["cores"][0]["runtime_args"]["compute"][0] = {{"semaphore", 0}}; }, "semaphore 0 is not one of the plan's 0"},
      {"processor", [](json& p) { p["kernels"][2]["processor"] = "RISCV_0"; }, "a writer kernel runs on RISCV_1"},
      {"fidelity", [](json& p) { p["kernels"][1]["math_fidelity"] = "HiFi9"; }, "kernels[1].math_fidelity"},
      {"missing kernel args", [](json& p) { p["cores"][2]["runtime_args"].erase("compute"); }, "none for kernel 'compute'"},
      {"num_cores", [](json& p) { p["num_cores"] = 5; }, "num_cores: 5 but 4 cores are listed"},
      {"arg kind", [](json& p) { p["cores"][0]["runtime_args"]["compute"][0] = {{"l1_address", 4}}; }, "unknown runtime arg kind \"l1_address\""},
  };
  for (const Case& c : cases) {
    json plan = good;
    c.breaks(plan);
    const std::vector<std::string> problems = tile::ValidatePlanJson(plan);
    std::string all;
    for (const std::string& p : problems) all += p + "\n";
    EXPECT_NE(all.find(c.expected), std::string::npos) << c.what << ": got\n" << all;
  }
  EXPECT_EQ(tile::ValidatePlanJson(json::array()), std::vector<std::string>{"$: a plan is a JSON object"});
}

TEST(TtPlan, CoreRangesMergeRowsIntoRectangles) {
  std::vector<tile::CoreWork> cores;
  for (auto [x, y] : std::vector<std::pair<uint32_t, uint32_t>>{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 2}, {3, 2}}) {
    tile::CoreWork c;
    c.x = x;
    c.y = y;
    cores.push_back(c);
  }
  const std::vector<tile::CoreRectangle> ranges = tile::CoreRanges(cores);
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ((std::vector<uint32_t>{ranges[0].x0, ranges[0].y0, ranges[0].x1, ranges[0].y1}), (std::vector<uint32_t>{0, 0, 1, 1}));
  EXPECT_EQ((std::vector<uint32_t>{ranges[1].x0, ranges[1].y0, ranges[1].x1, ranges[1].y1}), (std::vector<uint32_t>{0, 2, 0, 2}));
  EXPECT_EQ((std::vector<uint32_t>{ranges[2].x0, ranges[2].y0, ranges[2].x1, ranges[2].y1}), (std::vector<uint32_t>{3, 2, 3, 2}));
}

TEST(TtPlan, HostProgramUsesTheMeshApi) {
  const std::string main_cpp = tile::EmitHostProgram(testing::GemmProgram(64, 96, 128, 2, 2));
  for (const char* expected :
       {"#if __has_include(<tt-metalium/host_api.hpp>)", "#include \"tilesim/metal/tt_metal.hpp\"",
        "distributed::MeshDevice::create_unit_mesh(0)", "distributed::MeshBuffer::create(size, dram, mesh_device.get())",
        "CreateCircularBuffer(program, all_cores", ".set_page_size(tt::CBIndex::c_16, 2048u));  // ",
        "CreateKernel(program, kernel_dir + \"/reader.cpp\", all_cores",
        "DataMovementConfig{.processor = DataMovementProcessor::RISCV_1, .noc = NOC::RISCV_1_default",
        "ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .fp32_dest_acc_en = false, .compile_args = {",
        "SetRuntimeArgs(program, writer, CoreCoord{1, 1}, {buffers.at(\"A\")->address()",
        "distributed::EnqueueWriteMeshBuffer(cq", "distributed::EnqueueMeshWorkload(cq, workload, false)",
        "distributed::EnqueueReadMeshBuffer(cq, data", "--out NAME=FILE"}) {
    EXPECT_NE(main_cpp.find(expected), std::string::npos) << expected;
  }
  const std::string cmake = tile::EmitCMakeLists(testing::GemmProgram(64, 96, 128, 2, 2));
  EXPECT_NE(cmake.find("find_package(TT-Metalium QUIET)"), std::string::npos);
  EXPECT_NE(cmake.find("find_package(tilesim REQUIRED)"), std::string::npos);
  EXPECT_NE(cmake.find("target_link_libraries(gemm_host PRIVATE tilesim::tilesim)"), std::string::npos);
}

// main.cpp is valid C++ against tilesim's tt-metal compatible headers (no tt-metal installed here). Not
// -Wextra: its designated initialisers leave config members out, as tt-metal's own examples do.
TEST(TtPlan, HostProgramCompilesAgainstTilesimHeaders) {
  const fs::path dir = TempDir("compile");
  fs::create_directories(dir);
  std::ofstream(dir / "main.cpp") << tile::EmitHostProgram(testing::GemmProgram(64, 96, 128, 2, 2));
  const std::string command = std::string(TILESIM_CXX) + " -std=c++20 -fsyntax-only -Wall -Werror -I" +
                              TILESIM_SOURCE_DIR + "/include " + (dir / "main.cpp").string() + " 2> " +
                              (dir / "errors.txt").string();
  EXPECT_EQ(std::system(command.c_str()), 0) << ReadText(dir / "errors.txt");
  fs::remove_all(dir);
}

TEST(TtPlan, WriteArtifactsWritesEveryFile) {
  const tile::TTProgram program = testing::EltwiseAddProgram(40, 70, 2, 2);
  const fs::path dir = TempDir("write");
  const std::vector<std::string> written = tile::WriteArtifacts(program, dir.string());
  EXPECT_EQ(written.size(), 9u);  // 3 x (.cpp, .tsb), main.cpp, CMakeLists.txt, tt.plan.json
  for (const char* name : {"reader.cpp", "compute.cpp", "writer.cpp", "main.cpp", "CMakeLists.txt", "tt.plan.json"}) {
    EXPECT_TRUE(fs::exists(dir / name)) << name;
  }
  EXPECT_EQ(ReadText(dir / "writer.cpp"), tile::EmitKernelSource(program.kernels[2]));
  EXPECT_EQ(tile::ValidatePlanJson(json::parse(ReadText(dir / "tt.plan.json"))), std::vector<std::string>{});
  // The bytecode is the kernel lowered with its compile args.
  const bc::KernelBinary loaded = bc::LoadFromFile((dir / "compute.tsb").string());
  kir::Kernel compute = program.kernels[1].kernel;
  const bc::KernelBinary expected = compiler::LowerToBytecode(compute, program.kernels[1].compile_time_args);
  EXPECT_EQ(bc::Disassemble(loaded), bc::Disassemble(expected));
  // Writing again replaces its own files.
  EXPECT_NO_THROW(tile::WriteArtifacts(program, dir.string()));
  fs::remove_all(dir);
}

TEST(TtPlan, WriteArtifactsRefusesToOverwriteForeignFiles) {
  const tile::TTProgram program = testing::EltwiseAddProgram(32, 32, 1, 1);
  const fs::path dir = TempDir("foreign");
  fs::create_directories(dir);
  std::ofstream(dir / "main.cpp") << "// the user's own main.cpp\n";
  try {
    tile::WriteArtifacts(program, dir.string());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "main.cpp").string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(ReadText(dir / "main.cpp"), "// the user's own main.cpp\n");
  EXPECT_FALSE(fs::exists(dir / "reader.cpp"));  // nothing written when refusing
  tile::WriteArtifacts(program, dir.string(), /*overwrite=*/true);
  EXPECT_EQ(ReadText(dir / "main.cpp"), tile::EmitHostProgram(program));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tilesim
