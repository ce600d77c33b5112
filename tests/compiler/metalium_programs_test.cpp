// Whole programs from the good corpus, compiled by the Metalium front end and run with the host API: the
// data movement and compute kernels of element-wise, matmul, SFPU, loopback, Device 2.0 and multicast
// programs. Results are checked against scalar computations on the host.
#include <cmath>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "compiler/metalium_test_util.h"
#include "tilesim/tile.h"

namespace tilesim::metalium_test {
namespace {

constexpr uint32_t kTileBytes = 2048;  // bf16

kir::Kernel Compile(const std::string& name, KernelRole role, const std::vector<uint32_t>& compile_args,
                    std::map<std::string, std::string> defines = {}) {
  metalium::FrontEndOptions options;
  options.role = role;
  options.defines = std::move(defines);
  return metalium::ParseKernelFile(GoodKernel(name), options, compile_args);
}

std::vector<uint32_t> AccessorArgs(std::initializer_list<std::shared_ptr<Buffer>> buffers, std::vector<uint32_t> prefix = {}) {
  for (const auto& b : buffers) metalium::AppendInterleavedAccessorArgs(prefix, b->buffer_type() == BufferType::DRAM, b->page_size());
  return prefix;
}

std::vector<bfloat16> RandomTiles(uint32_t tiles, uint64_t seed, float low = -1.0f, float high = 1.0f) {
  return ToBfloat16(RandomUniform(tiles * kTileElements, seed, low, high));
}

// Runs reader (dm0), compute and writer (dm1) on core (0, 0) with CBs 0, 1 and 16 of two bf16 tiles each.
void RunThreeKernels(TestDevice& device, const kir::Kernel& reader, const std::vector<uint32_t>& reader_ct,
                     const std::vector<uint32_t>& reader_args, const kir::Kernel& compute, const std::vector<uint32_t>& compute_ct,
                     const std::vector<uint32_t>& compute_args, const kir::Kernel& writer, const std::vector<uint32_t>& writer_ct,
                     const std::vector<uint32_t>& writer_args) {
  Program program = CreateProgram();
  const CoreCoord core{0, 0};
  for (uint8_t cb : {uint8_t{0}, uint8_t{1}, uint8_t{16}}) MakeCb(program, core, cb, 2, kTileBytes);
  const KernelHandle r = CreateKernel(program, reader, core, DataMovementConfig{DataMovementProcessor::RISCV_0, NOC::RISCV_0_default, reader_ct});
  const KernelHandle c = CreateKernel(program, compute, core, ComputeConfig{MathFidelity::HiFi4, false, false, compute_ct});
  const KernelHandle w = CreateKernel(program, writer, core, DataMovementConfig{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default, writer_ct});
  SetRuntimeArgs(program, r, core, reader_args);
  SetRuntimeArgs(program, c, core, compute_args);
  SetRuntimeArgs(program, w, core, writer_args);
  EnqueueProgram(device.cq(), program, true);
}

class EltwiseProgram : public ::testing::TestWithParam<std::string> {};

TEST_P(EltwiseProgram, MatchesScalarArithmetic) {
  const std::string op = GetParam();
  TestDevice device;
  const uint32_t tiles = 3;
  auto a = DramBuffer(device, tiles * kTileBytes, kTileBytes);
  auto b = DramBuffer(device, tiles * kTileBytes, kTileBytes);
  auto c = DramBuffer(device, tiles * kTileBytes, kTileBytes);
  const std::vector<bfloat16> va = RandomTiles(tiles, 1), vb = RandomTiles(tiles, 2);
  EnqueueWriteBuffer(device.cq(), a, va, true);
  EnqueueWriteBuffer(device.cq(), b, vb, true);
  const std::vector<uint32_t> reader_ct = AccessorArgs({a, b});
  const std::vector<uint32_t> writer_ct = AccessorArgs({c}, {16});
  RunThreeKernels(device, Compile("reader_binary_accessor.cpp", KernelRole::DataMovement0, reader_ct), reader_ct,
                  {a->address(), b->address(), 0, tiles},
                  Compile("compute_eltwise_binary.cpp", KernelRole::Compute, {}, {{"ELTWISE_OP", op}}), {}, {tiles},
                  Compile("writer_unary_accessor.cpp", KernelRole::DataMovement1, writer_ct), writer_ct,
                  {c->address(), tiles, 0});
  std::vector<bfloat16> vc;
  EnqueueReadBuffer(device.cq(), c, vc, true);
  ASSERT_EQ(vc.size(), va.size());
  for (size_t i = 0; i < vc.size(); ++i) {
    const float x = va[i], y = vb[i];
    const float expected = op == "ADD" ? x + y : op == "SUB" ? x - y : x * y;
    ASSERT_NEAR(float(vc[i]), expected, 1e-2f) << op << " element " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, EltwiseProgram, ::testing::Values("ADD", "SUB", "MUL"));

// C = A x B on bf16 inputs, fp32 accumulation on the host.
std::vector<float> ScalarMatmul(const std::vector<bfloat16>& a, const std::vector<bfloat16>& b, uint32_t M, uint32_t N, uint32_t K) {
  std::vector<float> c(M * N, 0.0f);
  for (uint32_t i = 0; i < M; ++i) {
    for (uint32_t j = 0; j < N; ++j) {
      float s = 0;
      for (uint32_t k = 0; k < K; ++k) s += float(a[i * K + k]) * float(b[k * N + j]);
      c[i * N + j] = s;
    }
  }
  return c;
}

struct MatmulCase {
  std::string compute;
  uint32_t use_block;
};

class MatmulProgram : public ::testing::TestWithParam<MatmulCase> {};

TEST_P(MatmulProgram, MatchesScalarMatmul) {
  const MatmulCase& param = GetParam();
  const uint32_t Mt = 2, Kt = 3, Nt = 2, M = Mt * 32, K = Kt * 32, N = Nt * 32;
  TestDevice device;
  auto a = DramBuffer(device, Mt * Kt * kTileBytes, kTileBytes);
  auto b = DramBuffer(device, Kt * Nt * kTileBytes, kTileBytes);
  auto c = DramBuffer(device, Mt * Nt * kTileBytes, kTileBytes);
  const std::vector<bfloat16> ra = RandomTiles(Mt * Kt, 3), rb = RandomTiles(Kt * Nt, 4);
  EnqueueWriteBuffer(device.cq(), a, tilize<bfloat16>(ra, M, K), true);
  EnqueueWriteBuffer(device.cq(), b, tilize<bfloat16>(rb, K, N), true);
  const std::vector<uint32_t> reader_ct = AccessorArgs({a, b});
  const std::vector<uint32_t> writer_ct = AccessorArgs({c}, {16});
  const bool old_api = param.compute == "compute_matmul.cpp";
  const std::vector<uint32_t> compute_ct = old_api ? std::vector<uint32_t>{Mt, Kt, Nt} : std::vector<uint32_t>{};
  const std::vector<uint32_t> compute_args = old_api ? std::vector<uint32_t>{} : std::vector<uint32_t>{Mt * Nt, Kt, param.use_block};
  RunThreeKernels(device, Compile("reader_matmul.cpp", KernelRole::DataMovement0, reader_ct), reader_ct,
                  {a->address(), b->address(), Mt, Kt, Nt}, Compile(param.compute, KernelRole::Compute, compute_ct),
                  compute_ct, compute_args, Compile("writer_unary_accessor.cpp", KernelRole::DataMovement1, writer_ct),
                  writer_ct, {c->address(), Mt * Nt, 0});
  std::vector<bfloat16> tiled;
  EnqueueReadBuffer(device.cq(), c, tiled, true);
  const std::vector<bfloat16> got = untilize<bfloat16>(tiled, M, N);
  const std::vector<float> expected = ScalarMatmul(ra, rb, M, N, K);
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_NEAR(float(got[i]), expected[i], 0.02f * (1.0f + std::fabs(expected[i]))) << "element " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Apis, MatmulProgram,
                         ::testing::Values(MatmulCase{"compute_matmul.cpp", 0}, MatmulCase{"compute_matmul_2026.cpp", 0},
                                           MatmulCase{"compute_matmul_2026.cpp", 1}),
                         [](const auto& info) {
                           return info.param.compute.substr(0, info.param.compute.size() - 4) + (info.param.use_block ? "_block" : "");
                         });

TEST(MetaliumProgramsTest, SfpuExpAndReluMatchTheScalarFunctions) {
  for (const std::string op : {"SFPU_OP_EXP", "SFPU_OP_RELU"}) {
    SCOPED_TRACE(op);
    TestDevice device;
    const uint32_t tiles = 2;
    auto in = DramBuffer(device, tiles * kTileBytes, kTileBytes);
    auto out = DramBuffer(device, tiles * kTileBytes, kTileBytes);
    const std::vector<bfloat16> x = RandomTiles(tiles, 5, -2.0f, 2.0f);
    EnqueueWriteBuffer(device.cq(), in, x, true);
    RunThreeKernels(device, Compile("reader_unary_sfpu.cpp", KernelRole::DataMovement0, {}), {}, {in->address(), tiles},
                    Compile("compute_sfpu.cpp", KernelRole::Compute, {}, {{op, "1"}}), {}, {tiles},
                    Compile("writer_unary_addrgen.cpp", KernelRole::DataMovement1, {1}), {1}, {out->address(), tiles});
    std::vector<bfloat16> y;
    EnqueueReadBuffer(device.cq(), out, y, true);
    for (size_t i = 0; i < y.size(); ++i) {
      const float v = x[i];
      const float expected = op == "SFPU_OP_EXP" ? std::exp(v) : std::max(v, 0.0f);
      ASSERT_NEAR(float(y[i]), expected, 0.05f * std::max(1.0f, expected)) << "element " << i;
    }
  }
}

std::vector<uint32_t> Pattern(size_t words, uint32_t seed) {
  std::vector<uint32_t> v(words);
  for (size_t i = 0; i < words; ++i) v[i] = seed * 2654435761u + static_cast<uint32_t>(i) * 40503u;
  return v;
}

TEST(MetaliumProgramsTest, LoopbackThroughEveryAddressGenerator) {
  TestDevice device;
  const uint32_t pages = 5, log2_page = 6, page = 1u << log2_page;
  auto src = DramBuffer(device, pages * page, page);
  auto dst = DramBuffer(device, pages * page, page);
  const std::vector<uint32_t> data = Pattern(pages * page / 4, 7);
  EnqueueWriteBuffer(device.cq(), src, data, true);
  Program program = CreateProgram();
  MakeCb(program, CoreCoord{0, 0}, 0, 2, page);
  const KernelHandle k = CreateKernel(program, Compile("loopback_addrgens.cpp", KernelRole::DataMovement0, {}), CoreCoord{0, 0},
                                      DataMovementConfig{});
  SetRuntimeArgs(program, k, CoreCoord{0, 0}, {src->address(), dst->address(), pages, log2_page});
  EnqueueProgram(device.cq(), program, true);
  std::vector<uint32_t> copy;
  EnqueueReadBuffer(device.cq(), dst, copy, true);
  EXPECT_EQ(copy, data);
}

TEST(MetaliumProgramsTest, Device2NocAndCircularBufferCopy) {
  TestDevice device;
  const uint32_t pages = 5;
  auto src = DramBuffer(device, pages * kTileBytes, kTileBytes);
  auto dst = DramBuffer(device, pages * kTileBytes, kTileBytes);
  const std::vector<uint32_t> data = Pattern(pages * kTileBytes / 4, 11);
  EnqueueWriteBuffer(device.cq(), src, data, true);
  Program program = CreateProgram();
  MakeCb(program, CoreCoord{0, 0}, 0, 2, kTileBytes);
  const std::vector<uint32_t> ct = AccessorArgs({src, dst});
  const KernelHandle k = CreateKernel(program, Compile("device2_copy.cpp", KernelRole::DataMovement0, ct), CoreCoord{0, 0},
                                      DataMovementConfig{.compile_args = ct});
  SetRuntimeArgs(program, k, CoreCoord{0, 0}, {src->address(), dst->address(), pages});
  EnqueueProgram(device.cq(), program, true);
  std::vector<uint32_t> copy;
  EnqueueReadBuffer(device.cq(), dst, copy, true);
  EXPECT_EQ(copy, data);
}

TEST(MetaliumProgramsTest, MulticastReachesEveryReceiver) {
  TestDevice device(3, 1);
  const uint32_t bytes = 256;
  auto src = DramBuffer(device, bytes, bytes);
  auto dst = DramBuffer(device, 2 * bytes, bytes);
  const std::vector<uint32_t> data = Pattern(bytes / 4, 13);
  EnqueueWriteBuffer(device.cq(), src, data, true);
  Program program = CreateProgram();
  const CoreRange all(CoreCoord{0, 0}, CoreCoord{2, 0});
  const CoreRange receivers(CoreCoord{1, 0}, CoreCoord{2, 0});
  MakeCb(program, all, 0, 1, bytes);
  const uint32_t sender_sem = CreateSemaphore(program, all, 0);
  const uint32_t receiver_sem = CreateSemaphore(program, all, 0);
  const CoreCoord sender_noc = device.get()->worker_core_from_logical_core({0, 0});
  const CoreCoord first = device.get()->worker_core_from_logical_core({1, 0});
  const CoreCoord last = device.get()->worker_core_from_logical_core({2, 0});
  const KernelHandle s = CreateKernel(program, Compile("mcast_sender.cpp", KernelRole::DataMovement0, {}), CoreCoord{0, 0},
                                      DataMovementConfig{});
  SetRuntimeArgs(program, s, CoreCoord{0, 0},
                 {src->address(), bytes, uint32_t(first.x), uint32_t(first.y), uint32_t(last.x), uint32_t(last.y), 2,
                  sender_sem, receiver_sem});
  const KernelHandle r = CreateKernel(program, Compile("mcast_receiver.cpp", KernelRole::DataMovement0, {}), receivers,
                                      DataMovementConfig{});
  for (uint32_t x = 1; x <= 2; ++x) {
    SetRuntimeArgs(program, r, CoreCoord{x, 0},
                   {dst->address(), bytes, uint32_t(sender_noc.x), uint32_t(sender_noc.y), sender_sem, receiver_sem, x - 1});
  }
  EnqueueProgram(device.cq(), program, true);
  std::vector<uint32_t> got;
  EnqueueReadBuffer(device.cq(), dst, got, true);
  ASSERT_EQ(got.size(), 2 * data.size());
  EXPECT_TRUE(std::equal(data.begin(), data.end(), got.begin()));
  EXPECT_TRUE(std::equal(data.begin(), data.end(), got.begin() + static_cast<std::ptrdiff_t>(data.size())));
  std::vector<std::string> lines = device.dprint();
  ASSERT_EQ(lines.size(), 2u);
  std::sort(lines.begin(), lines.end());
  EXPECT_NE(lines[0].find("received 256 bytes at (1,0)"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("received 256 bytes at (2,0)"), std::string::npos) << lines[1];
}

TEST(MetaliumProgramsTest, RemoteSemaphoresReleaseBothCores) {
  // Each core sets its partner's semaphore to value + its own x; each waits until its own is >= value. A
  // wrong value (or none) would leave a core waiting: the emulator would report a deadlock.
  TestDevice device(2, 1);
  Program program = CreateProgram();
  const CoreRange both(CoreCoord{0, 0}, CoreCoord{1, 0});
  MakeCb(program, both, 1, 1, 64);
  const uint32_t sem = CreateSemaphore(program, both, 0);
  const KernelHandle k = CreateKernel(program, Compile("semaphore_remote.cpp", KernelRole::DataMovement1, {}), both,
                                      DataMovementConfig{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default, {}});
  for (uint32_t x = 0; x < 2; ++x) {
    const CoreCoord partner = device.get()->worker_core_from_logical_core({1 - x, 0});
    SetRuntimeArgs(program, k, CoreCoord{x, 0}, {sem, uint32_t(partner.x), uint32_t(partner.y)});
  }
  SetCommonRuntimeArgs(program, k, {5});
  EXPECT_NO_THROW(EnqueueProgram(device.cq(), program, true));
}

TEST(MetaliumProgramsTest, ComputeKernelPrintsFromEachTrisc) {
  TestDevice device;
  Program program = CreateProgram();
  const KernelHandle k = CreateKernel(program, Compile("dprint_roles.cpp", KernelRole::Compute, {}), CoreCoord{0, 0}, ComputeConfig{});
  SetRuntimeArgs(program, k, CoreCoord{0, 0}, {3});
  EnqueueProgram(device.cq(), program, true);
  const std::vector<std::string> lines = device.dprint();
  const std::vector<std::string> expected = {"math sees 3", "wrapped 3 -3 3", "pack sees -3", "unpack sees 12884901888", "two", "lines 1",
                                             "packed 3 of 12884901888"};
  ASSERT_EQ(lines.size(), expected.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].substr(lines[i].size() - expected[i].size()), expected[i]) << lines[i];
  }
}

TEST(MetaliumProgramsTest, PreprocessorKernelPrintsWithItsDefines) {
  TestDevice device;
  Program program = CreateProgram();
  const kir::Kernel kernel = Compile("preprocessor_include.cpp", KernelRole::DataMovement1, {}, {{"TILES_PER_BLOCK", "4"}, {"TRACE", "1"}});
  EXPECT_EQ(kernel.files.size(), 2u);  // the kernel and its local header, read once
  const KernelHandle k = CreateKernel(program, kernel, CoreCoord{0, 0},
                                      DataMovementConfig{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default, {}});
  SetRuntimeArgs(program, k, CoreCoord{0, 0}, {40});
  EnqueueProgram(device.cq(), program, true);
  const std::vector<std::string> lines = device.dprint();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("4 tiles per block: 10 blocks of 4"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("too many tiles: 40"), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace tilesim::metalium_test
