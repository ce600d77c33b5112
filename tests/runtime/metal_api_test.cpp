// tilesim::metal without kernel sources: finding kernel files, TensorAccessorArgs, the Mesh API and the
// single-device API over Kernel IR kernels, configs tilesim refuses, bfloat16 helpers, tt::tt_metal names.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tilesim/kernel_builder.h"
#include "tilesim/metal/tt_metal.hpp"

namespace tilesim::metal {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test process, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("tilesim_metal_api_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path Touch(const std::string& relative) const {
    const fs::path file = path / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << "void kernel_main() {}\n";
    return file;
  }
};

// Closes the device when the test ends, pass or fail.
struct OpenDevice {
  IDevice* device = CreateDevice(0);
  ~OpenDevice() { CloseDevice(device); }
};

// Environment variables of the search path, cleared for the test and restored after.
struct CleanKernelEnvironment {
  std::string saved[2];
  bool had[2] = {false, false};
  static constexpr const char* kNames[2] = {"TILESIM_KERNEL_ROOT", "TT_METAL_HOME"};
  CleanKernelEnvironment() {
    for (int i = 0; i < 2; ++i) {
      if (const char* value = std::getenv(kNames[i])) {
        had[i] = true;
        saved[i] = value;
      }
      ::unsetenv(kNames[i]);
    }
  }
  ~CleanKernelEnvironment() {
    for (int i = 0; i < 2; ++i) {
      if (had[i]) {
        ::setenv(kNames[i], saved[i].c_str(), 1);
      } else {
        ::unsetenv(kNames[i]);
      }
    }
  }
};

// Copies `pages` pages of `page_size` bytes from the DRAM buffer at arg 0 to the one at arg 1 through CB 0.
kir::Kernel CopyKernel(uint32_t page_size) {
  kir::KernelBuilder k("copy", KernelRole::DataMovement0);
  kir::Expr src = k.let("src", k.get_arg_val(0u));
  kir::Expr dst = k.let("dst", k.get_arg_val(1u));
  kir::Expr pages = k.let("pages", k.get_arg_val(2u));
  k.for_("i", 0u, pages, [&](kir::Expr i) {
    k.cb_reserve_back(0u, 1u);
    kir::Expr l1 = k.get_write_ptr(0u);
    k.noc_async_read(k.get_noc_addr_interleaved(i, src, page_size, 1u, 0u), l1, page_size);
    k.noc_async_read_barrier();
    k.noc_async_write(l1, k.get_noc_addr_interleaved(i, dst, page_size, 1u, 0u), page_size);
    k.noc_async_write_barrier();
  });
  return k.Build();
}

CircularBufferConfig OnePageCb(uint32_t page_size) {
  return CircularBufferConfig(page_size, {{CBIndex::c_0, DataFormat::Float16_b}}).set_page_size(CBIndex::c_0, page_size);
}

// ---- Kernel files ----

TEST(MetalKernelPathTest, FindsKernelNextToCallerSource) {
  CleanKernelEnvironment env;
  TempDir dir;
  const fs::path kernel = dir.Touch("sample/kernels/reader.cpp");
  EXPECT_EQ(ResolveKernelPath("kernels/reader.cpp", (dir.path / "sample/host.cpp").string()), kernel);
}

TEST(MetalKernelPathTest, FindsKernelRelativeToAnAncestorOfCallerSource) {
  CleanKernelEnvironment env;
  TempDir dir;
  // tt-metal's examples name kernels from the examples root: "matmul/common/kernels/...".
  const fs::path kernel = dir.Touch("matmul/common/kernels/bmm.cpp");
  EXPECT_EQ(ResolveKernelPath("matmul/common/kernels/bmm.cpp", (dir.path / "matmul/single/host.cpp").string()),
            kernel);
}

TEST(MetalKernelPathTest, EnvironmentRootWinsOverCallerDirectory) {
  CleanKernelEnvironment env;
  TempDir dir;
  const fs::path from_root = dir.Touch("root/kernels/k.cpp");
  dir.Touch("host/kernels/k.cpp");
  ::setenv("TT_METAL_HOME", (dir.path / "root").c_str(), 1);
  EXPECT_EQ(ResolveKernelPath("kernels/k.cpp", (dir.path / "host/host.cpp").string()), from_root);
}

TEST(MetalKernelPathTest, MissingFileNamesThePathAndEveryPlaceSearched) {
  CleanKernelEnvironment env;
  TempDir dir;
  ::setenv("TILESIM_KERNEL_ROOT", (dir.path / "root").c_str(), 1);
  try {
    ResolveKernelPath("kernels/missing.cpp", (dir.path / "host/host.cpp").string());
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'kernels/missing.cpp' not found"), std::string::npos) << message;
    EXPECT_NE(message.find((dir.path / "root/kernels/missing.cpp").string() + " (TILESIM_KERNEL_ROOT)"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find((dir.path / "host/kernels/missing.cpp").string() + " (next to host.cpp)"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("(current directory)"), std::string::npos) << message;
  }
}

TEST(MetalKernelPathTest, CreateKernelSearchesNextToTheCallingSourceFile) {
  CleanKernelEnvironment env;
  Program program = CreateProgram();
  try {
    CreateKernel(program, "no_such_dir/no_such_kernel.cpp", CoreCoord{0, 0}, DataMovementConfig{});
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    // The default std::source_location argument captured this test's file.
    EXPECT_NE(std::string(e.what()).find("(next to metal_api_test.cpp)"), std::string::npos) << e.what();
  }
}

TEST(MetalKernelPathTest, AbsoluteMissingPathIsReported) {
  EXPECT_THROW(ResolveKernelPath("/nonexistent/tilesim/kernel.cpp"), ApiError);
  EXPECT_THROW(ResolveKernelPath(""), ApiError);
}

// ---- TensorAccessorArgs ----

TEST(MetalTensorAccessorArgsTest, EncodesMemoryAndPageSizeAndChains) {
  OpenDevice open;
  Device* device = open.device;
  auto dram = CreateBuffer({device, 8 * 2048, 2048, BufferType::DRAM});
  auto l1 = CreateBuffer({device, 64 * 1024, 1024, BufferType::L1});
  std::vector<uint32_t> args = {99};  // an argument before the accessors keeps its place
  TensorAccessorArgs(*dram).append_to(args);
  TensorAccessorArgs(l1).append_to(args);
  EXPECT_EQ(args, (std::vector<uint32_t>{99, 2, 2048, 0, 1024}));
  EXPECT_EQ(TensorAccessorArgs::create_dram_interleaved().get_compile_time_args(), (std::vector<uint32_t>{2, 0}));
  EXPECT_TRUE(TensorAccessorArgs(dram).get_common_runtime_args().empty());
  EXPECT_THROW(TensorAccessorArgs(static_cast<const Buffer*>(nullptr)), ApiError);
}

TEST(MetalTensorAccessorArgsTest, MeshBufferEncodesAsItsDeviceBuffer) {
  auto mesh = distributed::MeshDevice::create_unit_mesh(0);
  auto buffer = distributed::MeshBuffer::create({.size = 4 * 4096}, {.page_size = 4096, .buffer_type = BufferType::DRAM},
                                                mesh.get());
  EXPECT_EQ(TensorAccessorArgs(buffer).get_compile_time_args(), (std::vector<uint32_t>{2, 4096}));
  EXPECT_EQ(TensorAccessorArgs(*buffer).get_compile_time_args(),
            TensorAccessorArgs(*buffer->get_backing_buffer()).get_compile_time_args());
}

// ---- Mesh API ----

TEST(MetalMeshApiTest, WorkloadCopiesABufferBitForBit) {
  DeviceOptions options;
  options.threads = 2;
  auto mesh = distributed::MeshDevice::create_unit_mesh(0, options);
  EXPECT_EQ(mesh->num_devices(), 1u);
  EXPECT_EQ(mesh->compute_with_storage_grid_size(), (CoreCoord{8, 8}));
  distributed::MeshCommandQueue& cq = mesh->mesh_command_queue();
  constexpr uint32_t page = 2048, pages = 5;
  distributed::DeviceLocalBufferConfig dram{.page_size = page, .buffer_type = BufferType::DRAM};
  auto src = distributed::MeshBuffer::create({.size = page * pages}, dram, mesh.get());
  auto dst = distributed::MeshBuffer::create({.size = page * pages}, dram, mesh.get());

  Program program = CreateProgram();
  const CoreCoord core{2, 3};
  CreateCircularBuffer(program, core, OnePageCb(page));
  KernelHandle copy = CreateKernel(program, CopyKernel(page), core, DataMovementConfig{});
  SetRuntimeArgs(program, copy, core, {src->address(), dst->address(), pages});

  std::vector<uint32_t> input(page * pages / 4);
  for (uint32_t i = 0; i < input.size(); ++i) input[i] = i * 2654435761u;
  distributed::EnqueueWriteMeshBuffer(cq, src, input, false);
  distributed::MeshWorkload workload = distributed::CreateMeshWorkload();
  distributed::AddProgramToMeshWorkload(workload, std::move(program), distributed::MeshCoordinateRange(mesh->shape()));
  distributed::EnqueueMeshWorkload(cq, workload, false);
  distributed::Finish(cq);
  std::vector<uint32_t> output;
  distributed::ReadShard(cq, output, dst, distributed::MeshCoordinate(0, 0), true);
  EXPECT_EQ(output, input);
  EXPECT_TRUE(mesh->close());
  EXPECT_FALSE(mesh->close());
}

TEST(MetalMeshApiTest, ClosedMeshRefusesFurtherUse) {
  auto mesh = distributed::MeshDevice::create_unit_mesh(0);
  auto buffer = distributed::MeshBuffer::create({.size = 2048}, {.page_size = 2048, .buffer_type = BufferType::DRAM},
                                                mesh.get());
  distributed::MeshCommandQueue& cq = mesh->mesh_command_queue();
  mesh->close();
  EXPECT_EQ(buffer->device(), nullptr);
  EXPECT_THROW(mesh->mesh_command_queue(), ApiError);
  std::vector<uint32_t> data(512);
  EXPECT_THROW(distributed::EnqueueWriteMeshBuffer(cq, buffer, data), ApiError);
  EXPECT_THROW(distributed::MeshBuffer::create({.size = 2048}, {.page_size = 2048}, mesh.get()), ApiError);
  // The id is free again.
  auto reopened = distributed::MeshDevice::create_unit_mesh(0);
  EXPECT_EQ(reopened->id(), 0);
}

TEST(MetalMeshApiTest, WorkloadRangesMustFitTheMeshAndNotOverlap) {
  auto mesh = distributed::MeshDevice::create_unit_mesh(0);
  distributed::MeshCommandQueue& cq = mesh->mesh_command_queue();
  distributed::MeshWorkload empty;
  EXPECT_THROW(distributed::EnqueueMeshWorkload(cq, empty, true), ApiError);

  distributed::MeshWorkload outside;
  outside.add_program({distributed::MeshCoordinate(0, 0), distributed::MeshCoordinate(0, 1)}, CreateProgram());
  EXPECT_THROW(distributed::EnqueueMeshWorkload(cq, outside, true), ApiError);

  distributed::MeshWorkload twice;
  twice.add_program(distributed::MeshCoordinateRange(mesh->shape()), CreateProgram());
  EXPECT_THROW(twice.add_program(distributed::MeshCoordinateRange(mesh->shape()), CreateProgram()), ApiError);
  EXPECT_THROW(distributed::MeshCoordinateRange(distributed::MeshCoordinate(1, 1), distributed::MeshCoordinate(0, 0)),
               ApiError);
}

TEST(MetalMeshApiTest, OnlyUnitMeshesAndOneQueueExist) {
  EXPECT_THROW(distributed::MeshDevice::create(distributed::MeshDeviceConfig(distributed::MeshShape(2, 4))), ApiError);
  EXPECT_THROW(distributed::MeshDevice::create_unit_mesh(0, 0, 0, 2), ApiError);
  auto meshes = distributed::MeshDevice::create_unit_meshes({0, 1});
  ASSERT_EQ(meshes.size(), 2u);
  EXPECT_EQ(meshes.at(1)->id(), 1);
  EXPECT_THROW(meshes.at(0)->mesh_command_queue(1), ApiError);
  EXPECT_THROW(meshes.at(0)->get_device(distributed::MeshCoordinate(0, 1)), ApiError);
  EXPECT_THROW(distributed::MeshDevice::create_unit_mesh(1), ApiError);  // already open
}

TEST(MetalMeshApiTest, VectorTransfersMustMatchTheBufferSize) {
  auto mesh = distributed::MeshDevice::create_unit_mesh(0);
  distributed::MeshCommandQueue& cq = mesh->mesh_command_queue();
  auto buffer = distributed::MeshBuffer::create({.size = 4096}, {.page_size = 2048, .buffer_type = BufferType::DRAM},
                                                mesh.get());
  std::vector<bfloat16> too_small(1000);
  EXPECT_THROW(distributed::EnqueueWriteMeshBuffer(cq, buffer, too_small), ApiError);
  std::vector<bfloat16> right(2048, bfloat16(1.5f));
  distributed::EnqueueWriteMeshBuffer(cq, buffer, right);
  std::vector<bfloat16> back(3);
  distributed::EnqueueReadMeshBuffer(cq, back, buffer);  // resized to the buffer
  EXPECT_EQ(back, right);
  EXPECT_THROW(distributed::EnqueueWriteMeshBuffer(cq, std::shared_ptr<distributed::MeshBuffer>(), right), ApiError);
}

// ---- Single-device API and configs ----

TEST(MetalSingleDeviceTest, SlowDispatchHelpersRunAProgram) {
  OpenDevice open;
  IDevice* device = open.device;
  constexpr uint32_t page = 1024, pages = 3;
  auto src = CreateBuffer({device, page * pages, page, BufferType::DRAM});
  auto dst = CreateBuffer({device, page * pages, page, BufferType::DRAM});
  Program program = CreateProgram();
  const CoreRange cores({0, 0}, {0, 0});
  CreateCircularBuffer(program, cores, OnePageCb(page));
  KernelHandle copy = CreateKernel(program, CopyKernel(page), cores, WriterDataMovementConfig());
  SetRuntimeArgs(program, copy, cores, {src->address(), dst->address(), pages});
  std::vector<uint32_t> input(page * pages / 4);
  for (uint32_t i = 0; i < input.size(); ++i) input[i] = 7 * i + 1;
  detail::WriteToBuffer(src, input);
  detail::LaunchProgram(device, program);
  std::vector<uint32_t> output;
  detail::ReadFromBuffer(dst, output);
  EXPECT_EQ(output, input);
  EXPECT_THROW(detail::LaunchProgram(nullptr, program), ApiError);
  EXPECT_THROW(detail::WriteToBuffer(std::shared_ptr<Buffer>(), input), ApiError);
}

TEST(MetalConfigTest, ReaderAndWriterConfigsPickTheirProcessors) {
  const ReaderDataMovementConfig reader({1, 2}, {{"X", "1"}});
  EXPECT_EQ(reader.processor, DataMovementProcessor::RISCV_1);
  EXPECT_EQ(reader.noc, NOC::RISCV_1_default);
  EXPECT_EQ(reader.compile_args, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(reader.defines.at("X"), "1");
  const WriterDataMovementConfig writer;
  EXPECT_EQ(writer.processor, DataMovementProcessor::RISCV_0);
  EXPECT_EQ(writer.noc, NOC::RISCV_0_default);
}

TEST(MetalConfigTest, UnemulatedConfigsAreRefusedByName) {
  Program program = CreateProgram();
  const CoreCoord core{0, 0};
  auto message_of = [&](const KernelConfig& config) {
    try {
      CreateKernel(program, CopyKernel(64), core, config);
    } catch (const ApiError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message_of(DataMovementConfig{.noc_mode = NOC_MODE::DM_DYNAMIC_NOC}).find("DM_DYNAMIC_NOC"),
            std::string::npos);
  EXPECT_NE(message_of(DataMovementConfig{.named_compile_args = {{"n", 1}}}).find("named_compile_args"),
            std::string::npos);
  EXPECT_NE(message_of(DataMovementConfig{.defines = {{"N", "1"}}}).find("defines"), std::string::npos);
  kir::KernelBuilder compute("compute", KernelRole::Compute);
  try {
    CreateKernel(program, compute.Build(), core,
                 ComputeConfig{.unpack_to_dest_mode = {UnpackToDestMode::Default, UnpackToDestMode::UnpackToDestFp32}});
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    EXPECT_NE(std::string(e.what()).find("UnpackToDestFp32"), std::string::npos) << e.what();
  }
}

// ---- bfloat16 helpers ----

TEST(MetalBfloat16Test, PackingPutsTheFirstValueInTheLowHalf) {
  // bf16(1.0) = 0x3f80, bf16(-2.0) = 0xc000, bf16(0.5) = 0x3f00.
  const std::vector<uint32_t> packed = pack_bfloat16_vec_into_uint32_vec({bfloat16(1.0f), bfloat16(-2.0f), bfloat16(0.5f)});
  EXPECT_EQ(packed, (std::vector<uint32_t>{0xc0003f80u, 0x00003f00u}));
  const std::vector<bfloat16> doubled =
      unpack_uint32_vec_into_bfloat16_vec({0xc0003f80u}, [](const bfloat16& v) { return bfloat16(2 * v.to_float()); });
  ASSERT_EQ(doubled.size(), 2u);
  EXPECT_EQ(doubled[0].to_float(), 2.0f);
  EXPECT_EQ(doubled[1].to_float(), -4.0f);
  EXPECT_EQ(create_constant_vector_of_bfloat16(8, 1.0f), (std::vector<uint32_t>{0x3f803f80u, 0x3f803f80u}));
}

TEST(MetalBfloat16Test, RandomVectorsStayInRangeAndRepeatPerSeed) {
  const auto v = create_random_vector_of_bfloat16_native(2048, 2.0f, 5, -1.0f);
  ASSERT_EQ(v.size(), 1024u);
  for (const bfloat16& x : v) {
    EXPECT_GE(x.to_float(), -1.0f);
    EXPECT_LE(x.to_float(), 1.0f);  // rounding to bf16 may reach the open end
  }
  EXPECT_EQ(v, create_random_vector_of_bfloat16_native(2048, 2.0f, 5, -1.0f));
  EXPECT_NE(v, create_random_vector_of_bfloat16_native(2048, 2.0f, 6, -1.0f));
}

TEST(MetalBfloat16Test, PccAndClosenessMatchHandValues) {
  const std::vector<bfloat16> x = {bfloat16(1.0f), bfloat16(2.0f), bfloat16(3.0f), bfloat16(4.0f)};
  const std::vector<bfloat16> affine = {bfloat16(3.0f), bfloat16(5.0f), bfloat16(7.0f), bfloat16(9.0f)};  // 2x + 1
  const std::vector<bfloat16> negated = {bfloat16(-1.0f), bfloat16(-2.0f), bfloat16(-3.0f), bfloat16(-4.0f)};
  EXPECT_FLOAT_EQ(check_bfloat16_vector_pcc(x, affine), 1.0f);
  EXPECT_FLOAT_EQ(check_bfloat16_vector_pcc(x, negated), -1.0f);
  EXPECT_THROW(check_bfloat16_vector_pcc(x, {bfloat16(1.0f)}), ApiError);
  EXPECT_TRUE(is_close(100.0f, 100.5f));        // 0.5 <= 0.01 * 100.5
  EXPECT_FALSE(is_close(100.0f, 102.0f));       // 2 > 1.02
  EXPECT_TRUE(is_close(1e-6f, 2e-6f));          // absolute near zero
  EXPECT_FALSE(packed_uint32_t_vector_comparison({1}, {1, 2}, [](float, float) { return true; }));
}

// ---- tt::tt_metal names ----

TEST(MetalCompatTest, TtNamespacesNameTheSameThings) {
  using namespace tt;
  using namespace tt::tt_metal;
  static_assert(std::is_same_v<tt::tt_metal::Program, tilesim::Program>);
  static_assert(std::is_same_v<tt::tt_metal::distributed::MeshDevice, tilesim::metal::distributed::MeshDevice>);
  EXPECT_EQ(tt::CB::c_out0, tt::CBIndex::c_16);
  EXPECT_EQ(tt::CB::c_intermed0, 24);
  EXPECT_EQ(tt::tile_size(tt::DataFormat::Float16_b), 2048u);
  EXPECT_EQ(tt::tt_metal::detail::TileSize(tt::DataFormat::Float32), 4096u);
  EXPECT_EQ(tt::constants::TILE_HW, 1024u);
  EXPECT_EQ(tt::div_up(65, 32), 3u);
  auto [num_cores, all, g1, g2, per_core_1, per_core_2] = split_work_to_cores(CoreCoord{8, 8}, 100);
  EXPECT_EQ(num_cores, 64u);
  EXPECT_EQ(per_core_1 * g1.num_cores() + per_core_2 * g2.num_cores(), 100u);
  EXPECT_EQ(all.num_cores(), 64u);
}

TEST(MetalCompatTest, FatalMacrosFormatTheirMessage) {
  try {
    TT_FATAL(1 + 1 == 3, "sum {} of {} and {}", 2, "one", 1.5);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("1 + 1 == 3"), std::string::npos) << message;
    EXPECT_NE(message.find("sum 2 of one and 1.5"), std::string::npos) << message;
  }
  EXPECT_NO_THROW(TT_FATAL(true, "never"));
  EXPECT_THROW(TT_ASSERT(false), std::runtime_error);
  try {
    TT_THROW("literal {{braces}} and {}", 7);
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("literal {braces} and 7"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tilesim::metal
