// transpose_wh_tile, the scalar SFPU ops (add/sub/mul/div/rsub_unary_tile) and binary_max/min_tile end to end:
// DRAM -> reader -> compute (KernelBuilder) -> writer -> DRAM, checked element by element against scalar loops.
// Also: every SFPU intrinsic has a cycle cost in every shipped device profile.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "emulator/timing/compute_costs.h"
#include "emulator/timing/device_profile.h"
#include "emulator_test_util.h"
#include "tilesim/tile.h"

namespace tilesim::emu::testing {
namespace {

constexpr uint32_t kIn = 0x0, kOut = 0x200000;  // DRAM buffer bases
const CoreCoord kCore{1, 1};

// Runs reader (all `in_tiles` into CB 0) -> `compute` -> writer (`out_tiles` from CB 16) on one core.
std::vector<float> RunOnTiles(KernelBuilder& compute, const std::vector<float>& input, uint32_t out_tiles,
                              DataFormat format, ComputeSpec spec = {}, std::vector<uint32_t> compute_args = {}) {
  Device device(DeviceConfig{});
  const uint32_t page = TileSizeBytes(format);
  const auto in_tiles = static_cast<uint32_t>(input.size() / kTileElements);
  WriteInterleaved(device, kIn, page, TileBytes(input, format));
  ProgramSpec p;
  p.kernels = {Place(DramReader(0), {kCore}, {{kIn, in_tiles, page}}), Place(Compile(compute), {kCore}, {compute_args}),
               Place(DramWriter(16), {kCore}, {{kOut, out_tiles, page}})};
  p.kernels[1].compute = spec;
  p.cores.push_back(CoreResources{kCore, {Cb(0, 0x10000, page, in_tiles, format), Cb(16, 0x40000, page, out_tiles, format)}, {}});
  const Outcome out = RunCollecting(device, p);
  EXPECT_TRUE(out.result.ok()) << out.result.message;
  return RowMajorTiles(ReadInterleaved(device, kOut, page, out_tiles), format);
}

// Packs DST tiles 0..n-1 into CB 16 and frees the inputs.
void PackAndFinish(KernelBuilder& k, uint32_t n, uint32_t pop) {
  k.tile_regs_commit();
  k.tile_regs_wait();
  k.cb_reserve_back(16u, n);
  for (uint32_t i = 0; i < n; ++i) k.pack_tile(i, 16u);
  k.cb_push_back(16u, n);
  k.tile_regs_release();
  k.cb_pop_front(0u, pop);
}

TEST(ComputeExtra, TransposeWhTileSwapsRowsAndColumnsFacesIncluded) {
  // fp32 end to end, so every element is its own index: out(r, c) must be exactly in(c, r).
  std::vector<float> in(kTileElements);
  for (uint32_t i = 0; i < kTileElements; ++i) in[i] = static_cast<float>(i);
  KernelBuilder k("transpose_fp32", KernelRole::Compute);
  k.transpose_wh_init(0u, 16u);
  k.cb_wait_front(0u, 1u);
  k.tile_regs_acquire();
  k.transpose_wh_tile(0u, 0u, 0u);
  PackAndFinish(k, 1, 1);
  ComputeSpec spec;
  spec.fp32_dest_acc_en = true;
  const std::vector<float> out = RunOnTiles(k, in, 1, DataFormat::Float32, spec);
  for (uint32_t r = 0; r < kTileRows; ++r) {
    for (uint32_t c = 0; c < kTileCols; ++c) ASSERT_EQ(out[r * kTileCols + c], in[c * kTileCols + r]) << r << "," << c;
  }
}

TEST(ComputeExtra, TransposeWhTileReadsTheTileItIsGivenInBf16) {
  // Two bf16 tiles at the front: tile 1 goes to DST 0 and tile 0 to DST 1.
  const std::vector<float> in = Values(2 * kTileElements, 3, -8.0f, 8.0f, DataFormat::Float16_b);
  KernelBuilder k("transpose_bf16", KernelRole::Compute);
  k.transpose_wh_init(0u, 16u);
  k.cb_wait_front(0u, 2u);
  k.tile_regs_acquire();
  k.transpose_wh_init_short(0u);
  k.transpose_wh_tile(0u, 1u, 0u);
  k.transpose_wh_tile(0u, 0u, 1u);
  PackAndFinish(k, 2, 2);
  const std::vector<float> out = RunOnTiles(k, in, 2, DataFormat::Float16_b);
  for (uint32_t t = 0; t < 2; ++t) {
    const uint32_t src = 1 - t;
    for (uint32_t r = 0; r < kTileRows; ++r) {
      for (uint32_t c = 0; c < kTileCols; ++c) {
        ASSERT_EQ(out[t * kTileElements + r * kTileCols + c], in[src * kTileElements + c * kTileCols + r])
            << "tile " << t << " (" << r << "," << c << ")";
      }
    }
  }
}

enum class Op { Add, Sub, Mul, Div, Rsub };
struct ScalarCase {
  Op op;
  bool fp32;
};
std::string Name(const ScalarCase& c) {
  const char* names[] = {"Add", "Sub", "Mul", "Div", "Rsub"};
  return std::string(names[static_cast<int>(c.op)]) + (c.fp32 ? "Fp32Dst" : "Bf16Dst");
}

class ScalarOp : public ::testing::TestWithParam<ScalarCase> {};

// DST = DST op s for s in {0.5, -1.25, 3}, one tile per scalar, the scalar's bits a runtime argument. For
// div the argument is 1 / s, as tt-metal's host passes it; the result is also checked against x / s.
TEST_P(ScalarOp, MatchesFp32ArithmeticRoundedToDst) {
  const ScalarCase param = GetParam();
  const DataFormat format = param.fp32 ? DataFormat::Float32 : DataFormat::Float16_b;
  const float scalars[] = {0.5f, -1.25f, 3.0f};
  std::vector<uint32_t> args;
  for (float s : scalars) args.push_back(std::bit_cast<uint32_t>(param.op == Op::Div ? 1.0f / s : s));
  const std::vector<float> in = Values(3 * kTileElements, 11, -4.0f, 4.0f, format);
  KernelBuilder k("scalar_op", KernelRole::Compute);
  k.init_sfpu(0u, 16u);
  k.binop_with_scalar_tile_init();
  k.for_("t", 0u, 3u, [&](Expr t) {
    Expr bits = k.let("bits", k.get_arg_val(t));
    k.cb_wait_front(0u, 1u);
    k.tile_regs_acquire();
    k.copy_tile(0u, 0u, 0u);
    switch (param.op) {
      case Op::Add: k.add_unary_tile(0u, bits); break;
      case Op::Sub: k.sub_unary_tile(0u, bits); break;
      case Op::Mul: k.mul_unary_tile(0u, bits); break;
      case Op::Div: k.div_unary_tile(0u, bits); break;
      case Op::Rsub: k.rsub_unary_tile(0u, bits); break;
    }
    PackAndFinish(k, 1, 1);
  });
  ComputeSpec spec;
  spec.fp32_dest_acc_en = param.fp32;
  const std::vector<float> out = RunOnTiles(k, in, 3, format, spec, args);
  for (uint32_t t = 0; t < 3; ++t) {
    const float s = std::bit_cast<float>(args[t]);
    for (uint32_t i = 0; i < kTileElements; ++i) {
      const float x = in[t * kTileElements + i];
      float expected = 0;
      switch (param.op) {
        case Op::Add: expected = x + s; break;
        case Op::Sub: expected = x - s; break;
        case Op::Mul:
        case Op::Div: expected = x * s; break;
        case Op::Rsub: expected = s - x; break;
      }
      if (!param.fp32) expected = RoundToBf16(expected);
      const float got = out[t * kTileElements + i];
      ASSERT_EQ(got, expected) << Name(param) << " scalar " << s << " element " << i << " x " << x;
      if (param.op == Op::Div) {
        const float quotient = x / scalars[t];
        ASSERT_NEAR(got, quotient, (param.fp32 ? 1e-6f : 8e-3f) * std::max(1.0f, std::fabs(quotient)));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, ScalarOp,
                         ::testing::Values(ScalarCase{Op::Add, false}, ScalarCase{Op::Sub, false}, ScalarCase{Op::Mul, false},
                                           ScalarCase{Op::Div, false}, ScalarCase{Op::Rsub, false}, ScalarCase{Op::Add, true},
                                           ScalarCase{Op::Mul, true}, ScalarCase{Op::Div, true}, ScalarCase{Op::Rsub, true}),
                         [](const auto& info) { return Name(info.param); });

// max / min with zeros of both signs ordered -0 < +0, as SFPSWAP orders them.
float ReferenceMax(float x, float y) {
  if (x == 0.0f && y == 0.0f) return std::signbit(x) ? y : x;
  return y > x ? y : x;
}
float ReferenceMin(float x, float y) {
  if (x == 0.0f && y == 0.0f) return std::signbit(x) ? x : y;
  return y < x ? y : x;
}

TEST(ComputeExtra, BinaryMaxAndMinTileCompareTwoDstTiles) {
  std::vector<float> in = Values(2 * kTileElements, 5, -3.0f, 3.0f, DataFormat::Float16_b);
  // Special pairs (A in tile 0, B in tile 1): signed zeros both ways, infinities, equal values.
  const float pairs[][2] = {{-0.0f, 0.0f}, {0.0f, -0.0f}, {INFINITY, 1.0f}, {-INFINITY, -1.0f}, {2.5f, 2.5f}};
  for (size_t i = 0; i < std::size(pairs); ++i) {
    in[i] = pairs[i][0];
    in[kTileElements + i] = pairs[i][1];
  }
  KernelBuilder k("max_min", KernelRole::Compute);
  k.init_sfpu(0u, 16u);
  k.cb_wait_front(0u, 2u);
  k.tile_regs_acquire();
  k.copy_tile(0u, 0u, 2u);
  k.copy_tile(0u, 1u, 3u);
  k.binary_max_tile_init();
  k.binary_max_tile(2u, 3u, 0u);  // a separate output tile
  k.binary_min_tile_init();
  k.binary_min_tile(2u, 3u, 1u);
  k.binary_max_tile(2u, 3u, 2u);  // in place over the first operand (the older two-argument form)
  PackAndFinish(k, 3, 2);
  const std::vector<float> out = RunOnTiles(k, in, 3, DataFormat::Float16_b);
  for (uint32_t i = 0; i < kTileElements; ++i) {
    const float a = in[i], b = in[kTileElements + i];
    const uint32_t max_bits = std::bit_cast<uint32_t>(ReferenceMax(a, b));
    ASSERT_EQ(std::bit_cast<uint32_t>(out[i]), max_bits) << "max element " << i << ": " << a << ", " << b;
    ASSERT_EQ(std::bit_cast<uint32_t>(out[kTileElements + i]), std::bit_cast<uint32_t>(ReferenceMin(a, b)))
        << "min element " << i << ": " << a << ", " << b;
    ASSERT_EQ(std::bit_cast<uint32_t>(out[2 * kTileElements + i]), max_bits) << "in-place max element " << i;
  }
}

TEST(ComputeExtra, BinaryMaxOutputIndexBeyondTheSectionTraps) {
  Device device(DeviceConfig{});
  KernelBuilder k("max_too_far", KernelRole::Compute, "max_too_far.cpp");
  k.tile_regs_acquire();
  k.at(4);
  k.binary_max_tile(0u, 1u, 8u);  // a bf16 DST section holds 8 tiles
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {kCore})};
  p.cores.push_back(CoreResources{kCore, {}, {}});
  const RunResult r = RunCollecting(device, p).result;
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("max_too_far.cpp:4"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("binary_max_tile: DST index 8 is out of range"), std::string::npos) << r.message;
}

// The timing engine charges an intrinsic named NAME_tile the profile's SFPU cost of NAME; an op missing from
// a profile would cost nothing. copy_tile, pack_tile and transpose_wh_tile are unpack / pack work instead.
TEST(ComputeExtra, EverySfpuIntrinsicHasACostInEveryProfile) {
  const std::filesystem::path dir = std::filesystem::path(TILESIM_SOURCE_DIR) / "profiles";
  for (const char* file : {"wormhole_b0.json", "blackhole.json", "grayskull.json"}) {
    const timing::ComputeCosts costs(timing::LoadDeviceProfile(dir / file));
    for (uint32_t i = 0; i < bc::kNumIntrinsics; ++i) {
      const std::string_view name = bc::kIntrinsicInfo[i].name;
      if (!name.ends_with("_tile") || name == "copy_tile" || name == "pack_tile" || name == "transpose_wh_tile") continue;
      const auto cycles = costs.SfpuTileCycles(name.substr(0, name.size() - 5));
      ASSERT_TRUE(cycles.has_value()) << file << " has no sfpu.cycles_per_tile entry for " << name;
      EXPECT_GT(*cycles, 0.0) << file << " " << name;
    }
  }
}

}  // namespace
}  // namespace tilesim::emu::testing
