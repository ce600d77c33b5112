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
// Speed: each operand is first prepared (PreparedOperand): converted to the source format and rewritten
// as row-major "left" and "right" tiles holding exactly the slices a fidelity needs (one pair for LoFi,
// HiFi2 and HiFi4, two pairs for HiFi3), in one pass straight from the CB bytes when it comes from a CB.
// The product is then a register-blocked i-k-j loop: eight rows of the output (8 x 32 fp32 = 16 AVX-512
// or 32 AVX2 registers) stay in registers across k while left[i][k] is broadcast and row k of `right` is
// streamed, and the rounding to a bf16 DST happens as those registers are stored.
#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "emulator/tile_math/fidelity.h"
#include "emulator/tile_math/tile_math.h"
#include "emulator/tile_math/tile_math_detail.h"
#include "emulator/vm/trap.h"
#include "tilesim/tile.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace tilesim::emu::tile {
namespace {

using detail::FaceRowOffset;
using detail::RowMajorStart;

constexpr int kN = static_cast<int>(kTileCols);  // 32: rows, columns and the k extent of a tile product
constexpr int kBlockRows = 8;                     // output rows kept in registers across k

// ---- Preparing operands ----

// The slices of a source value an operand side multiplies (fidelity.h): P = left0 * right0 [+ left1 * right1].
enum class Slice : uint8_t {
  Full,      // the whole source value (SrcB, HiFi4)
  SrcBHigh,  // implicit 1 + 6 mantissa bits
  SrcBLow,   // what SrcBHigh leaves
  SrcAHigh,  // implicit 1 + 4 mantissa bits
  SrcAUsed,  // implicit 1 + 9 mantissa bits (TF32's last bit is never multiplied)
};

template <Slice kSlice>
inline float Apply(float src) {
  if constexpr (kSlice == Slice::Full) return src;
  if constexpr (kSlice == Slice::SrcBHigh) return HighSlice(src, kSrcBHighMask);
  if constexpr (kSlice == Slice::SrcBLow) return LowSlice(src, kSrcBHighMask);
  if constexpr (kSlice == Slice::SrcAHigh) return HighSlice(src, kSrcAHighMask);
  if constexpr (kSlice == Slice::SrcAUsed) return HighSlice(src, kSrcAUsedMask);
}

// The mask a slice keeps of a source value (every slice but SrcBLow is a mask). Masking commutes with the
// conversion to the source format, which keeps sign, exponent and at least the quiet-NaN bit, so a masked
// slice is ToSrcFormat(value, format_mask & SliceMask) in one step.
template <Slice kSlice>
constexpr uint32_t SliceMask() {
  static_assert(kSlice != Slice::SrcBLow, "the low slice is a difference, not a mask");
  if constexpr (kSlice == Slice::Full) return 0xffffffffu;
  if constexpr (kSlice == Slice::SrcBHigh) return kSrcBHighMask;
  if constexpr (kSlice == Slice::SrcAHigh) return kSrcAHighMask;
  if constexpr (kSlice == Slice::SrcAUsed) return kSrcAUsedMask;
}

// Where an operand's values come from.
enum class Source : uint8_t { Bf16Faces, Fp32Faces, RowMajor };

// The 16 values of face row (face, row) as fp32. CB bytes are read with memcpy: L1 offsets carry no
// alignment promise.
template <Source kSource>
inline void LoadFaceRow(const void* src, uint32_t face, uint32_t row, float* out) {
  if constexpr (kSource == Source::Bf16Faces) {
    uint16_t halves[kFaceCols];
    std::memcpy(halves, static_cast<const uint8_t*>(src) + FaceRowOffset(face, row, 2), sizeof(halves));
    for (uint32_t c = 0; c < kFaceCols; ++c) out[c] = std::bit_cast<float>(static_cast<uint32_t>(halves[c]) << 16);
  } else if constexpr (kSource == Source::Fp32Faces) {
    std::memcpy(out, static_cast<const uint8_t*>(src) + FaceRowOffset(face, row, 4), kFaceCols * sizeof(float));
  } else {
    std::memcpy(out, static_cast<const float*>(src) + RowMajorStart(face, row), kFaceCols * sizeof(float));
  }
}

// Unpack, source-format conversion and slicing in one pass over the tile, one face row at a time.
template <Source kSource, Slice kFirst, Slice kSecond, bool kTwoSlices>
void PrepareSlices(const void* src, uint32_t format_mask, PreparedOperand& out) {
  for (uint32_t face = 0; face < 4; ++face) {
    for (uint32_t row = 0; row < kFaceRows; ++row) {
      float values[kFaceCols];
      LoadFaceRow<kSource>(src, face, row, values);
      float* first = out.slices[0] + RowMajorStart(face, row);
      float* second = out.slices[1] + RowMajorStart(face, row);
      if constexpr (kTwoSlices) {
        for (uint32_t c = 0; c < kFaceCols; ++c) {
          const float value = ToSrcFormat(values[c], format_mask);
          first[c] = Apply<kFirst>(value);
          second[c] = Apply<kSecond>(value);
        }
      } else {
        const uint32_t mask = format_mask & SliceMask<kFirst>();
        for (uint32_t c = 0; c < kFaceCols; ++c) first[c] = ToSrcFormat(values[c], mask);
      }
    }
  }
}

// The slices each side needs for each fidelity (fidelity.h; HiFi3 = left.High * right.Used +
// left.Low * right.High).
template <Source kSource>
void PrepareFrom(const void* src, MatmulSide side, const MathConfig& config, PreparedOperand& out) {
  const uint32_t mask = SrcFormatMask(config.fp32_dest);
  const bool left = side == MatmulSide::Left;
  switch (config.fidelity) {
    case MathFidelity::LoFi:
      if (left) PrepareSlices<kSource, Slice::SrcBHigh, Slice::Full, false>(src, mask, out);
      else PrepareSlices<kSource, Slice::SrcAHigh, Slice::Full, false>(src, mask, out);
      break;
    case MathFidelity::HiFi2:
      if (left) PrepareSlices<kSource, Slice::SrcBHigh, Slice::Full, false>(src, mask, out);
      else PrepareSlices<kSource, Slice::SrcAUsed, Slice::Full, false>(src, mask, out);
      break;
    case MathFidelity::HiFi3:
      if (left) PrepareSlices<kSource, Slice::SrcBHigh, Slice::SrcBLow, true>(src, mask, out);
      else PrepareSlices<kSource, Slice::SrcAUsed, Slice::SrcAHigh, true>(src, mask, out);
      break;
    case MathFidelity::HiFi4:
      if (left) PrepareSlices<kSource, Slice::Full, Slice::Full, false>(src, mask, out);
      else PrepareSlices<kSource, Slice::SrcAUsed, Slice::Full, false>(src, mask, out);
      break;
  }
  out.side = side;
  out.fidelity = config.fidelity;
  out.fp32_dest = config.fp32_dest;
}

void Transpose(const Tile& in, Tile& out) {
  for (int k = 0; k < kN; ++k) {
    for (int j = 0; j < kN; ++j) out.v[k * kN + j] = in.v[j * kN + k];
  }
}

void CheckPrepared(const PreparedOperand& operand, MatmulSide side, const MathConfig& config) {
  if (operand.side != side || operand.fidelity != config.fidelity || operand.fp32_dest != config.fp32_dest) {
    auto describe = [](MatmulSide s, MathFidelity f, bool fp32) {
      return std::string(s == MatmulSide::Left ? "left" : "right") + " operand, " + std::string(ToString(f)) +
             (fp32 ? ", fp32 DST" : ", bf16 DST");
    };
    throw KernelTrap("MatmulAccumulate: an operand prepared as the " +
                     describe(operand.side, operand.fidelity, operand.fp32_dest) + " was passed as the " +
                     describe(side, config.fidelity, config.fp32_dest));
  }
}

// ---- The product ----

#if defined(__AVX512F__)

// AVX-512 (what g++ makes of the portable loops below runs at half this speed: it broadcasts from a
// register and spills an accumulator). Same operations, same order, so the same bits.

// RoundToBf16Bits on 16 lanes.
inline __m512 RoundToBf16(__m512 value) {
  const __m512i bits = _mm512_castps_si512(value);
  const __m512i high_half = _mm512_set1_epi32(static_cast<int>(0xffff0000u));
  // (The maskz form of the shift: g++ 12 warns that the plain form's _mm512_undefined_epi32 is uninitialised.)
  const __m512i lsb = _mm512_and_si512(_mm512_maskz_srli_epi32(0xffff, bits, 16), _mm512_set1_epi32(1));
  const __m512i rounded =
      _mm512_and_si512(_mm512_add_epi32(_mm512_add_epi32(bits, _mm512_set1_epi32(0x7fff)), lsb), high_half);
  const __m512i quiet_nan = _mm512_and_si512(_mm512_or_si512(bits, _mm512_set1_epi32(0x00400000)), high_half);
  // NaN: exponent all ones and a non-zero mantissa, i.e. |bits| > the bits of infinity.
  const __mmask16 is_nan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(bits, _mm512_set1_epi32(0x7fffffff)),
                                                   _mm512_set1_epi32(static_cast<int>(kExponentMask)));
  return _mm512_castsi512_ps(_mm512_mask_blend_epi32(is_nan, rounded, quiet_nan));
}

template <bool kRoundToBf16>
inline void StoreRow(float* c, __m512 low, __m512 high) {
  if constexpr (kRoundToBf16) {
    low = RoundToBf16(low);
    high = RoundToBf16(high);
  }
  _mm512_storeu_ps(c, low);
  _mm512_storeu_ps(c + 16, high);
}

// c[r][j] = fma(left[r][k], right[k][j], c[r][j]) for k = 0..31 in order, for kBlockRows rows of c (two
// registers per row), then rounded to DST as the rows are stored.
template <bool kRoundToBf16>
void SingleProductBlock(const float* __restrict left, const float* __restrict right, float* __restrict c) {
  __m512 acc[kBlockRows][2];
  for (int r = 0; r < kBlockRows; ++r) {
    acc[r][0] = _mm512_loadu_ps(c + r * kN);
    acc[r][1] = _mm512_loadu_ps(c + r * kN + 16);
  }
  for (int k = 0; k < kN; ++k) {
    const __m512 right_low = _mm512_loadu_ps(right + k * kN);
    const __m512 right_high = _mm512_loadu_ps(right + k * kN + 16);
#pragma GCC unroll 8
    for (int r = 0; r < kBlockRows; ++r) {
      const __m512 l = _mm512_set1_ps(left[r * kN + k]);
      acc[r][0] = _mm512_fmadd_ps(l, right_low, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(l, right_high, acc[r][1]);
    }
  }
  for (int r = 0; r < kBlockRows; ++r) StoreRow<kRoundToBf16>(c + r * kN, acc[r][0], acc[r][1]);
}

// As SingleProductBlock with P = fma(left2, right2, left1 * right1), which is exact (fidelity.h), then
// c += P. Used by HiFi3 only.
template <bool kRoundToBf16>
void TwoProductBlock(const float* __restrict left1, const float* __restrict right1, const float* __restrict left2,
                     const float* __restrict right2, float* __restrict c) {
  __m512 acc[kBlockRows][2];
  for (int r = 0; r < kBlockRows; ++r) {
    acc[r][0] = _mm512_loadu_ps(c + r * kN);
    acc[r][1] = _mm512_loadu_ps(c + r * kN + 16);
  }
  for (int k = 0; k < kN; ++k) {
    const __m512 r1_low = _mm512_loadu_ps(right1 + k * kN), r1_high = _mm512_loadu_ps(right1 + k * kN + 16);
    const __m512 r2_low = _mm512_loadu_ps(right2 + k * kN), r2_high = _mm512_loadu_ps(right2 + k * kN + 16);
#pragma GCC unroll 8
    for (int r = 0; r < kBlockRows; ++r) {
      const __m512 l1 = _mm512_set1_ps(left1[r * kN + k]);
      const __m512 l2 = _mm512_set1_ps(left2[r * kN + k]);
      const __m512 p_low = _mm512_fmadd_ps(l2, r2_low, _mm512_mul_ps(l1, r1_low));
      const __m512 p_high = _mm512_fmadd_ps(l2, r2_high, _mm512_mul_ps(l1, r1_high));
      acc[r][0] = _mm512_add_ps(p_low, acc[r][0]);
      acc[r][1] = _mm512_add_ps(p_high, acc[r][1]);
    }
  }
  for (int r = 0; r < kBlockRows; ++r) StoreRow<kRoundToBf16>(c + r * kN, acc[r][0], acc[r][1]);
}

#else  // portable: g++ vectorises these for whatever the target has

template <bool kRoundToBf16>
inline float ToDst(float value) {
  if constexpr (kRoundToBf16) return std::bit_cast<float>(detail::RoundToBf16Bits(std::bit_cast<uint32_t>(value)));
  return value;
}

// c[r][j] = fma(left[r][k], right[k][j], c[r][j]) for k = 0..31 in order, for kBlockRows rows of c; then
// rounded to DST. noinline and __restrict keep g++'s vectoriser on this loop nest: inlined into its caller
// it chose scalar code (7 us instead of 0.5 us per call). benchmarks/tile_math_benchmark.cpp watches this.
template <bool kRoundToBf16>
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
    for (int j = 0; j < kN; ++j) c[r * kN + j] = ToDst<kRoundToBf16>(acc[r][j]);
  }
}

// As SingleProductBlock with P = fma(left2, right2, left1 * right1), which is exact (fidelity.h), then
// c += P. Used by HiFi3 only.
template <bool kRoundToBf16>
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
    for (int j = 0; j < kN; ++j) c[r * kN + j] = ToDst<kRoundToBf16>(acc[r][j]);
  }
}

#endif

template <bool kRoundToBf16>
void Product(const PreparedOperand& left, const PreparedOperand& right, bool two_products, Tile& dst) {
  for (int i = 0; i < kN; i += kBlockRows) {
    if (two_products) {
      TwoProductBlock<kRoundToBf16>(left.slices[0] + i * kN, right.slices[0], left.slices[1] + i * kN,
                                    right.slices[1], dst.v + i * kN);
    } else {
      SingleProductBlock<kRoundToBf16>(left.slices[0] + i * kN, right.slices[0], dst.v + i * kN);
    }
  }
}

[[noreturn]] void ThrowUnsupported(const char* op, DataFormat format) {
  throw KernelTrap(std::string(op) + ": data format " + std::string(ToString(format)) +
                   " is not emulated (tile math supports Float32 and Float16_b)");
}

void PrepareFromCb(const uint8_t* src, DataFormat format, MatmulSide side, const MathConfig& config,
                   PreparedOperand& out, const char* op) {
  if (src == nullptr) throw KernelTrap(std::string(op) + ": source tile address is null");
  detail::CheckFidelity(config.fidelity, op);
  switch (format) {
    case DataFormat::Float16_b: PrepareFrom<Source::Bf16Faces>(src, side, config, out); return;
    case DataFormat::Float32: PrepareFrom<Source::Fp32Faces>(src, side, config, out); return;
    default: ThrowUnsupported(op, format);
  }
}

}  // namespace

void PrepareLeft(const uint8_t* src, DataFormat format, const MathConfig& config, PreparedOperand& out) {
  PrepareFromCb(src, format, MatmulSide::Left, config, out, "PrepareLeft");
}

void PrepareRight(const uint8_t* src, DataFormat format, bool transpose, const MathConfig& config,
                  PreparedOperand& out) {
  if (!transpose) {
    PrepareFromCb(src, format, MatmulSide::Right, config, out, "PrepareRight");
    return;
  }
  // Transposed operands are rare (attention's Q x K^T): unpack, transpose, then prepare the row-major tile.
  detail::CheckFidelity(config.fidelity, "PrepareRight");
  Tile unpacked;
  Unpack(src, format, unpacked);
  PrepareRight(unpacked, true, config, out);
}

void PrepareLeft(const Tile& a, const MathConfig& config, PreparedOperand& out) {
  detail::CheckFidelity(config.fidelity, "PrepareLeft");
  PrepareFrom<Source::RowMajor>(a.v, MatmulSide::Left, config, out);
}

void PrepareRight(const Tile& b, bool transpose, const MathConfig& config, PreparedOperand& out) {
  detail::CheckFidelity(config.fidelity, "PrepareRight");
  if (!transpose) {
    PrepareFrom<Source::RowMajor>(b.v, MatmulSide::Right, config, out);
    return;
  }
  Tile transposed;
  Transpose(b, transposed);
  PrepareFrom<Source::RowMajor>(transposed.v, MatmulSide::Right, config, out);
}

void MatmulAccumulate(const PreparedOperand& left, const PreparedOperand& right, const MathConfig& config,
                      Tile& dst) {
  detail::CheckFidelity(config.fidelity, "MatmulAccumulate");
  CheckPrepared(left, MatmulSide::Left, config);
  CheckPrepared(right, MatmulSide::Right, config);
  const bool two_products = config.fidelity == MathFidelity::HiFi3;
  if (config.fp32_dest) {
    Product<false>(left, right, two_products, dst);
  } else {
    Product<true>(left, right, two_products, dst);
  }
}

void MatmulAccumulate(const Tile& a, const Tile& b, bool transpose_b, const MathConfig& config, Tile& dst) {
  detail::CheckFidelity(config.fidelity, "MatmulAccumulate");
  // The operands are prepared before dst is written, so dst may alias a or b.
  PreparedOperand left, right;
  PrepareLeft(a, config, left);
  PrepareRight(b, transpose_b, config, right);
  MatmulAccumulate(left, right, config, dst);
}

}  // namespace tilesim::emu::tile
