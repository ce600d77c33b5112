// tt-metal's bfloat16 vector helpers over tilesim's seeded random fills and PCC.
#include <cmath>

#include <fmt/format.h>

#include "tilesim/host.h"
#include "tilesim/metal/bfloat16.hpp"
#include "tilesim/validation.h"

namespace tilesim::metal {

std::vector<bfloat16> create_random_vector_of_bfloat16_native(uint32_t num_bytes, float rand_max_float, int seed,
                                                              float offset) {
  const std::vector<float> values =
      RandomUniform(num_bytes / sizeof(bfloat16), static_cast<uint64_t>(static_cast<uint32_t>(seed)), offset,
                    offset + rand_max_float);
  return ToBfloat16(values);
}

std::vector<uint32_t> create_random_vector_of_bfloat16(uint32_t num_bytes, float rand_max_float, int seed,
                                                       float offset) {
  return pack_bfloat16_vec_into_uint32_vec(
      create_random_vector_of_bfloat16_native(num_bytes, rand_max_float, seed, offset));
}

std::vector<uint32_t> create_constant_vector_of_bfloat16(uint32_t num_bytes, float value) {
  return pack_bfloat16_vec_into_uint32_vec(std::vector<bfloat16>(num_bytes / sizeof(bfloat16), bfloat16(value)));
}

std::vector<uint32_t> pack_bfloat16_vec_into_uint32_vec(const std::vector<bfloat16>& values) {
  std::vector<uint32_t> packed((values.size() + 1) / 2, 0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    packed[i / 2] |= static_cast<uint32_t>(values[i].to_uint16()) << (16 * (i % 2));
  }
  return packed;
}

std::vector<bfloat16> unpack_uint32_vec_into_bfloat16_vec(const std::vector<uint32_t>& packed,
                                                          const std::function<bfloat16(const bfloat16&)>& transform) {
  std::vector<bfloat16> values;
  values.reserve(packed.size() * 2);
  for (uint32_t word : packed) {
    values.push_back(transform(bfloat16::from_bits(static_cast<uint16_t>(word & 0xffff))));
    values.push_back(transform(bfloat16::from_bits(static_cast<uint16_t>(word >> 16))));
  }
  return values;
}

float check_bfloat16_vector_pcc(const std::vector<bfloat16>& expected, const std::vector<bfloat16>& actual) {
  if (expected.size() != actual.size()) {
    throw ApiError(fmt::format("check_bfloat16_vector_pcc: {} expected values but {} actual ones", expected.size(),
                               actual.size()));
  }
  const std::vector<float> a = ToFloat(expected);
  const std::vector<float> b = ToFloat(actual);
  return static_cast<float>(Pcc(a, b));
}

bool is_close(float a, float b, float rtol, float atol) {
  const float diff = std::fabs(a - b);
  return diff <= atol || diff <= rtol * std::fmax(std::fabs(a), std::fabs(b));
}

bool packed_uint32_t_vector_comparison(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                                       const std::function<bool(float, float)>& compare) {
  if (a.size() != b.size()) return false;
  const std::vector<bfloat16> va = unpack_uint32_vec_into_bfloat16_vec(a);
  const std::vector<bfloat16> vb = unpack_uint32_vec_into_bfloat16_vec(b);
  for (std::size_t i = 0; i < va.size(); ++i) {
    if (!compare(va[i].to_float(), vb[i].to_float())) return false;
  }
  return true;
}

}  // namespace tilesim::metal
