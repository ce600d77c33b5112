// Tile math speed: ns per MatmulAccumulate at each fidelity, per Unpack / Pack, and a whole 1024^3 GEMM
// done as 32768 tile calls (unpacking both operand tiles each time) next to Eigen's fp32 GEMM of the same
// size on the same thread. Build: links tilesim_emulator, benchmark::benchmark and Eigen3::Eigen.
#include <benchmark/benchmark.h>

// g++ 12 with AVX-512 reports a false "may be used uninitialized" inside its own avx512fintrin.h
// (_mm512_undefined_ps) when Eigen's GEMM packing is inlined into this file; the warning is not ours.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Core>
#include <cstdint>
#include <random>
#include <vector>

#include "emulator/tile_math/tile_math.h"
#include "tilesim/data_format.h"

namespace {

using tilesim::DataFormat;
using tilesim::MathFidelity;
using tilesim::emu::tile::MathConfig;
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

void BM_EigenGemm1024(benchmark::State& state) {
  Eigen::setNbThreads(1);
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
