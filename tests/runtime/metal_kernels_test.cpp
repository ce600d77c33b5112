// tilesim::metal with Metalium kernel sources: defines and compile-time args reach the kernel, the same
// kernel file runs through the Mesh API and the single-device API, compile errors name file:line.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "tilesim/metal/tt_metal.hpp"

namespace tilesim::metal {
namespace {

namespace fs = std::filesystem;

// Kernel sources written to a fresh directory for the test process, removed afterwards.
struct KernelDir {
  fs::path path;
  KernelDir() {
    path = fs::temp_directory_path() / ("tilesim_metal_kernels_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~KernelDir() { fs::remove_all(path); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

// Writes four words to page 0 of the buffer at runtime arg 0 (TensorAccessorArgs at compile-time arg 2):
// VALUE, 10 * arg0 + arg1 of the compile-time args, EXTRA (0 when undefined), and runtime arg 1.
constexpr const char* kReportKernel = R"(
#include <cstdint>
#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t dst_address = get_arg_val<uint32_t>(0);
    constexpr auto out_args = TensorAccessorArgs<2>();
    const auto out = TensorAccessor(out_args, dst_address);

    cb_reserve_back(tt::CBIndex::c_0, 1);
    const uint32_t l1 = get_write_ptr(tt::CBIndex::c_0);
    volatile tt_l1_ptr uint32_t* words = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(l1);
    words[0] = VALUE;
    words[1] = get_compile_time_arg_val(0) * 10 + get_compile_time_arg_val(1);
#ifdef EXTRA
    words[2] = EXTRA;
#else
    words[2] = 0;
#endif
    words[3] = get_arg_val<uint32_t>(1);
    noc_async_write_page(0, out, l1);
    noc_async_write_barrier();
}
)";

constexpr uint32_t kPage = 64;

// Closes the device when the test ends, pass or fail.
struct OpenDevice {
  IDevice* device = CreateDevice(0);
  ~OpenDevice() { CloseDevice(device); }
};

// Sets an environment variable for the test and restores it afterwards.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> saved;
  ScopedEnv(std::string variable, const std::string& value) : name(std::move(variable)) {
    if (const char* old = std::getenv(name.c_str())) saved = old;
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (saved) {
      ::setenv(name.c_str(), saved->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
};

CircularBufferConfig OnePageCb() {
  return CircularBufferConfig(kPage, {{CBIndex::c_0, DataFormat::Float32}}).set_page_size(CBIndex::c_0, kPage);
}

// The words the report kernel wrote, run through the single-device API.
std::vector<uint32_t> RunReportSingleDevice(const std::string& kernel_path, const DataMovementConfig& base,
                                            uint32_t runtime_value) {
  OpenDevice open;
  IDevice* device = open.device;
  auto out = CreateBuffer({device, kPage, kPage, BufferType::DRAM});
  Program program = CreateProgram();
  const CoreCoord core{1, 1};
  CreateCircularBuffer(program, core, OnePageCb());
  DataMovementConfig config = base;
  TensorAccessorArgs(out).append_to(config.compile_args);
  KernelHandle kernel = CreateKernel(program, kernel_path, core, config);
  SetRuntimeArgs(program, kernel, core, {out->address(), runtime_value});
  CommandQueue& cq = device->command_queue();
  EnqueueProgram(cq, program, false);
  Finish(cq);
  std::vector<uint32_t> words;
  EnqueueReadBuffer(cq, out, words, true);
  return words;
}

TEST(MetalKernelsTest, DefinesAndCompileArgsReachTheKernel) {
  KernelDir dir;
  const std::string path = dir.Write("report.cpp", kReportKernel);
  const std::vector<uint32_t> words = RunReportSingleDevice(
      path, DataMovementConfig{.compile_args = {5, 7}, .defines = {{"VALUE", "1234"}, {"EXTRA", "(40 + 2)"}}}, 99);
  ASSERT_GE(words.size(), 4u);
  EXPECT_EQ(words[0], 1234u);
  EXPECT_EQ(words[1], 57u);
  EXPECT_EQ(words[2], 42u);
  EXPECT_EQ(words[3], 99u);
}

TEST(MetalKernelsTest, OtherDefinesAndArgsGiveAnotherKernel) {
  KernelDir dir;
  const std::string path = dir.Write("report.cpp", kReportKernel);
  // The same source without EXTRA and with other compile-time args: each CreateKernel compiles afresh.
  const std::vector<uint32_t> words = RunReportSingleDevice(
      path, ReaderDataMovementConfig({3, 1}, {{"VALUE", "7"}}), 5);
  ASSERT_GE(words.size(), 4u);
  EXPECT_EQ(words[0], 7u);
  EXPECT_EQ(words[1], 31u);
  EXPECT_EQ(words[2], 0u);
  EXPECT_EQ(words[3], 5u);
}

TEST(MetalKernelsTest, MeshApiRunsTheSameKernelFile) {
  KernelDir dir;
  const std::string path = dir.Write("report.cpp", kReportKernel);
  auto mesh = distributed::MeshDevice::create_unit_mesh(0);
  auto out = distributed::MeshBuffer::create({.size = kPage}, {.page_size = kPage, .buffer_type = BufferType::DRAM},
                                             mesh.get());
  Program program = CreateProgram();
  const CoreRange cores({0, 0}, {0, 0});
  CreateCircularBuffer(program, cores, OnePageCb());
  std::vector<uint32_t> compile_args = {2, 4};
  TensorAccessorArgs(*out).append_to(compile_args);
  KernelHandle kernel = CreateKernel(program, path, cores,
                                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                                        .noc = NOC::RISCV_1_default,
                                                        .compile_args = compile_args,
                                                        .defines = {{"VALUE", "0x10"}}});
  SetRuntimeArgs(program, kernel, cores, {out->address(), 3});
  distributed::MeshCommandQueue& cq = mesh->mesh_command_queue();
  distributed::MeshWorkload workload;
  workload.add_program(distributed::MeshCoordinateRange(mesh->shape()), std::move(program));
  distributed::EnqueueMeshWorkload(cq, workload, true);
  std::vector<uint32_t> words;
  distributed::EnqueueReadMeshBuffer(cq, words, out, true);
  ASSERT_GE(words.size(), 4u);
  EXPECT_EQ(words[0], 16u);
  EXPECT_EQ(words[1], 24u);
  EXPECT_EQ(words[2], 0u);
  EXPECT_EQ(words[3], 3u);
}

TEST(MetalKernelsTest, KernelFoundThroughTheEnvironmentRoot) {
  KernelDir dir;
  fs::create_directories(dir.path / "kernels");
  dir.Write("kernels/report.cpp", kReportKernel);
  ScopedEnv root("TILESIM_KERNEL_ROOT", dir.path.string());
  const std::vector<uint32_t> words = RunReportSingleDevice(
      "kernels/report.cpp", DataMovementConfig{.compile_args = {0, 9}, .defines = {{"VALUE", "1"}}}, 0);
  ASSERT_GE(words.size(), 2u);
  EXPECT_EQ(words[1], 9u);
}

TEST(MetalKernelsTest, CompileErrorNamesTheKernelFileAndLine) {
  KernelDir dir;
  const std::string path = dir.Write("broken.cpp",
                                     "#include \"api/dataflow/dataflow_api.h\"\n"
                                     "void kernel_main() {\n"
                                     "    uint32_t x = no_such_function(1);\n"
                                     "}\n");
  Program program = CreateProgram();
  try {
    CreateKernel(program, path, CoreCoord{0, 0}, DataMovementConfig{});
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("broken.cpp:3"), std::string::npos) << message;
    EXPECT_NE(message.find("no_such_function"), std::string::npos) << message;
  }
}

TEST(MetalKernelsTest, MissingDefineIsACompileErrorNotACrash) {
  KernelDir dir;
  const std::string path = dir.Write("report.cpp", kReportKernel);
  Program program = CreateProgram();
  std::vector<uint32_t> args = {1, 2};
  TensorAccessorArgs::create_dram_interleaved().append_to(args);
  // VALUE is not defined: the kernel names an unknown identifier.
  EXPECT_THROW(CreateKernel(program, path, CoreCoord{0, 0}, DataMovementConfig{.compile_args = args}), ApiError);
}

TEST(MetalKernelsTest, DataMovementKernelRefusesComputeConfig) {
  KernelDir dir;
  const std::string path = dir.Write("report.cpp", kReportKernel);
  Program program = CreateProgram();
  std::vector<uint32_t> args = {1, 2};
  TensorAccessorArgs::create_dram_interleaved().append_to(args);
  // Compiled for the compute TRISCs, the NoC calls are not available.
  EXPECT_THROW(CreateKernel(program, path, CoreCoord{0, 0},
                            ComputeConfig{.compile_args = args, .defines = {{"VALUE", "1"}}}),
               ApiError);
}

}  // namespace
}  // namespace tilesim::metal
