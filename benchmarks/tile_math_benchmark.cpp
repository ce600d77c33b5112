// Tile math speed: ns per MatmulAccumulate at each fidelity (on tiles, and on prepared operands), per
// operand preparation, Unpack / Pack, and a whole 1024^3 GEMM
// done as 32768 tile calls (unpacking both operand tiles each time) next to Eigen's fp32 GEMM of the same
// size on the same thread. Build: links tilesim_emulator, benchmark::benchmark and Eigen3::Eigen.
#include <benchmark/benchmark.h>

// g++ 12 with AVX-512 reports a false "may be used uninitialized" inside its own avx512fintrin.h
// (_mm512_undefined_ps) when Eigen's GEMM packing is inlined into this file; the warning is not ours.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "emulator/tile_math/tile_math.h"
#include "tilesim/data_format.h"

namespace {

using tilesim::DataFormat;
using tilesim::MathFidelity;
using tilesim::emu::tile::MathConfig;
using tilesim::emu::tile::PreparedOperand;
using tilesim::emu::tile::Tile;

Tile RandomBf16Tile(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Tile tile;
  for (float& v : tile.v) v = tilesim::RoundToBf16(dist(rng));
  return tile;
}

std::vector<uint8_t> PackedTile(const Tile& tile, DataFormat format) {
  std::vector<uint8_t> bytes(tilesim::TileSizeBytes(format));
  tilesim::emu::tile::Pack(tile, format, bytes.data());
  return bytes;
}

void BM_MatmulAccumulate(benchmark::State& state) {
  const MathConfig config{.fidelity = static_cast<MathFidelity>(state.range(0)), .fp32_dest = state.range(1) != 0};
  const Tile a = RandomBf16Tile(1), b = RandomBf16Tile(2);
  Tile dst{};
  for (auto _ : state) {
    tilesim::emu::tile::MatmulAccumulate(a, b, false, config, dst);
    benchmark::DoNotOptimize(dst);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(tilesim::ToString(config.fidelity)) + (config.fp32_dest ? " fp32 DST" : " bf16 DST"));
}
BENCHMARK(BM_MatmulAccumulate)
    ->ArgsProduct({{static_cast<int64_t>(MathFidelity::LoFi), static_cast<int64_t>(MathFidelity::HiFi2),
                    static_cast<int64_t>(MathFidelity::HiFi3), static_cast<int64_t>(MathFidelity::HiFi4)},
                   {0, 1}});

// What one matmul_tiles costs the emulator: unpack both operand tiles from CB bytes, then multiply.
void BM_UnpackTwoAndMatmul(benchmark::State& state) {
  const MathConfig config{.fidelity = static_cast<MathFidelity>(state.range(0))};
  const std::vector<uint8_t> a = PackedTile(RandomBf16Tile(3), DataFormat::Float16_b);
  const std::vector<uint8_t> b = PackedTile(RandomBf16Tile(4), DataFormat::Float16_b);
  Tile ta, tb, dst{};
  for (auto _ : state) {
    tilesim::emu::tile::Unpack(a.data(), DataFormat::Float16_b, ta);
    tilesim::emu::tile::Unpack(b.data(), DataFormat::Float16_b, tb);
    tilesim::emu::tile::MatmulAccumulate(ta, tb, false, config, dst);
    benchmark::DoNotOptimize(dst);
  }
  state.SetLabel(std::string(tilesim::ToString(config.fidelity)));
}
BENCHMARK(BM_UnpackTwoAndMatmul)
    ->Arg(static_cast<int64_t>(MathFidelity::LoFi))
    ->Arg(static_cast<int64_t>(MathFidelity::HiFi4));

// The product alone, on operands prepared once (what matmul_tiles costs when both operands are cached).
void BM_MatmulPrepared(benchmark::State& state) {
  const MathConfig config{.fidelity = static_cast<MathFidelity>(state.range(0)), .fp32_dest = state.range(1) != 0};
  auto left = std::make_unique<PreparedOperand>();
  auto right = std::make_unique<PreparedOperand>();
  tilesim::emu::tile::PrepareLeft(RandomBf16Tile(1), config, *left);
  tilesim::emu::tile::PrepareRight(RandomBf16Tile(2), false, config, *right);
  Tile dst{};
  for (auto _ : state) {
    tilesim::emu::tile::MatmulAccumulate(*left, *right, config, dst);
    benchmark::DoNotOptimize(dst);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(tilesim::ToString(config.fidelity)) + (config.fp32_dest ? " fp32 DST" : " bf16 DST"));
}
BENCHMARK(BM_MatmulPrepared)
    ->ArgsProduct({{static_cast<int64_t>(MathFidelity::LoFi), static_cast<int64_t>(MathFidelity::HiFi3),
                    static_cast<int64_t>(MathFidelity::HiFi4)},
                   {0, 1}});

// Preparing one operand from CB bytes: unpack, source format and fidelity slices in one pass.
void BM_PrepareFromCb(benchmark::State& state) {
  const auto format = static_cast<DataFormat>(state.range(0));
  const bool right_side = state.range(1) != 0;
  const MathConfig config{.fidelity = MathFidelity::HiFi4};
  const std::vector<uint8_t> bytes = PackedTile(RandomBf16Tile(7), format);
  auto operand = std::make_unique<PreparedOperand>();
  for (auto _ : state) {
    if (right_side) {
      tilesim::emu::tile::PrepareRight(bytes.data(), format, false, config, *operand);
    } else {
      tilesim::emu::tile::PrepareLeft(bytes.data(), format, config, *operand);
    }
    benchmark::DoNotOptimize(operand->slices[0][0]);
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::string(tilesim::ToString(format)) + (right_side ? " right" : " left") + ", HiFi4");
}
BENCHMARK(BM_PrepareFromCb)->ArgsProduct({{static_cast<int64_t>(DataFormat::Float16_b), static_cast<int64_t>(DataFormat::Float32)}, {0, 1}});

void BM_Unpack(benchmark::State& state) {
  const auto format = static_cast<DataFormat>(state.range(0));
  const std::vector<uint8_t> bytes = PackedTile(RandomBf16Tile(5), format);
  Tile tile;
  for (auto _ : state) {
    tilesim::emu::tile::Unpack(bytes.data(), format, tile);
    benchmark::DoNotOptimize(tile);
  }
  state.SetLabel(std::string(tilesim::ToString(format)));
}
BENCHMARK(BM_Unpack)->Arg(static_cast<int64_t>(DataFormat::Float16_b))->Arg(static_cast<int64_t>(DataFormat::Float32));

void BM_Pack(benchmark::State& state) {
  const auto format = static_cast<DataFormat>(state.range(0));
  const Tile tile = RandomBf16Tile(6);
  std::vector<uint8_t> bytes(tilesim::TileSizeBytes(format));
  for (auto _ : state) {
    tilesim::emu::tile::Pack(tile, format, bytes.data());
    benchmark::DoNotOptimize(bytes.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::string(tilesim::ToString(format)));
}
BENCHMARK(BM_Pack)->Arg(static_cast<int64_t>(DataFormat::Float16_b))->Arg(static_cast<int64_t>(DataFormat::Float32));

constexpr int kGemmTiles = 32;  // 1024 / 32 tiles along each dimension

// C (1024x1024) = A x B the way one Tensix core runs it: for each output tile, for each k tile, unpack
// the two operand tiles and accumulate. One host thread; compare with BM_EigenGemm1024 below.
void BM_TileGemm1024(benchmark::State& state) {
  const MathConfig config{.fidelity = static_cast<MathFidelity>(state.range(0))};
  std::vector<std::vector<uint8_t>> a_tiles, b_tiles;
  for (int t = 0; t < kGemmTiles * kGemmTiles; ++t) {
    a_tiles.push_back(PackedTile(RandomBf16Tile(100 + t), DataFormat::Float16_b));
    b_tiles.push_back(PackedTile(RandomBf16Tile(5000 + t), DataFormat::Float16_b));
  }
  std::vector<uint8_t> out(tilesim::TileSizeBytes(DataFormat::Float16_b));
  Tile ta, tb, dst;
  for (auto _ : state) {
    for (int i = 0; i < kGemmTiles; ++i) {
      for (int j = 0; j < kGemmTiles; ++j) {
        dst = Tile{};
        for (int k = 0; k < kGemmTiles; ++k) {
          tilesim::emu::tile::Unpack(a_tiles[i * kGemmTiles + k].data(), DataFormat::Float16_b, ta);
          tilesim::emu::tile::Unpack(b_tiles[k * kGemmTiles + j].data(), DataFormat::Float16_b, tb);
          tilesim::emu::tile::MatmulAccumulate(ta, tb, false, config, dst);
        }
        tilesim::emu::tile::Pack(dst, DataFormat::Float16_b, out.data());
        benchmark::DoNotOptimize(out.data());
      }
    }
  }
  state.SetLabel(std::string(tilesim::ToString(config.fidelity)) + ", 1 thread");
}
BENCHMARK(BM_TileGemm1024)
    ->Arg(static_cast<int64_t>(MathFidelity::LoFi))
    ->Arg(static_cast<int64_t>(MathFidelity::HiFi4))
    ->Unit(benchmark::kMillisecond);

// The same GEMM with prepared operands, in the order the GEMM workload's compute kernel reuses them: each A
// tile is prepared once per output row of tiles and used for all 32 output tiles of that row; B tiles are
// prepared at every use. One host thread.
void BM_TileGemm1024Prepared(benchmark::State& state) {
  const MathConfig config{.fidelity = static_cast<MathFidelity>(state.range(0))};
  std::vector<std::vector<uint8_t>> a_tiles, b_tiles;
  for (int t = 0; t < kGemmTiles * kGemmTiles; ++t) {
    a_tiles.push_back(PackedTile(RandomBf16Tile(100 + t), DataFormat::Float16_b));
    b_tiles.push_back(PackedTile(RandomBf16Tile(5000 + t), DataFormat::Float16_b));
  }
  std::vector<uint8_t> out(tilesim::TileSizeBytes(DataFormat::Float16_b));
  auto left = std::make_unique<PreparedOperand>();
  auto right = std::make_unique<PreparedOperand>();
  std::vector<Tile> row(kGemmTiles);
  for (auto _ : state) {
    for (int i = 0; i < kGemmTiles; ++i) {
      for (Tile& t : row) t = Tile{};
      for (int k = 0; k < kGemmTiles; ++k) {
        tilesim::emu::tile::PrepareLeft(a_tiles[i * kGemmTiles + k].data(), DataFormat::Float16_b, config, *left);
        for (int j = 0; j < kGemmTiles; ++j) {
          tilesim::emu::tile::PrepareRight(b_tiles[k * kGemmTiles + j].data(), DataFormat::Float16_b, false, config,
                                           *right);
          tilesim::emu::tile::MatmulAccumulate(*left, *right, config, row[j]);
        }
      }
      for (const Tile& t : row) {
        tilesim::emu::tile::Pack(t, DataFormat::Float16_b, out.data());
        benchmark::DoNotOptimize(out.data());
      }
    }
  }
  state.SetLabel(std::string(tilesim::ToString(config.fidelity)) + ", 1 thread");
}
BENCHMARK(BM_TileGemm1024Prepared)
    ->Arg(static_cast<int64_t>(MathFidelity::LoFi))
    ->Arg(static_cast<int64_t>(MathFidelity::HiFi4))
    ->Unit(benchmark::kMillisecond);

void BM_EigenGemm1024(benchmark::State& state) {
  const Eigen::MatrixXf a = Eigen::MatrixXf::Random(1024, 1024);
  const Eigen::MatrixXf b = Eigen::MatrixXf::Random(1024, 1024);
  Eigen::MatrixXf c(1024, 1024);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
  }
  state.SetLabel("Eigen fp32, 1 thread");
}
BENCHMARK(BM_EigenGemm1024)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
