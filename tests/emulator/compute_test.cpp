// The compute kernel API end to end: reader -> compute -> writer pipelines checked against scalar loops,
// and the DST / CB protocol errors a compute kernel can make, reported with their source location.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "emulator_test_util.h"
#include "tilesim/tile.h"

namespace tilesim::emu::testing {
namespace {

constexpr uint32_t kBf16Tile = 2048;
constexpr uint32_t kFp32Tile = 4096;
constexpr uint32_t kA = 0x0, kB = 0x100000, kC = 0x200000;  // DRAM buffer bases
const CoreCoord kCore{2, 1};

std::vector<uint8_t> Bf16Bytes(const std::vector<float>& values) {
  std::vector<uint8_t> bytes(values.size() * 2);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint16_t b = FloatToBf16Bits(values[i]);
    bytes[2 * i] = static_cast<uint8_t>(b);
    bytes[2 * i + 1] = static_cast<uint8_t>(b >> 8);
  }
  return bytes;
}
std::vector<float> FromBf16Bytes(const std::vector<uint8_t>& bytes) {
  std::vector<float> v(bytes.size() / 2);
  for (size_t i = 0; i < v.size(); ++i) v[i] = Bf16BitsToFloat(static_cast<uint16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8)));
  return v;
}
std::vector<float> FromFp32Bytes(const std::vector<uint8_t>& bytes) {
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), bytes.size());
  return v;
}

ProgramSpec Pipeline(std::shared_ptr<const bc::KernelBinary> compute, uint32_t pairs, uint32_t out_tiles,
                     DataFormat out_format, ComputeSpec spec = {}) {
  const uint32_t out_page = TileSizeBytes(out_format);
  ProgramSpec p;
  p.kernels = {Place(PairReader(kA, kB), {kCore}, {{pairs, kBf16Tile}}), Place(std::move(compute), {kCore}),
               Place(DramWriter(16), {kCore}, {{kC, out_tiles, out_page}})};
  p.kernels[1].compute = spec;
  p.cores.push_back(CoreResources{kCore,
                                  {Cb(0, 0x10000, kBf16Tile, 2), Cb(1, 0x20000, kBf16Tile, 2),
                                   Cb(16, 0x30000, out_page, 2, out_format)},
                                  {}});
  return p;
}

TEST(Compute, AddTilesMatchesAScalarLoop) {
  Device device(DeviceConfig{});
  constexpr uint32_t kTiles = 3;
  std::vector<float> a(kTiles * 1024), b(kTiles * 1024);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<float>(static_cast<int>(i % 17) - 8) * 0.5f;  // sums are exact in bf16
    b[i] = static_cast<float>(static_cast<int>((i * 7) % 13) - 6) * 0.25f;
  }
  WriteInterleaved(device, kA, kBf16Tile, Bf16Bytes(a));
  WriteInterleaved(device, kB, kBf16Tile, Bf16Bytes(b));
  KernelBuilder k("eltwise_add", KernelRole::Compute);
  k.binary_op_init_common(0u, 1u, 16u);
  k.add_tiles_init(0u, 1u);
  k.for_("i", 0u, kTiles, [&](Expr) {
    k.cb_wait_front(0u, 1u);
    k.cb_wait_front(1u, 1u);
    k.tile_regs_acquire();
    k.add_tiles(0u, 1u, 0u, 0u, 0u);
    k.tile_regs_commit();
    k.tile_regs_wait();
    k.cb_reserve_back(16u, 1u);
    k.pack_tile(0u, 16u);
    k.cb_push_back(16u, 1u);
    k.tile_regs_release();
    k.cb_pop_front(0u, 1u);
    k.cb_pop_front(1u, 1u);
  });
  const Outcome out = RunCollecting(device, Pipeline(Compile(k), kTiles, kTiles, DataFormat::Float16_b));
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  const std::vector<float> c = FromBf16Bytes(ReadInterleaved(device, kC, kBf16Tile, kTiles));
  for (size_t i = 0; i < c.size(); ++i) ASSERT_EQ(c[i], a[i] + b[i]) << "element " << i;
}

// C (one 32x32 tile, fp32 out) = sum over kt < 2 of A tile kt x B tile kt (transposed if `transpose`).
std::vector<float> RunMatmul(bool transpose, const std::vector<float>& a_tiles, const std::vector<float>& b_tiles) {
  Device device(DeviceConfig{});
  WriteInterleaved(device, kA, kBf16Tile, Bf16Bytes(a_tiles));
  WriteInterleaved(device, kB, kBf16Tile, Bf16Bytes(b_tiles));
  KernelBuilder k("matmul", KernelRole::Compute);
  k.mm_init(0u, 1u, 16u, transpose ? 1u : 0u);
  k.tile_regs_acquire();
  k.for_("kt", 0u, 2u, [&](Expr) {
    k.cb_wait_front(0u, 1u);
    k.cb_wait_front(1u, 1u);
    k.matmul_tiles(0u, 1u, 0u, 0u, 0u, transpose ? 1u : 0u);  // accumulates across kt
    k.cb_pop_front(0u, 1u);
    k.cb_pop_front(1u, 1u);
  });
  k.tile_regs_commit();
  k.tile_regs_wait();
  k.cb_reserve_back(16u, 1u);
  k.pack_tile(0u, 16u);
  k.cb_push_back(16u, 1u);
  k.tile_regs_release();
  const Outcome out = RunCollecting(device, Pipeline(Compile(k), 2, 1, DataFormat::Float32));
  EXPECT_TRUE(out.result.ok()) << out.result.message;
  return untilize<float>(FromFp32Bytes(ReadInterleaved(device, kC, kFp32Tile, 1)), 32, 32);
}

// Small integers: every product and partial sum is exact in bf16, whatever the fidelity.
std::vector<float> SmallIntegers(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(static_cast<int>((i * seed + 3 * seed) % 5) - 2);
  return v;
}

TEST(Compute, MatmulTilesAccumulatesOverK) {
  const std::vector<float> a = SmallIntegers(32 * 64, 7);   // A: 32x64 row-major
  const std::vector<float> b = SmallIntegers(64 * 32, 11);  // B: 64x32 row-major
  // A's tiles along K are its two column blocks; B's are its two row blocks.
  const std::vector<float> c = RunMatmul(false, tilize<float>(a, 32, 64), tilize<float>(b, 64, 32));
  for (uint32_t i = 0; i < 32; ++i) {
    for (uint32_t j = 0; j < 32; ++j) {
      float sum = 0;
      for (uint32_t k = 0; k < 64; ++k) sum += a[i * 64 + k] * b[k * 32 + j];
      ASSERT_EQ(c[i * 32 + j], sum) << "C[" << i << "][" << j << "]";
    }
  }
}

TEST(Compute, MatmulTilesLastArgumentTransposesB) {
  const std::vector<float> a = SmallIntegers(32 * 64, 5);
  const std::vector<float> bt = SmallIntegers(64 * 32, 3);  // two 32x32 B tiles stacked, each used transposed
  const std::vector<float> c = RunMatmul(true, tilize<float>(a, 32, 64), tilize<float>(bt, 64, 32));
  for (uint32_t i = 0; i < 32; ++i) {
    for (uint32_t j = 0; j < 32; ++j) {
      float sum = 0;
      for (uint32_t kt = 0; kt < 2; ++kt) {
        for (uint32_t k = 0; k < 32; ++k) sum += a[i * 64 + kt * 32 + k] * bt[(kt * 32 + j) * 32 + k];
      }
      ASSERT_EQ(c[i * 32 + j], sum) << "C[" << i << "][" << j << "]";
    }
  }
}

// A compute kernel alone on kCore with CB 0 (bf16, 2 pages) and CB 16 (bf16, 2 pages); a reader fills CB 0
// with `filled` tiles first when filled > 0.
RunResult RunCompute(KernelBuilder& k, ComputeSpec spec = {}, uint32_t filled = 0) {
  Device device(DeviceConfig{});
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {kCore})};
  p.kernels[0].compute = spec;
  if (filled > 0) p.kernels.push_back(Place(DramReader(0), {kCore}, {{kA, filled, kBf16Tile}}));
  p.cores.push_back(CoreResources{kCore, {Cb(0, 0x10000, kBf16Tile, 2), Cb(16, 0x30000, kBf16Tile, 2)}, {}});
  return RunCollecting(device, p).result;
}

TEST(Compute, PackBeforeTileRegsWaitTrapsWithItsLocation) {
  KernelBuilder k("bad_pack", KernelRole::Compute, "bad_pack.cpp");
  k.tile_regs_acquire();
  k.tile_regs_commit();
  k.cb_reserve_back(16u, 1u);
  k.at(6, 5);
  k.pack_tile(0u, 16u);
  const RunResult r = RunCompute(k);
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("core (2,1) compute 'bad_pack' at bad_pack.cpp:6:5"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("DST protocol error: pack_tile while pack holds no DST section"), std::string::npos)
      << r.message;
}

TEST(Compute, MathAfterTileRegsCommitTraps) {
  KernelBuilder k("late_math", KernelRole::Compute, "late_math.cpp");
  k.cb_wait_front(0u, 1u);
  k.tile_regs_acquire();
  k.tile_regs_commit();
  k.at(9);
  k.copy_tile(0u, 0u, 0u);
  const RunResult r = RunCompute(k, {}, 1);
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("late_math.cpp:9"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("copy_tile while math holds no DST section"), std::string::npos) << r.message;
}

TEST(Compute, DstIndexBeyondTheFp32SectionTraps) {
  KernelBuilder k("too_far", KernelRole::Compute);
  k.cb_wait_front(0u, 1u);
  k.tile_regs_acquire();
  k.copy_tile(0u, 0u, 3u);  // fine: 4 fp32 tiles per section
  k.copy_tile(0u, 0u, 4u);
  ComputeSpec spec;
  spec.fp32_dest_acc_en = true;
  const RunResult r = RunCompute(k, spec, 1);
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("copy_tile: DST index 4 is out of range: a DST section holds 4 tiles (fp32 DST"),
            std::string::npos)
      << r.message;
}

TEST(Compute, UnpackingATileThatIsNotReadyTraps) {
  KernelBuilder k("early", KernelRole::Compute);
  k.cb_wait_front(0u, 1u);
  k.tile_regs_acquire();
  k.copy_tile(0u, 1u, 0u);  // only tile 0 of the front is ready
  const RunResult r = RunCompute(k, {}, 1);
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("copy_tile: tile 1 of cb 0's front is not ready (1 page ready"), std::string::npos)
      << r.message;
}

TEST(Compute, PackingIntoAnUnreservedPageTraps) {
  KernelBuilder k("no_reserve", KernelRole::Compute);
  k.tile_regs_acquire();
  k.tile_regs_commit();
  k.tile_regs_wait();
  k.pack_tile(0u, 16u);
  const RunResult r = RunCompute(k);
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("pack_tile: page 0 of cb 16's back is not reserved (0 pages reserved"), std::string::npos)
      << r.message;
}

TEST(Compute, PackTileFillsConsecutivePagesAndOutOfOrderAnExplicitOne) {
  // Pack DST tiles 0 and 1 (zero after acquire, then copies of two different input tiles) into a
  // 2-page reservation, the second explicitly: page 0 gets input tile 0, page 1 input tile 1.
  Device device(DeviceConfig{});
  std::vector<float> in(2 * 1024);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(i % 97);
  WriteInterleaved(device, kA, kBf16Tile, Bf16Bytes(in));
  KernelBuilder k("packer", KernelRole::Compute);
  k.cb_wait_front(0u, 2u);
  k.tile_regs_acquire();
  k.copy_tile(0u, 0u, 0u);
  k.copy_tile(0u, 1u, 1u);
  k.tile_regs_commit();
  k.tile_regs_wait();
  k.cb_reserve_back(16u, 2u);
  k.pack_tile_out_of_order(1u, 16u, 1u);
  k.pack_tile(0u, 16u);
  k.cb_push_back(16u, 2u);
  k.tile_regs_release();
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {kCore}), Place(DramReader(0), {kCore}, {{kA, 2, kBf16Tile}}),
               Place(DramWriter(16), {kCore}, {{kC, 2, kBf16Tile}})};
  p.cores.push_back(CoreResources{kCore, {Cb(0, 0x10000, kBf16Tile, 2), Cb(16, 0x30000, kBf16Tile, 2)}, {}});
  const Outcome out = RunCollecting(device, p);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  EXPECT_EQ(FromBf16Bytes(ReadInterleaved(device, kC, kBf16Tile, 2)), in);
}

}  // namespace
}  // namespace tilesim::emu::testing
