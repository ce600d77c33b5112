// The broadcast binary ops of tt-metal's bcast.h end to end: DRAM -> reader (A into CB 0, B into CB 1) ->
// compute (KernelBuilder) -> writer -> DRAM, checked element by element against scalar loops over the
// row-major data (B's row / column 0 / element (0, 0) picked by index here, independently of the face layout
// the tiles travel in), and against the element-wise tile math (tile::Mul) where fidelity matters. Also: the
// SrcB broadcast on its own, the row-index trap, and the FPU cycles the timing model charges.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <vector>

#include "emulator/tile_math/broadcast.h"
#include "emulator/timing/compute_costs.h"
#include "emulator/timing/device_profile.h"
#include "emulator/timing/timing_engine.h"
#include "emulator/vm/trap.h"
#include "emulator_test_util.h"
#include "tilesim/tile.h"

namespace tilesim::emu::testing {
namespace {

constexpr uint32_t kA = 0x0, kB = 0x100000, kOut = 0x200000;  // DRAM buffer bases
const CoreCoord kCore{3, 2};

ProgramSpec Pipeline(KernelBuilder& compute, uint32_t tiles, DataFormat format, const ComputeSpec& spec,
                     std::vector<uint32_t> compute_args) {
  const uint32_t page = TileSizeBytes(format);
  ProgramSpec p;
  p.kernels = {Place(PairReader(kA, kB), {kCore}, {{tiles, page}}), Place(Compile(compute), {kCore}, {std::move(compute_args)}),
               Place(DramWriter(16), {kCore}, {{kOut, tiles, page}})};
  p.kernels[1].compute = spec;
  p.cores.push_back(CoreResources{
      kCore, {Cb(0, 0x10000, page, 2, format), Cb(1, 0x20000, page, 2, format), Cb(16, 0x30000, page, 2, format)}, {}});
  return p;
}

// Runs `compute` over `a` and `b` (row-major tiles, as many of each) and returns the output tiles row-major.
std::vector<float> RunBcast(KernelBuilder& compute, const std::vector<float>& a, const std::vector<float>& b,
                       DataFormat format, ComputeSpec spec = {}, std::vector<uint32_t> compute_args = {}) {
  Device device(DeviceConfig{});
  const uint32_t page = TileSizeBytes(format);
  const auto tiles = static_cast<uint32_t>(a.size() / kTileElements);
  WriteInterleaved(device, kA, page, TileBytes(a, format));
  WriteInterleaved(device, kB, page, TileBytes(b, format));
  const Outcome out = RunCollecting(device, Pipeline(compute, tiles, format, spec, std::move(compute_args)));
  EXPECT_TRUE(out.result.ok()) << out.result.message;
  return RowMajorTiles(ReadInterleaved(device, kOut, page, tiles), format);
}

// The compute loop: per tile, `op` writes DST 0 from the fronts of CB 0 and CB 1, then DST 0 is packed.
template <typename Op>
void EachTile(KernelBuilder& k, uint32_t tiles, Op op) {
  k.binary_op_init_common(0u, 1u, 16u);
  k.for_("t", 0u, tiles, [&](Expr t) {
    k.cb_wait_front(0u, 1u);
    k.cb_wait_front(1u, 1u);
    k.tile_regs_acquire();
    op(t);
    k.tile_regs_commit();
    k.tile_regs_wait();
    k.cb_reserve_back(16u, 1u);
    k.pack_tile(0u, 16u);
    k.cb_push_back(16u, 1u);
    k.tile_regs_release();
    k.cb_pop_front(0u, 1u);
    k.cb_pop_front(1u, 1u);
  });
}

enum class Op { Add, Sub, Mul };
enum class Dim { Rows, Cols, Scalar };
struct BcastCase {
  Op op;
  Dim dim;
};
std::string Name(const BcastCase& c) {
  const char* ops[] = {"Add", "Sub", "Mul"};
  const char* dims[] = {"Rows", "Cols", "Scalar"};
  return std::string(ops[static_cast<int>(c.op)]) + dims[static_cast<int>(c.dim)];
}

// Row-major index of the B element that output (r, c) reads: the broadcast written as a scalar loop.
uint32_t BroadcastSource(Dim dim, uint32_t r, uint32_t c, uint32_t row = 0) {
  switch (dim) {
    case Dim::Rows: return row * kTileCols + c;
    case Dim::Cols: return r * kTileCols;
    case Dim::Scalar: return 0;
  }
  return 0;
}

void EmitInit(KernelBuilder& k, const BcastCase& c) {
  const uint32_t in0 = 0, in1 = 1;
  switch (c.dim) {
    case Dim::Rows:
      if (c.op == Op::Add) k.add_bcast_rows_init_short(in0, in1);
      if (c.op == Op::Sub) k.sub_bcast_rows_init_short(in0, in1);
      if (c.op == Op::Mul) k.mul_bcast_rows_init_short(in0, in1);
      break;
    case Dim::Cols:
      if (c.op == Op::Add) k.add_bcast_cols_init_short(in0, in1);
      if (c.op == Op::Sub) k.sub_bcast_cols_init_short(in0, in1);
      if (c.op == Op::Mul) k.mul_bcast_cols_init_short(in0, in1);
      break;
    case Dim::Scalar:
      if (c.op == Op::Add) k.add_bcast_scalar_init_short(in0, in1);
      if (c.op == Op::Sub) k.sub_tiles_bcast_scalar_init_short(in0, in1);
      if (c.op == Op::Mul) k.mul_tiles_bcast_scalar_init_short(in0, in1);
      break;
  }
}

// DST 0 = CB 0 front op broadcast(CB 1 front); rows broadcast row `row`.
void EmitOp(KernelBuilder& k, const BcastCase& c, Expr row) {
  const uint32_t in0 = 0, in1 = 1, t0 = 0, t1 = 0, dst = 0;
  switch (c.dim) {
    case Dim::Rows:
      if (c.op == Op::Add) k.add_tiles_bcast_rows(in0, in1, t0, t1, dst, row);
      if (c.op == Op::Sub) k.sub_tiles_bcast_rows(in0, in1, t0, t1, dst, row);
      if (c.op == Op::Mul) k.mul_tiles_bcast_rows(in0, in1, t0, t1, dst, row);
      break;
    case Dim::Cols:
      if (c.op == Op::Add) k.add_tiles_bcast_cols(in0, in1, t0, t1, dst);
      if (c.op == Op::Sub) k.sub_tiles_bcast_cols(in0, in1, t0, t1, dst);
      if (c.op == Op::Mul) k.mul_tiles_bcast_cols(in0, in1, t0, t1, dst);
      break;
    case Dim::Scalar:
      if (c.op == Op::Add) k.add_tiles_bcast_scalar(in0, in1, t0, t1, dst);
      if (c.op == Op::Sub) k.sub_tiles_bcast_scalar(in0, in1, t0, t1, dst);
      if (c.op == Op::Mul) k.mul_tiles_bcast_scalar(in0, in1, t0, t1, dst);
      break;
  }
}

float Apply(Op op, float x, float y) {
  switch (op) {
    case Op::Add: return x + y;
    case Op::Sub: return x - y;
    case Op::Mul: return x * y;
  }
  return 0;
}

TEST(BroadcastTileMath, RowColumnAndScalarRepeatTheRightElements) {
  tile::Tile index;
  for (uint32_t i = 0; i < kTileElements; ++i) index.v[i] = static_cast<float>(i);
  for (uint32_t row : {0u, 5u, 16u, 31u}) {
    tile::Tile b = index;
    tile::BroadcastInPlace(tile::BroadcastDim::Row, row, b);
    for (uint32_t i = 0; i < kTileElements; ++i) ASSERT_EQ(b.v[i], static_cast<float>(row * 32 + i % 32)) << row << " " << i;
  }
  tile::Tile cols = index;
  tile::BroadcastInPlace(tile::BroadcastDim::Col, 7, cols);  // the row argument is not read for Col
  for (uint32_t i = 0; i < kTileElements; ++i) ASSERT_EQ(cols.v[i], static_cast<float>(i / 32 * 32)) << i;
  tile::Tile scalar = index;
  scalar.v[0] = -2.5f;
  tile::BroadcastInPlace(tile::BroadcastDim::Scalar, 0, scalar);
  for (uint32_t i = 0; i < kTileElements; ++i) ASSERT_EQ(scalar.v[i], -2.5f) << i;
}

TEST(BroadcastTileMath, RowPastTheTileTraps) {
  tile::Tile b{};
  EXPECT_THROW(tile::BroadcastInPlace(tile::BroadcastDim::Row, 32, b), KernelTrap);
}

class BcastOp : public ::testing::TestWithParam<BcastCase> {};

// bf16 in, bf16 DST, HiFi4: each result is the fp32 sum / difference / product (exact for bf16 operands'
// products) rounded to bf16, exactly as add_tiles / sub_tiles / mul_tiles compute element-wise.
TEST_P(BcastOp, MatchesAScalarLoopOnBf16Tiles) {
  const BcastCase param = GetParam();
  constexpr uint32_t kTiles = 2;
  const std::vector<float> a = Values(kTiles * kTileElements, 21, -6.0f, 6.0f, DataFormat::Float16_b);
  const std::vector<float> b = Values(kTiles * kTileElements, 22, -3.0f, 3.0f, DataFormat::Float16_b);
  KernelBuilder k("bcast_" + Name(param), KernelRole::Compute);
  EachTile(k, kTiles, [&](Expr) {
    EmitInit(k, param);
    EmitOp(k, param, k.u32(0));
  });
  const std::vector<float> out = RunBcast(k, a, b, DataFormat::Float16_b);
  for (uint32_t t = 0; t < kTiles; ++t) {
    for (uint32_t r = 0; r < kTileRows; ++r) {
      for (uint32_t c = 0; c < kTileCols; ++c) {
        const size_t i = t * kTileElements + r * kTileCols + c;
        const float y = b[t * kTileElements + BroadcastSource(param.dim, r, c)];
        ASSERT_EQ(out[i], RoundToBf16(Apply(param.op, a[i], y))) << Name(param) << " tile " << t << " (" << r << "," << c << ")";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Ops, BcastOp,
    ::testing::Values(BcastCase{Op::Add, Dim::Rows}, BcastCase{Op::Sub, Dim::Rows}, BcastCase{Op::Mul, Dim::Rows},
                      BcastCase{Op::Add, Dim::Cols}, BcastCase{Op::Sub, Dim::Cols}, BcastCase{Op::Mul, Dim::Cols},
                      BcastCase{Op::Add, Dim::Scalar}, BcastCase{Op::Sub, Dim::Scalar}, BcastCase{Op::Mul, Dim::Scalar}),
    [](const auto& info) { return Name(info.param); });

// fp32 end to end with B's elements their own indices, so every output names the B element it read: row 17
// lies in faces 2 and 3 of the tile, row 5 in faces 0 and 1. The row index is a runtime argument.
TEST(Bcast, RowIndexPicksThatRowOfBInEitherFaceRow) {
  std::vector<float> a(2 * kTileElements), b(2 * kTileElements);
  for (uint32_t i = 0; i < b.size(); ++i) {
    b[i] = static_cast<float>(i % kTileElements);
    a[i] = static_cast<float>(static_cast<int>(i % 7) - 3) * 4096.0f;  // sums stay exact in TF32 SrcA / SrcB
  }
  KernelBuilder k("bcast_row_index", KernelRole::Compute);
  EachTile(k, 2, [&](Expr t) {
    k.add_bcast_rows_init_short(0u, 1u);
    k.add_tiles_bcast_rows(0u, 1u, 0u, 0u, 0u, k.get_arg_val(t));
  });
  ComputeSpec spec;
  spec.fp32_dest_acc_en = true;
  const uint32_t rows[] = {17, 5};
  const std::vector<float> out = RunBcast(k, a, b, DataFormat::Float32, spec, {rows[0], rows[1]});
  for (uint32_t t = 0; t < 2; ++t) {
    for (uint32_t r = 0; r < kTileRows; ++r) {
      for (uint32_t c = 0; c < kTileCols; ++c) {
        const size_t i = t * kTileElements + r * kTileCols + c;
        ASSERT_EQ(out[i], a[i] + static_cast<float>(rows[t] * kTileCols + c)) << "tile " << t << " (" << r << "," << c << ")";
      }
    }
  }
}

// fp32 data, fp32 DST: mul_tiles_bcast_cols is tile::Mul (the element-wise engine, TF32 operands and the
// fidelity's partial products) of A and B with column 0 spread by a scalar loop; LoFi drops product bits
// HiFi4 keeps, so the fidelity is visibly applied.
TEST(Bcast, MulColsAppliesTheMathFidelityLikeMulTiles) {
  const std::vector<float> a = Values(kTileElements, 31, -2.0f, 2.0f, DataFormat::Float32);
  const std::vector<float> b = Values(kTileElements, 32, -2.0f, 2.0f, DataFormat::Float32);
  tile::Tile ta, spread;
  for (uint32_t r = 0; r < kTileRows; ++r) {
    for (uint32_t c = 0; c < kTileCols; ++c) {
      ta.v[r * kTileCols + c] = a[r * kTileCols + c];
      spread.v[r * kTileCols + c] = b[BroadcastSource(Dim::Cols, r, c)];
    }
  }
  std::vector<float> results[2];
  const MathFidelity fidelities[] = {MathFidelity::LoFi, MathFidelity::HiFi4};
  for (int f = 0; f < 2; ++f) {
    KernelBuilder k("bcast_mul_fidelity", KernelRole::Compute);
    EachTile(k, 1, [&](Expr) {
      k.mul_bcast_cols_init_short(0u, 1u);
      k.mul_tiles_bcast_cols(0u, 1u, 0u, 0u, 0u);
    });
    ComputeSpec spec;
    spec.fp32_dest_acc_en = true;
    spec.math_fidelity = fidelities[f];
    results[f] = RunBcast(k, a, b, DataFormat::Float32, spec);
    tile::Tile expected;
    tile::Mul(ta, spread, tile::MathConfig{.fidelity = fidelities[f], .fp32_dest = true}, expected);
    for (uint32_t i = 0; i < kTileElements; ++i) {
      ASSERT_EQ(std::bit_cast<uint32_t>(results[f][i]), std::bit_cast<uint32_t>(expected.v[i]))
          << ToString(fidelities[f]) << " element " << i;
    }
  }
  size_t differing = 0;
  for (uint32_t i = 0; i < kTileElements; ++i) differing += results[0][i] != results[1][i];
  EXPECT_GT(differing, kTileElements / 2) << "LoFi and HiFi4 products should differ for random fp32 operands";
}

TEST(Bcast, RowIndexPastTheTileTrapsWithItsLocation) {
  const std::vector<float> zeros(kTileElements, 0.0f);
  KernelBuilder k("bcast_bad_row", KernelRole::Compute, "bcast_bad_row.cpp");
  EachTile(k, 1, [&](Expr) {
    k.at(9);
    k.sub_tiles_bcast_rows(0u, 1u, 0u, 0u, 0u, 32u);
  });
  Device device(DeviceConfig{});
  WriteInterleaved(device, kA, 2048, TileBytes(zeros, DataFormat::Float16_b));
  WriteInterleaved(device, kB, 2048, TileBytes(zeros, DataFormat::Float16_b));
  const RunResult r = RunCollecting(device, Pipeline(k, 1, DataFormat::Float16_b, {}, {})).result;
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("bcast_bad_row.cpp:9"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("sub_tiles_bcast_rows: broadcast row 32 is not a row of the tile"), std::string::npos)
      << r.message;
}

// The timing model charges a broadcast op the element-wise op's cycles from the profile: the math of add /
// sub one fixed cost, of mul the cost of the kernel's fidelity; both operand tiles unpacked meanwhile.
TEST(Bcast, TimingChargesTheEltwiseFpuCycles) {
  const timing::DeviceProfile profile = timing::LoadDeviceProfileByName("wormhole_b0");
  const timing::ComputeCosts costs(profile);
  constexpr uint32_t kTiles = 3;
  const std::vector<float> a = Values(kTiles * kTileElements, 41, -1.0f, 1.0f, DataFormat::Float16_b);
  struct Case {
    BcastCase op;
    MathFidelity fidelity;
    double per_tile;
  };
  const Case cases[] = {{{Op::Add, Dim::Rows}, MathFidelity::HiFi4, costs.EltwiseAddTileCycles()},
                        {{Op::Sub, Dim::Scalar}, MathFidelity::HiFi4, costs.EltwiseAddTileCycles()},
                        {{Op::Mul, Dim::Cols}, MathFidelity::HiFi2, costs.EltwiseMulTileCycles(MathFidelity::HiFi2)},
                        {{Op::Mul, Dim::Rows}, MathFidelity::HiFi4, costs.EltwiseMulTileCycles(MathFidelity::HiFi4)}};
  for (const Case& c : cases) {
    KernelBuilder k("bcast_timed", KernelRole::Compute);
    EachTile(k, kTiles, [&](Expr) {
      EmitInit(k, c.op);
      EmitOp(k, c.op, k.u32(0));
    });
    ComputeSpec spec;
    spec.math_fidelity = c.fidelity;
    Device device(DeviceConfig{});
    WriteInterleaved(device, kA, 2048, TileBytes(a, DataFormat::Float16_b));
    WriteInterleaved(device, kB, 2048, TileBytes(a, DataFormat::Float16_b));
    RunOptions options;
    options.record_events = true;
    const RunResult run = emu::Run(device, Pipeline(k, kTiles, DataFormat::Float16_b, spec, {}), options);
    ASSERT_TRUE(run.ok() && run.events) << run.message;
    const perf::PerfResult perf = timing::ReplayEventLog(*run.events, profile);
    double busy = -1;
    for (const perf::KernelTiming& kt : perf.kernels) {
      if (kt.role == static_cast<uint32_t>(KernelRole::Compute)) busy = kt.fpu_cycles;
    }
    // The math alone (the ideal), and the engine's busy time: the math overlapped with unpacking A and B.
    EXPECT_DOUBLE_EQ(perf.fpu_ideal_cycles, kTiles * c.per_tile) << Name(c.op) << " " << ToString(c.fidelity);
    const double unpack = 2 * costs.UnpackTileCycles(DataFormat::Float16_b);
    EXPECT_DOUBLE_EQ(busy, kTiles * std::max(c.per_tile, unpack)) << Name(c.op) << " " << ToString(c.fidelity);
  }
}

}  // namespace
}  // namespace tilesim::emu::testing
