// matmul_tiles' prepared-operand cache end to end: a CB page whose L1 address comes back with new data —
// refilled after the compute kernel's own pop, or after another kernel popped it — is prepared afresh for
// both operands; the same page used transposed and not, or as both operands, gives each product; and a
// second program with another math config on the same device and addresses uses its own config. Every
// result is checked bit for bit against the scalar reference (matmul_reference.h).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "emulator_test_util.h"
#include "matmul_reference.h"
#include "tilesim/tile.h"

namespace tilesim::emu::testing {
namespace {

constexpr uint32_t kBf16Tile = 2048;
constexpr uint32_t kFp32Tile = 4096;
constexpr uint32_t kA = 0x0, kB = 0x100000, kC = 0x200000;  // DRAM buffer bases
const CoreCoord kCore{1, 1};

using Matrix = std::vector<float>;  // one 32x32 tile, row-major

// Tiles -> interleaved DRAM pages of bf16 in face layout.
void WriteTiles(Device& device, uint32_t base, const std::vector<Matrix>& tiles) {
  std::vector<uint8_t> bytes;
  for (const Matrix& t : tiles) {
    for (float v : tilize<float>(t, 32, 32)) {
      const uint16_t half = FloatToBf16Bits(v);
      bytes.push_back(static_cast<uint8_t>(half));
      bytes.push_back(static_cast<uint8_t>(half >> 8));
    }
  }
  WriteInterleaved(device, base, kBf16Tile, bytes);
}

// `count` fp32 tiles from interleaved DRAM, row-major.
std::vector<Matrix> ReadTiles(Device& device, uint32_t base, uint32_t count) {
  const std::vector<uint8_t> bytes = ReadInterleaved(device, base, kFp32Tile, count);
  std::vector<Matrix> tiles;
  for (uint32_t t = 0; t < count; ++t) {
    std::vector<float> faces(1024);
    std::memcpy(faces.data(), bytes.data() + size_t{t} * kFp32Tile, kFp32Tile);
    tiles.push_back(untilize<float>(faces, 32, 32));
  }
  return tiles;
}

void ExpectSameBits(const Matrix& got, const Matrix& expected, const std::string& what) {
  int mismatches = 0;
  for (int i = 0; i < 1024 && mismatches < 3; ++i) {
    if (std::bit_cast<uint32_t>(got[i]) != std::bit_cast<uint32_t>(expected[i])) {
      ++mismatches;
      ADD_FAILURE() << what << ": element (" << i / 32 << ", " << i % 32 << ") got " << got[i] << " expected "
                    << expected[i];
    }
  }
}

Matrix Zero() { return Matrix(1024, 0.0f); }

// Packs DST tiles 0..count-1 into CB 16 (fp32) and hands the section back.
void PackAll(KernelBuilder& k, uint32_t count) {
  k.tile_regs_commit();
  k.tile_regs_wait();
  k.cb_reserve_back(16u, count);
  for (uint32_t d = 0; d < count; ++d) k.pack_tile(d, 16u);
  k.cb_push_back(16u, count);
  k.tile_regs_release();
}

// Input CBs 0 and 1 hold ONE bf16 page each, so every page they receive lands at the same L1 address.
ProgramSpec OnePagePipeline(std::shared_ptr<const bc::KernelBinary> compute, ComputeSpec spec, uint32_t pairs,
                            uint32_t out_tiles) {
  ProgramSpec p;
  p.kernels = {Place(PairReader(kA, kB), {kCore}, {{pairs, kBf16Tile}}), Place(std::move(compute), {kCore}),
               Place(DramWriter(16), {kCore}, {{kC, out_tiles, kFp32Tile}})};
  p.kernels[1].compute = spec;
  p.cores.push_back(CoreResources{kCore,
                                  {Cb(0, 0x10000, kBf16Tile, 1), Cb(1, 0x20000, kBf16Tile, 1),
                                   Cb(16, 0x30000, kFp32Tile, 4, DataFormat::Float32)},
                                  {}});
  return p;
}

std::vector<Matrix> RandomTiles(uint32_t count, uint32_t seed) {
  std::vector<Matrix> tiles;
  for (uint32_t i = 0; i < count; ++i) tiles.push_back(RandomBf16Values(seed + i));
  return tiles;
}

TEST(ComputeOperandCache, PagesRefilledAfterThePopAreUnpackedAfresh) {
  constexpr uint32_t kPairs = 4;
  const std::vector<Matrix> a = RandomTiles(kPairs, 10), b = RandomTiles(kPairs, 20);
  Device device(DeviceConfig{});
  WriteTiles(device, kA, a);
  WriteTiles(device, kB, b);
  // Per pair: DST 0 = A x B once, DST 1 = A x B twice (the repeats reuse the prepared operands).
  KernelBuilder k("refilled", KernelRole::Compute);
  k.mm_init(0u, 1u, 16u, 0u);
  k.for_("i", 0u, kPairs, [&](Expr) {
    k.cb_wait_front(0u, 1u);
    k.cb_wait_front(1u, 1u);
    k.tile_regs_acquire();
    k.matmul_tiles(0u, 1u, 0u, 0u, 0u, 0u);
    k.matmul_tiles(0u, 1u, 0u, 0u, 1u, 0u);
    k.matmul_tiles(0u, 1u, 0u, 0u, 1u, 0u);
    PackAll(k, 2);
    k.cb_pop_front(0u, 1u);
    k.cb_pop_front(1u, 1u);
  });
  const ComputeSpec spec{MathFidelity::HiFi3, /*fp32_dest_acc_en=*/false, false};
  const Outcome out = RunCollecting(device, OnePagePipeline(Compile(k), spec, kPairs, 2 * kPairs));
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  const std::vector<Matrix> c = ReadTiles(device, kC, 2 * kPairs);
  for (uint32_t i = 0; i < kPairs; ++i) {
    const Matrix once = ReferenceTileMatmul(a[i], b[i], false, spec.math_fidelity, false, Zero());
    ExpectSameBits(c[2 * i], once, "pair " + std::to_string(i) + ", one product");
    ExpectSameBits(c[2 * i + 1], ReferenceTileMatmul(a[i], b[i], false, spec.math_fidelity, false, once),
                   "pair " + std::to_string(i) + ", two products");
  }
}

TEST(ComputeOperandCache, PagesPoppedByAnotherKernelAreNotReusedStale) {
  // The writer, not the compute kernel, pops the input CBs, after the compute kernel says it is done with
  // them (a token in CB 2); it then lets the compute kernel go on (a token in CB 3). The compute kernel
  // never pops CB 0 or 1, so only the page's sequence number tells its new data from the old.
  constexpr uint32_t kPairs = 3;
  const std::vector<Matrix> a = RandomTiles(kPairs, 30), b = RandomTiles(kPairs, 40);
  Device device(DeviceConfig{});
  WriteTiles(device, kA, a);
  WriteTiles(device, kB, b);
  KernelBuilder compute("no_pop", KernelRole::Compute);
  compute.mm_init(0u, 1u, 16u, 0u);
  compute.for_("i", 0u, kPairs, [&](Expr) {
    compute.cb_wait_front(0u, 1u);
    compute.cb_wait_front(1u, 1u);
    compute.tile_regs_acquire();
    compute.matmul_tiles(0u, 1u, 0u, 0u, 0u, 0u);
    PackAll(compute, 1);
    compute.cb_reserve_back(2u, 1u);
    compute.cb_push_back(2u, 1u);
    compute.cb_wait_front(3u, 1u);
    compute.cb_pop_front(3u, 1u);
  });
  KernelBuilder writer("popping_writer", KernelRole::DataMovement1);
  writer.for_("i", 0u, kPairs, [&](Expr i) {
    writer.cb_wait_front(16u, 1u);
    writer.noc_async_write(writer.get_read_ptr(16u), writer.get_noc_addr_interleaved(i, kC, kFp32Tile, 1u, 0u),
                           kFp32Tile);
    writer.noc_async_write_barrier();
    writer.cb_pop_front(16u, 1u);
    writer.cb_wait_front(2u, 1u);
    writer.cb_pop_front(2u, 1u);
    writer.cb_pop_front(0u, 1u);
    writer.cb_pop_front(1u, 1u);
    writer.cb_reserve_back(3u, 1u);
    writer.cb_push_back(3u, 1u);
  });
  ProgramSpec p;
  p.kernels = {Place(PairReader(kA, kB), {kCore}, {{kPairs, kBf16Tile}}), Place(Compile(compute), {kCore}),
               Place(Compile(writer), {kCore})};
  p.kernels[1].compute = ComputeSpec{MathFidelity::HiFi4, true, false};
  p.cores.push_back(CoreResources{kCore,
                                  {Cb(0, 0x10000, kBf16Tile, 1), Cb(1, 0x20000, kBf16Tile, 1),
                                   Cb(2, 0x28000, kBf16Tile, 1), Cb(3, 0x2c000, kBf16Tile, 1),
                                   Cb(16, 0x30000, kFp32Tile, 2, DataFormat::Float32)},
                                  {}});
  const Outcome out = RunCollecting(device, p);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  const std::vector<Matrix> c = ReadTiles(device, kC, kPairs);
  for (uint32_t i = 0; i < kPairs; ++i) {
    ExpectSameBits(c[i], ReferenceTileMatmul(a[i], b[i], false, MathFidelity::HiFi4, true, Zero()),
                   "pair " + std::to_string(i));
  }
}

TEST(ComputeOperandCache, SamePageTransposedPlainAndAsBothOperands) {
  const std::vector<Matrix> a = RandomTiles(1, 50), b = RandomTiles(1, 60);
  Device device(DeviceConfig{});
  WriteTiles(device, kA, a);
  WriteTiles(device, kB, b);
  KernelBuilder k("mixed", KernelRole::Compute);
  k.mm_init(0u, 1u, 16u, 0u);
  k.cb_wait_front(0u, 1u);
  k.cb_wait_front(1u, 1u);
  k.tile_regs_acquire();
  k.matmul_tiles(0u, 1u, 0u, 0u, 0u, 0u);  // A x B
  k.matmul_tiles(0u, 1u, 0u, 0u, 1u, 1u);  // A x B^T: same page, the transposed preparation
  k.matmul_tiles(0u, 0u, 0u, 0u, 2u, 0u);  // A x A: one page as both operands
  k.matmul_tiles(1u, 1u, 0u, 0u, 3u, 1u);  // B x B^T
  PackAll(k, 4);
  k.cb_pop_front(0u, 1u);
  k.cb_pop_front(1u, 1u);
  const ComputeSpec spec{MathFidelity::LoFi, true, false};
  const Outcome out = RunCollecting(device, OnePagePipeline(Compile(k), spec, 1, 4));
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  const std::vector<Matrix> c = ReadTiles(device, kC, 4);
  const MathFidelity f = spec.math_fidelity;
  ExpectSameBits(c[0], ReferenceTileMatmul(a[0], b[0], false, f, true, Zero()), "A x B");
  ExpectSameBits(c[1], ReferenceTileMatmul(a[0], b[0], true, f, true, Zero()), "A x B^T");
  ExpectSameBits(c[2], ReferenceTileMatmul(a[0], a[0], false, f, true, Zero()), "A x A");
  ExpectSameBits(c[3], ReferenceTileMatmul(b[0], b[0], true, f, true, Zero()), "B x B^T");
}

TEST(ComputeOperandCache, AnotherMathConfigOnTheSameDeviceAndAddressesUsesItsOwnSlices) {
  const std::vector<Matrix> a = RandomTiles(1, 70), b = RandomTiles(1, 80);
  Device device(DeviceConfig{});
  WriteTiles(device, kA, a);
  WriteTiles(device, kB, b);
  KernelBuilder k("one_product", KernelRole::Compute);
  k.mm_init(0u, 1u, 16u, 0u);
  k.cb_wait_front(0u, 1u);
  k.cb_wait_front(1u, 1u);
  k.tile_regs_acquire();
  k.matmul_tiles(0u, 1u, 0u, 0u, 0u, 0u);
  PackAll(k, 1);
  k.cb_pop_front(0u, 1u);
  k.cb_pop_front(1u, 1u);
  const auto binary = Compile(k);
  std::vector<Matrix> results;
  for (const ComputeSpec& spec : {ComputeSpec{MathFidelity::HiFi4, true, false}, ComputeSpec{MathFidelity::LoFi, false, false}}) {
    const Outcome out = RunCollecting(device, OnePagePipeline(binary, spec, 1, 1));
    ASSERT_TRUE(out.result.ok()) << out.result.message;
    results.push_back(ReadTiles(device, kC, 1)[0]);
    ExpectSameBits(results.back(),
                   ReferenceTileMatmul(a[0], b[0], false, spec.math_fidelity, spec.fp32_dest_acc_en, Zero()),
                   std::string(ToString(spec.math_fidelity)));
  }
  EXPECT_NE(results[0], results[1]) << "LoFi with a bf16 DST should differ from HiFi4 with an fp32 DST";
}

}  // namespace
}  // namespace tilesim::emu::testing
