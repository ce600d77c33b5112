// Host API: cores, buffers and their interleaved layout, circular buffers, kernels, runtime args, errors.
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>

#include <gtest/gtest.h>

#include "runtime/host/host_internal.h"
#include "tests/runtime/test_kernels.h"
#include "tilesim/compiler.h"
#include "tilesim/host.h"

namespace tilesim {
namespace {

using testing::DeviceFixture;

TEST(CoreRangeTest, CountsContainsAndRejectsOverlap) {
  CoreRangeSet set({CoreRange({0, 0}, {3, 1}), CoreRange({0, 2}, {0, 2})});
  EXPECT_EQ(set.num_cores(), 9u);
  EXPECT_TRUE(set.contains({3, 1}));
  EXPECT_TRUE(set.contains({0, 2}));
  EXPECT_FALSE(set.contains({1, 2}));
  EXPECT_THROW(CoreRangeSet({CoreRange({0, 0}, {2, 2}), CoreRange({2, 2}, {3, 3})}), ApiError);
  EXPECT_THROW(CoreRange({2, 0}, {1, 0}), ApiError);
}

TEST(CoreRangeTest, SplitWorkMatchesHandCount) {
  // 100 units on 64 cores: 36 cores take 2, 28 take 1 (36 * 2 + 28 = 100).
  const WorkSplit split = split_work_to_cores({8, 8}, 100);
  EXPECT_EQ(split.num_cores, 64u);
  EXPECT_EQ(split.core_group_1.num_cores(), 36u);
  EXPECT_EQ(split.core_group_2.num_cores(), 28u);
  EXPECT_EQ(split.units_per_core_group_1, 2u);
  EXPECT_EQ(split.units_per_core_group_2, 1u);
  EXPECT_TRUE(split.core_group_1.contains({3, 4}));  // core 35 in row-major order
  EXPECT_TRUE(split.core_group_2.contains({4, 4}));  // core 36
  // Fewer units than cores: one each, the rest idle.
  const WorkSplit small = split_work_to_cores({8, 8}, 5);
  EXPECT_EQ(small.num_cores, 5u);
  EXPECT_EQ(small.all_cores.num_cores(), 5u);
  EXPECT_EQ(small.units_per_core_group_1, 1u);
}

TEST(BufferTest, AllocationsAreAlignedAndDisjoint) {
  DeviceFixture d;
  auto a = CreateBuffer({d.device, 25 * 64, 64, BufferType::DRAM});
  auto b = CreateBuffer({d.device, 2048, 2048, BufferType::DRAM});
  EXPECT_EQ(a->address() % kBufferAlignment, 0u);
  EXPECT_EQ(b->address() % kBufferAlignment, 0u);
  // 25 pages over 12 banks: 3 pages (192 bytes) per bank.
  EXPECT_GE(b->address(), a->address() + 3 * 64);
  EXPECT_EQ(a->num_pages(), 25u);
  EXPECT_EQ(a->num_banks(), 12u);
}

TEST(BufferTest, BadConfigsAndExhaustionAreReported) {
  DeviceOptions options;
  options.dram_bank_size = 1 << 20;
  DeviceFixture d(options);
  EXPECT_THROW(CreateBuffer({d.device, 1000, 64, BufferType::DRAM}), ApiError);  // not a multiple
  EXPECT_THROW(CreateBuffer({d.device, 0, 64, BufferType::DRAM}), ApiError);
  EXPECT_THROW(CreateBuffer({nullptr, 64, 64, BufferType::DRAM}), ApiError);
  try {
    CreateBuffer({d.device, uint64_t{64} << 20, 2048, BufferType::DRAM});  // 5.4 MiB per bank of 1 MiB
    FAIL() << "expected AllocationError";
  } catch (const AllocationError& e) {
    EXPECT_NE(std::string(e.what()).find("out of DRAM"), std::string::npos) << e.what();
  }
}

TEST(BufferTest, FreedMemoryIsReused) {
  DeviceFixture d;
  uint32_t first = 0;
  {
    auto a = CreateBuffer({d.device, 4096, 2048, BufferType::DRAM});
    first = a->address();
  }
  auto b = CreateBuffer({d.device, 4096, 2048, BufferType::DRAM});
  EXPECT_EQ(b->address(), first);
}

TEST(BufferTest, L1BuffersGrowDownFromTheTopOfL1) {
  DeviceFixture d;
  auto a = CreateBuffer({d.device, 64 * 1024, 1024, BufferType::L1});  // 64 pages over 64 cores: 1 KiB each
  EXPECT_EQ(a->num_banks(), 64u);
  EXPECT_EQ(a->address(), d->l1_size_per_core() - 1024);
}

// page i -> bank i % banks at address + (i / banks) * page_size, checked in the emulator's memories.
TEST(BufferTest, DramInterleavingPlacesPagesRoundRobin) {
  DeviceFixture d;
  const uint32_t pages = 25, page_size = 64;
  auto buffer = CreateBuffer({d.device, pages * page_size, page_size, BufferType::DRAM});
  std::vector<uint32_t> data(pages * page_size / 4);
  std::iota(data.begin(), data.end(), 1000u);
  EnqueueWriteBuffer(d->command_queue(), buffer, data, true);
  std::vector<uint32_t> back;
  EnqueueReadBuffer(d->command_queue(), buffer, back, true);
  EXPECT_EQ(back, data);
  emu::Device& emulator = *d->impl().emulator;
  for (uint32_t page = 0; page < pages; ++page) {
    std::vector<uint32_t> word(page_size / 4);
    emulator.ReadDram(page % 12, buffer->address() + (page / 12) * page_size,
                      std::span(reinterpret_cast<uint8_t*>(word.data()), page_size));
    EXPECT_EQ(word[0], 1000u + page * page_size / 4) << "page " << page;
  }
}

TEST(BufferTest, L1InterleavingUsesCoresInRowMajorOrder) {
  DeviceOptions options;
  options.grid_x = 3;
  options.grid_y = 2;
  DeviceFixture d(options);
  const uint32_t pages = 8, page_size = 32;
  auto buffer = CreateBuffer({d.device, pages * page_size, page_size, BufferType::L1});
  std::vector<uint32_t> data(pages * page_size / 4);
  std::iota(data.begin(), data.end(), 0u);
  EnqueueWriteBuffer(d->command_queue(), buffer, data, true);
  // Page 7 -> bank 1 = core (x=1, y=0), second slot.
  uint32_t word = 0;
  d->impl().emulator->ReadL1(emu::CoreCoord{1, 0}, buffer->address() + page_size,
                             std::span(reinterpret_cast<uint8_t*>(&word), 4));
  EXPECT_EQ(word, 7u * page_size / 4);
  std::vector<uint32_t> back;
  EnqueueReadBuffer(d->command_queue(), buffer, back, true);
  EXPECT_EQ(back, data);
}

TEST(BufferTest, HostVectorSizeMustMatch) {
  DeviceFixture d;
  auto buffer = CreateBuffer({d.device, 2048, 2048, BufferType::DRAM});
  std::vector<uint8_t> small(100);
  EXPECT_THROW(EnqueueWriteBuffer(d->command_queue(), buffer, small, true), ApiError);
}

TEST(CircularBufferTest, AddressesStackUpFromTheBase) {
  Program program = CreateProgram();
  CBHandle a =
      CreateCircularBuffer(program, CoreCoord{0, 0},
                           CircularBufferConfig(2 * 2048, {{c_0, DataFormat::Float16_b}}).set_page_size(c_0, 2048));
  CBHandle b =
      CreateCircularBuffer(program, CoreRange({0, 0}, {1, 0}),
                           CircularBufferConfig(100 * 16, {{c_1, DataFormat::Float32}}).set_page_size(c_1, 16 * 10));
  CBHandle c = CreateCircularBuffer(program, CoreCoord{1, 0},
                                    CircularBufferConfig(4096, {{c_2, DataFormat::Float32}}).set_page_size(c_2, 4096));
  EXPECT_EQ(GetCircularBufferAddress(program, a), kL1CircularBufferBase);
  EXPECT_EQ(GetCircularBufferAddress(program, b), kL1CircularBufferBase + 4096);  // above a on core (0, 0)
  // b ends at base + 4096 + 1600 on core (1, 0); c starts at the next 32-byte boundary.
  EXPECT_EQ(GetCircularBufferAddress(program, c), kL1CircularBufferBase + 4096 + 1600 + 0);
  EXPECT_EQ((kL1CircularBufferBase + 4096 + 1600) % 32, 0u);
}

TEST(CircularBufferTest, ReusedIndexAndBadSizesAreRejected) {
  Program program = CreateProgram();
  auto config = CircularBufferConfig(4096, {{c_3, DataFormat::Float16_b}}).set_page_size(c_3, 2048);
  CreateCircularBuffer(program, CoreRange({0, 0}, {1, 1}), config);
  EXPECT_THROW(CreateCircularBuffer(program, CoreCoord{1, 1}, config), ApiError);  // overlaps on (1, 1)
  EXPECT_NO_THROW(CreateCircularBuffer(program, CoreCoord{2, 2}, config));
  EXPECT_THROW(
      CreateCircularBuffer(program, CoreCoord{3, 3},
                           CircularBufferConfig(3000, {{c_4, DataFormat::Float16_b}}).set_page_size(c_4, 2048)),
      ApiError);  // not a multiple of the page size
  EXPECT_THROW(
      CreateCircularBuffer(program, CoreCoord{3, 3}, CircularBufferConfig(4096, {{c_4, DataFormat::Float16_b}})),
      ApiError);  // no page size
  EXPECT_THROW(CreateCircularBuffer(program, CoreCoord{3, 3},
                                    CircularBufferConfig(4096, {{c_4, DataFormat::Bfp8_b}}).set_page_size(c_4, 1088)),
               ApiError);  // not emulated
}

TEST(CircularBufferTest, TooLargeForL1FailsAtEnqueue) {
  DeviceFixture d;
  Program program = CreateProgram();
  CreateCircularBuffer(
      program, CoreCoord{0, 0},
      CircularBufferConfig(d->l1_size_per_core(), {{c_0, DataFormat::Float16_b}}).set_page_size(c_0, 2048));
  CreateKernel(program, testing::EmptyKernel(), CoreCoord{0, 0}, DataMovementConfig{});
  try {
    EnqueueProgram(d->command_queue(), program, true);
    FAIL() << "expected AllocationError";
  } catch (const AllocationError& e) {
    EXPECT_NE(std::string(e.what()).find("beyond L1"), std::string::npos) << e.what();
  }
}

TEST(CircularBufferTest, OverlappingAnL1BufferFailsAtEnqueue) {
  DeviceFixture d;
  auto l1 = CreateBuffer({d.device, 64 * 256 * 1024, 256 * 1024, BufferType::L1});  // top 256 KiB of each core
  Program program = CreateProgram();
  const uint32_t free_l1 = l1->address() - kL1CircularBufferBase;
  CreateCircularBuffer(program, CoreCoord{0, 0},
                       CircularBufferConfig(free_l1 + 2048, {{c_0, DataFormat::Float16_b}}).set_page_size(c_0, 2048));
  CreateKernel(program, testing::EmptyKernel(), CoreCoord{0, 0}, DataMovementConfig{});
  try {
    EnqueueProgram(d->command_queue(), program, true);
    FAIL() << "expected AllocationError";
  } catch (const AllocationError& e) {
    EXPECT_NE(std::string(e.what()).find("overlapping the L1 buffers"), std::string::npos) << e.what();
  }
}

// Each core writes its runtime args and the common args to its own page; the host reads them back.
TEST(RuntimeArgsTest, EachCoreSeesItsOwnArgsAndTheCommonOnes) {
  DeviceFixture d;
  auto out = CreateBuffer({d.device, 2 * 64 * 64, 64, BufferType::DRAM});  // page y * 64 + x per core
  Program program = CreateProgram();
  const CoreRange cores({0, 0}, {1, 1});
  CreateCircularBuffer(program, cores, CircularBufferConfig(64, {{c_0, DataFormat::Float32}}).set_page_size(c_0, 64));
  KernelHandle k = CreateKernel(program, testing::ArgsDumpKernel(3, 2), cores, DataMovementConfig{});
  for (const CoreCoord& core : corerange_to_cores(cores)) {
    SetRuntimeArgs(program, k, core, {out->address(), uint32_t(core.x), uint32_t(core.y), 77});
  }
  GetRuntimeArgs(program, k, CoreCoord{1, 1})[3] = 99;  // edited in place, as tt-metal allows
  SetCommonRuntimeArgs(program, k, {5, 6});
  EnqueueProgram(d->command_queue(), program, true);
  std::vector<uint32_t> words;
  EnqueueReadBuffer(d->command_queue(), out, words, true);
  for (const CoreCoord& core : corerange_to_cores(cores)) {
    const size_t page = core.y * 64 + core.x;
    const uint32_t* w = &words[page * 16];
    EXPECT_EQ(w[0], core.x);
    EXPECT_EQ(w[1], core.y);
    EXPECT_EQ(w[2], (core == CoreCoord{1, 1}) ? 99u : 77u);
    EXPECT_EQ(w[3], 5u);
    EXPECT_EQ(w[4], 6u);
  }
}

TEST(RuntimeArgsTest, CoreWithoutTheKernelIsRejected) {
  Program program = CreateProgram();
  KernelHandle k = CreateKernel(program, testing::EmptyKernel(), CoreCoord{0, 0}, DataMovementConfig{});
  EXPECT_THROW(SetRuntimeArgs(program, k, CoreCoord{1, 0}, {1}), ApiError);
  EXPECT_THROW(SetRuntimeArgs(program, k + 1, CoreCoord{0, 0}, {1}), ApiError);
}

TEST(KernelTest, ConfigMustMatchTheKernelKind) {
  Program program = CreateProgram();
  kir::KernelBuilder compute("c", KernelRole::Compute);
  kir::Kernel compute_kernel = compute.Build();
  EXPECT_THROW(CreateKernel(program, compute_kernel, CoreCoord{0, 0}, DataMovementConfig{}), ApiError);
  EXPECT_THROW(CreateKernel(program, testing::EmptyKernel(), CoreCoord{0, 0}, ComputeConfig{}), ApiError);
}

TEST(KernelTest, OneKernelPerProcessorPerCore) {
  Program program = CreateProgram();
  CreateKernel(program, testing::EmptyKernel(), CoreRange({0, 0}, {1, 0}), DataMovementConfig{});
  EXPECT_THROW(CreateKernel(program, testing::EmptyKernel(), CoreCoord{1, 0}, DataMovementConfig{}), ApiError);
  // The same kernel on the other RISC is fine.
  EXPECT_NO_THROW(CreateKernel(program, testing::EmptyKernel(), CoreCoord{1, 0},
                               DataMovementConfig{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default}));
}

TEST(KernelTest, CompileErrorsNameTheKernel) {
  kir::KernelBuilder k("needs_args", KernelRole::DataMovement0);
  k.let("x", kir::KernelBuilder::compile_time_arg(2));
  Program program = CreateProgram();
  try {
    CreateKernel(program, k.Build(), CoreCoord{0, 0}, DataMovementConfig{.compile_args = {1}});
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    EXPECT_NE(std::string(e.what()).find("needs_args"), std::string::npos) << e.what();
  }
}

TEST(KernelTest, LoadsCompiledBytecodeFiles) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("tilesim_host_api_test_" + std::to_string(::getpid()) + ".tsb"))
          .string();
  bc::SaveToFile(compiler::LowerToBytecode(testing::EmptyKernel()), path);
  Program program = CreateProgram();
  EXPECT_NO_THROW(CreateKernel(program, path, CoreCoord{0, 0}, DataMovementConfig{}));
  EXPECT_THROW(CreateKernel(program, path, CoreCoord{1, 0}, DataMovementConfig{.compile_args = {1}}), ApiError);
  EXPECT_THROW(CreateKernel(program, path + ".missing", CoreCoord{2, 0}, DataMovementConfig{}), ApiError);
  std::filesystem::remove(path);
}

TEST(SemaphoreTest, IdsAreTheLowestFreeAndInitialValuesAreSet) {
  DeviceFixture d;
  Program program = CreateProgram();
  EXPECT_EQ(CreateSemaphore(program, CoreCoord{0, 0}, 11), 0u);
  EXPECT_EQ(CreateSemaphore(program, CoreRange({0, 0}, {1, 0}), 22), 1u);
  EXPECT_EQ(CreateSemaphore(program, CoreCoord{1, 0}, 33), 0u);
  // The kernel on (0, 0) reports semaphores 0 and 1 through the args dump path.
  kir::KernelBuilder k("sem_dump", KernelRole::DataMovement0);
  kir::Expr dst = k.let("dst", k.get_arg_val(0u));
  k.cb_reserve_back(0, 1);
  kir::Expr l1 = k.get_write_ptr(0);
  k.store32(l1, k.load32(k.get_semaphore(0u)));
  k.store32(l1 + 4u, k.load32(k.get_semaphore(1u)));
  k.noc_async_write(l1, k.get_noc_addr_interleaved(0u, dst, 64u, 1u, 0u), 64u);
  k.noc_async_write_barrier();
  auto out = CreateBuffer({d.device, 64, 64, BufferType::DRAM});
  CreateCircularBuffer(program, CoreCoord{0, 0},
                       CircularBufferConfig(64, {{c_0, DataFormat::Float32}}).set_page_size(c_0, 64));
  KernelHandle kernel = CreateKernel(program, k.Build(), CoreCoord{0, 0}, DataMovementConfig{});
  SetRuntimeArgs(program, kernel, CoreCoord{0, 0}, {out->address()});
  EnqueueProgram(d->command_queue(), program, true);
  std::vector<uint32_t> words;
  EnqueueReadBuffer(d->command_queue(), out, words, true);
  EXPECT_EQ(words[0], 11u);
  EXPECT_EQ(words[1], 22u);
}

TEST(RunErrorTest, DeadlockIsReportedWithTheBlockedCall) {
  DeviceFixture d;
  Program program = CreateProgram();
  CreateCircularBuffer(program, CoreCoord{0, 0},
                       CircularBufferConfig(2048, {{c_0, DataFormat::Float16_b}}).set_page_size(c_0, 2048));
  kir::KernelBuilder k("starved", KernelRole::Compute);
  k.cb_wait_front(0, 1);  // nobody ever pushes
  CreateKernel(program, k.Build(), CoreCoord{0, 0}, ComputeConfig{});
  try {
    EnqueueProgram(d->command_queue(), program, true);
    FAIL() << "expected RunError";
  } catch (const RunError& e) {
    EXPECT_EQ(e.failure(), RunFailure::Deadlock);
    EXPECT_NE(std::string(e.what()).find("cb_wait_front"), std::string::npos) << e.what();
  }
}

TEST(RunErrorTest, ProgramOutsideTheGridIsRejected) {
  DeviceOptions options;
  options.grid_x = 2;
  options.grid_y = 2;
  DeviceFixture d(options);
  Program program = CreateProgram();
  CreateKernel(program, testing::EmptyKernel(), CoreCoord{2, 0}, DataMovementConfig{});
  EXPECT_THROW(EnqueueProgram(d->command_queue(), program, true), ApiError);
}

TEST(DeviceTest, OpenCloseAndBadOptions) {
  Device* a = CreateDevice(7);
  EXPECT_THROW(CreateDevice(7), ApiError);  // already open
  EXPECT_TRUE(CloseDevice(a));
  EXPECT_FALSE(CloseDevice(a));
  DeviceOptions bad;
  bad.l1_size = 1000;
  EXPECT_THROW(CreateDevice(8, bad), ApiError);
  bad = DeviceOptions{};
  bad.grid_x = 0;
  EXPECT_THROW(CreateDevice(8, bad), ApiError);
}

TEST(HostDataTest, RandomUniformFollowsSplitMix64) {
  // splitmix64's first output for seed 0 is 0xe220a8397b1dcdaf; its top 24 bits give the unit value.
  const double unit = static_cast<double>(0xe220a8) / 16777216.0;
  const std::vector<float> v = RandomUniform(3, 0, -1.0f, 1.0f);
  EXPECT_EQ(v[0], static_cast<float>(-1.0 + 2.0 * unit));
  EXPECT_EQ(RandomUniform(3, 0), v);        // same seed, same values
  EXPECT_NE(RandomUniform(3, 1)[0], v[0]);  // another seed, other values
}

TEST(HostDataTest, RandomNormalHasTheRequestedMoments) {
  const std::vector<float> v = RandomNormal(200000, 42, 3.0f, 2.0f);
  double sum = 0, sq = 0;
  for (float x : v) sum += x;
  const double mean = sum / v.size();
  for (float x : v) sq += (x - mean) * (x - mean);
  EXPECT_NEAR(mean, 3.0, 0.02);
  EXPECT_NEAR(std::sqrt(sq / v.size()), 2.0, 0.02);
}

TEST(HostDataTest, Bfloat16ConversionRoundsToNearestEven) {
  // 1 + 2^-8 is halfway between bf16 1 and 1 + 2^-7: ties go to the even mantissa (1).
  const std::vector<float> in = {1.0f + 1.0f / 256, 1.0f + 3.0f / 256, -2.5f};
  const std::vector<float> out = ToFloat(ToBfloat16(in));
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], 1.0f + 4.0f / 256);
  EXPECT_EQ(out[2], -2.5f);
}

}  // namespace
}  // namespace tilesim
