// tt-metal's host-side bfloat16 helpers (tt-metalium/bfloat16.hpp and the test utilities its examples
// use): random and constant vectors, packing two bf16 per uint32_t word, PCC and closeness checks.
//
// Random vectors come from tilesim's seeded generator (RandomUniform), so the same seed gives the same
// values on every platform; they are not the values tt-metal's std::mt19937 would draw.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "tilesim/data_format.h"

namespace tilesim::metal {

// num_bytes / 2 values uniform in [offset, offset + rand_max_float), rounded to bf16.
std::vector<bfloat16> create_random_vector_of_bfloat16_native(uint32_t num_bytes, float rand_max_float, int seed,
                                                              float offset = 0.0f);
// The same values packed two per word (element 2i in the low half of word i, as the device stores them).
std::vector<uint32_t> create_random_vector_of_bfloat16(uint32_t num_bytes, float rand_max_float, int seed,
                                                       float offset = 0.0f);
std::vector<uint32_t> create_constant_vector_of_bfloat16(uint32_t num_bytes, float value);

std::vector<uint32_t> pack_bfloat16_vec_into_uint32_vec(const std::vector<bfloat16>& values);
std::vector<bfloat16> unpack_uint32_vec_into_bfloat16_vec(
    const std::vector<uint32_t>& packed,
    const std::function<bfloat16(const bfloat16&)>& transform = [](const bfloat16& v) { return v; });

// Pearson correlation of the two vectors (as floats); throws ApiError if their sizes differ.
float check_bfloat16_vector_pcc(const std::vector<bfloat16>& expected, const std::vector<bfloat16>& actual);

// Close in absolute terms near zero, in relative terms elsewhere: |a - b| <= atol or |a - b| <= rtol *
// max(|a|, |b|).
bool is_close(float a, float b, float rtol = 0.01f, float atol = 0.001f);
// Unpacks both vectors and compares every bf16 pair with `compare`; false on a size mismatch.
bool packed_uint32_t_vector_comparison(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                                       const std::function<bool(float, float)>& compare);

}  // namespace tilesim::metal
