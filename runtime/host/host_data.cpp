// Host data helpers: reproducible random fills and bf16 conversions.
//
// This file is compiled with -ffp-contract=off (runtime/CMakeLists.txt) so no multiply-add is fused and
// the values are the same with and without FMA hardware.
#include <cstdint>

#include "tilesim/host.h"

namespace tilesim {

namespace {
// splitmix64 (Steele, Lea, Flood 2014): a tiny generator whose output is fixed by its definition.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // k * 2^-24 for a random k in [0, 2^24): exact in float and double.
  double Unit() { return static_cast<double>(Next() >> 40) * (1.0 / 16777216.0); }

 private:
  uint64_t state_;
};
}  // namespace

std::vector<float> RandomUniform(std::size_t count, uint64_t seed, float low, float high) {
  SplitMix64 rng(seed);
  std::vector<float> out(count);
  const double span = static_cast<double>(high) - static_cast<double>(low);
  for (float& v : out) v = static_cast<float>(static_cast<double>(low) + span * rng.Unit());
  return out;
}

std::vector<float> RandomNormal(std::size_t count, uint64_t seed, float mean, float stddev) {
  SplitMix64 rng(seed);
  std::vector<float> out(count);
  for (float& v : out) {
    double sum = 0;  // twelve 24-bit fractions: the sum is exact
    for (int i = 0; i < 12; ++i) sum += rng.Unit();
    v = static_cast<float>(static_cast<double>(mean) + static_cast<double>(stddev) * (sum - 6.0));
  }
  return out;
}

std::vector<bfloat16> ToBfloat16(std::span<const float> values) {
  std::vector<bfloat16> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = bfloat16(values[i]);
  return out;
}

std::vector<float> ToFloat(std::span<const bfloat16> values) {
  std::vector<float> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = values[i].to_float();
  return out;
}

}  // namespace tilesim
