// MatmulAccumulate: dst += a x b on 32x32 tiles, with the matrix engine's operand precision (fidelity.h).
//
// Exact order of operations, for every output element (i, j), independent of host and thread count:
//   s = dst[i][j]
//   for k = 0, 1, ..., 31:   s = fp32_round(s + P(i, k, j))
//   dst[i][j] = RoundToDst(s)
// where P is the exact sum of the fidelity phase products of a[i][k] (in0, the SrcB operand) and
// b[k][j] (in1, the SrcA operand; b[j][k] when transposed), both first converted to the source-register
// format. P is exact in fp32 (fidelity.h), so `s + P` is one correctly rounded fp32 addition; the code
// forms it with std::fma(left, right, s), which rounds a*b + s once, i.e. gives the same bits as a
// multiply followed by an add, on every host. Nothing here relies on the compiler's FMA contraction
// (this file is built with -ffp-contract=off).
//
// Speed: the operands are first rewritten as row-major "left" and "right" tiles holding exactly the
// slices a fidelity needs (one pair for LoFi, HiFi2 and HiFi4, two pairs for HiFi3). The product is then
// a register-blocked i-k-j loop: eight rows of the output (8 x 32 fp32 = 16 AVX-512 or 32 AVX2
// registers) stay in registers across k while a[i][k] is broadcast and row k of `right` is streamed.
#include <cmath>
#include <string>

#include "emulator/tile_math/fidelity.h"
#include "emulator/tile_math/tile_math.h"
#include "emulator/vm/trap.h"
#include "tilesim/tile.h"

namespace tilesim::emu::tile {
namespace {

constexpr int kN = static_cast<int>(kTileCols);  // 32: rows, columns and the k extent of a tile product
constexpr int kBlockRows = 8;                     // output rows kept in registers across k

struct alignas(64) Operand {
  float v[kTileElements];
};

// Which operand slices a fidelity multiplies (see fidelity.h): P = left1 * right1 [+ left2 * right2].
enum class LeftSlice { High, Low, Full };    // of the SrcB operand (in0): high = implicit 1 + 6 bits
enum class RightSlice { High, Used };        // of the SrcA operand (in1): high = implicit 1 + 4 bits

void WriteLeft(const Tile& a, uint32_t format_mask, LeftSlice slice, Operand& out) {
  for (uint32_t i = 0; i < kTileElements; ++i) {
    const float src = ToSrcFormat(a.v[i], format_mask);
    out.v[i] = slice == LeftSlice::Full  ? src
               : slice == LeftSlice::High ? HighSlice(src, kSrcBHighMask)
                                          : LowSlice(src, kSrcBHighMask);
  }
}

// `right` is b in row-major k x j order; transposed first if asked, so the kernel always streams rows.
void WriteRight(const Tile& b, bool transpose, uint32_t format_mask, RightSlice slice, Operand& out) {
  const float* source = b.v;
  Operand transposed;
  if (transpose) {
    for (int k = 0; k < kN; ++k) {
      for (int j = 0; j < kN; ++j) transposed.v[k * kN + j] = b.v[j * kN + k];
    }
    source = transposed.v;
  }
  const uint32_t slice_mask = slice == RightSlice::High ? kSrcAHighMask : kSrcAUsedMask;
  for (uint32_t i = 0; i < kTileElements; ++i) {
    out.v[i] = HighSlice(ToSrcFormat(source[i], format_mask), slice_mask);
  }
}

// c[r][j] = fma(left[r][k], right[k][j], c[r][j]) for k = 0..31 in order, for kBlockRows rows of c.
// noinline and __restrict keep g++'s vectoriser on this loop nest: inlined into MatmulAccumulate it chose
// scalar code (7 us instead of 0.5 us per call). benchmarks/tile_math_benchmark.cpp watches this.
[[gnu::noinline]] void SingleProductBlock(const float* __restrict left, const float* __restrict right,
                                        float* __restrict c) {
  float acc[kBlockRows][kN];
  for (int r = 0; r < kBlockRows; ++r) {
    for (int j = 0; j < kN; ++j) acc[r][j] = c[r * kN + j];
  }
  for (int k = 0; k < kN; ++k) {
    const float* right_row = right + k * kN;
    for (int r = 0; r < kBlockRows; ++r) {
      const float l = left[r * kN + k];
#pragma GCC unroll 32
      for (int j = 0; j < kN; ++j) acc[r][j] = std::fma(l, right_row[j], acc[r][j]);
    }
  }
  for (int r = 0; r < kBlockRows; ++r) {
    for (int j = 0; j < kN; ++j) c[r * kN + j] = acc[r][j];
  }
}

// As SingleProductBlock with P = fma(left2, right2, left1 * right1), which is exact (fidelity.h), then
// c += P. Used by HiFi3 only.
[[gnu::noinline]] void TwoProductBlock(const float* __restrict left1, const float* __restrict right1,
                                     const float* __restrict left2, const float* __restrict right2,
                                     float* __restrict c) {
  float acc[kBlockRows][kN];
  for (int r = 0; r < kBlockRows; ++r) {
    for (int j = 0; j < kN; ++j) acc[r][j] = c[r * kN + j];
  }
  for (int k = 0; k < kN; ++k) {
    const float* right1_row = right1 + k * kN;
    const float* right2_row = right2 + k * kN;
    for (int r = 0; r < kBlockRows; ++r) {
      const float l1 = left1[r * kN + k];
      const float l2 = left2[r * kN + k];
#pragma GCC unroll 32
      for (int j = 0; j < kN; ++j) {
        const float product = std::fma(l2, right2_row[j], l1 * right1_row[j]);
        acc[r][j] = acc[r][j] + product;
      }
    }
  }
  for (int r = 0; r < kBlockRows; ++r) {
    for (int j = 0; j < kN; ++j) c[r * kN + j] = acc[r][j];
  }
}

}  // namespace

void MatmulAccumulate(const Tile& a, const Tile& b, bool transpose_b, const MathConfig& config, Tile& dst) {
  const uint32_t format_mask = SrcFormatMask(config.fp32_dest);
  // The operands are copied before dst is written, so dst may alias a or b.
  Operand left1, right1;
  switch (config.fidelity) {
    case MathFidelity::LoFi:
      WriteLeft(a, format_mask, LeftSlice::High, left1);
      WriteRight(b, transpose_b, format_mask, RightSlice::High, right1);
      break;
    case MathFidelity::HiFi2:
      WriteLeft(a, format_mask, LeftSlice::High, left1);
      WriteRight(b, transpose_b, format_mask, RightSlice::Used, right1);
      break;
    case MathFidelity::HiFi3: {
      Operand left2, right2;
      WriteLeft(a, format_mask, LeftSlice::High, left1);
      WriteRight(b, transpose_b, format_mask, RightSlice::Used, right1);
      WriteLeft(a, format_mask, LeftSlice::Low, left2);
      WriteRight(b, transpose_b, format_mask, RightSlice::High, right2);
      for (int i = 0; i < kN; i += kBlockRows) {
        TwoProductBlock(left1.v + i * kN, right1.v, left2.v + i * kN, right2.v, dst.v + i * kN);
      }
      RoundToDst(dst, config);
      return;
    }
    case MathFidelity::HiFi4:
      WriteLeft(a, format_mask, LeftSlice::Full, left1);
      WriteRight(b, transpose_b, format_mask, RightSlice::Used, right1);
      break;
    default:
      throw KernelTrap("MatmulAccumulate: math fidelity value " +
                       std::to_string(static_cast<unsigned>(config.fidelity)) +
                       " is not one of LoFi, HiFi2, HiFi3, HiFi4");
  }
  for (int i = 0; i < kN; i += kBlockRows) SingleProductBlock(left1.v + i * kN, right1.v, dst.v + i * kN);
  RoundToDst(dst, config);
}

}  // namespace tilesim::emu::tile
