// A scalar reference for one tile product, written from the ISA documentation and independent of the
// emulator's fidelity.h: operands are truncated to the source format (TF32: 1 + 10 significand bits with
// an fp32 DST, BF16: 1 + 7; denormals are zero), phase p multiplies SrcA's significand bits [0,5) or
// [5,10) (p & 1) by SrcB's bits [0,7) or [7,11) (p & 2), the phase products are summed in double (exact),
// and each k adds that sum to a running fp32 sum that starts from DST, k = 0..31 in order; a bf16 DST
// rounds the final sum to nearest even. In a matmul `a` (in0) is SrcB and `b` (in1) is SrcA.
// For finite inputs only.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "tilesim/data_format.h"

namespace tilesim::emu::testing {

inline float ReferenceRoundToBf16(float x) {
  if (!std::isfinite(x) || x == 0.0f) return x;
  int exponent = 0;
  const double significand = std::frexp(static_cast<double>(x), &exponent);
  return static_cast<float>(std::ldexp(std::nearbyint(significand * 256.0) / 256.0, exponent));
}

// Significand bits [first, first + count) of a normal float (bit 0 = the implicit 1), as a signed value.
inline double SignificandBits(float x, int first, int count) {
  const uint32_t bits = std::bit_cast<uint32_t>(x);
  if ((bits & 0x7f800000u) == 0) return 0.0;
  const uint32_t significand = (bits & 0x007fffffu) | 0x00800000u;
  const uint32_t mask = ((1u << count) - 1u) << (24 - first - count);
  const int exponent = static_cast<int>((bits >> 23) & 0xffu) - 150;  // of the significand's last bit
  const double value = std::ldexp(static_cast<double>(significand & mask), exponent);
  return (bits >> 31) ? -value : value;
}

inline float ToSource(float x, bool fp32_dest) { return static_cast<float>(SignificandBits(x, 0, fp32_dest ? 11 : 8)); }

inline double PhaseProductSum(float src_a, float src_b, MathFidelity fidelity) {
  const int phases = fidelity == MathFidelity::LoFi ? 1 : static_cast<int>(fidelity);
  double sum = 0.0;
  for (int p = 0; p < phases; ++p) {
    const double a_slice = (p & 1) ? SignificandBits(src_a, 5, 5) : SignificandBits(src_a, 0, 5);
    const double b_slice = (p & 2) ? SignificandBits(src_b, 7, 4) : SignificandBits(src_b, 0, 7);
    sum += a_slice * b_slice;
  }
  return sum;
}

// dst (row-major 32x32) += a x b (b transposed if asked), as the matrix engine computes it.
inline std::vector<float> ReferenceTileMatmul(const std::vector<float>& a, const std::vector<float>& b, bool transpose_b,
                                              MathFidelity fidelity, bool fp32_dest, std::vector<float> dst) {
  for (int i = 0; i < 32; ++i) {
    for (int j = 0; j < 32; ++j) {
      float sum = dst[i * 32 + j];
      for (int k = 0; k < 32; ++k) {
        const float left = ToSource(a[i * 32 + k], fp32_dest);
        const float right = ToSource(transpose_b ? b[j * 32 + k] : b[k * 32 + j], fp32_dest);
        sum = sum + static_cast<float>(PhaseProductSum(right, left, fidelity));
      }
      dst[i * 32 + j] = fp32_dest ? sum : ReferenceRoundToBf16(sum);
    }
  }
  return dst;
}

// 1024 random bf16 values in [lo, hi), row-major.
inline std::vector<float> RandomBf16Values(uint32_t seed, float lo = -2.0f, float hi = 2.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(1024);
  for (float& x : v) x = ReferenceRoundToBf16(dist(rng));
  return v;
}

}  // namespace tilesim::emu::testing
