// Checking device results: fp32 references computed with Eigen, and a comparison report (PCC, absolute
// errors, allclose, exact match) with a one-paragraph summary and a JSON form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tilesim/data_format.h"

namespace tilesim {

// ---- References ----

// C = A x B in fp32 with Eigen, row-major A (M x K), B (K x N), C (M x N). Give it the same bf16-rounded
// inputs the device saw. `threads` host threads (0 = every host core), each multiplying blocks of C's rows;
// the result is the same for any thread count.
// Throws std::invalid_argument if a span's size does not match its shape.
std::vector<float> ReferenceMatmul(std::span<const float> a, std::span<const float> b, uint32_t M, uint32_t N,
                                   uint32_t K, int threads = 0);
// The number of threads ReferenceMatmul uses for `threads` (0 = every host core).
int ReferenceThreads(int threads = 0);

enum class EltwiseOp { Add, Sub, Mul };
std::string_view ToString(EltwiseOp op);  // "add", "sub", "mul"
std::optional<EltwiseOp> ParseEltwiseOp(std::string_view name);
// out[i] = a[i] op b[i] in fp32. Throws std::invalid_argument if the sizes differ.
std::vector<float> ReferenceEltwise(EltwiseOp op, std::span<const float> a, std::span<const float> b);

// ---- Comparison ----

struct CompareOptions {
  double atol = 1e-2;  // allclose: |actual - expected| <= atol + rtol * |expected| for every element
  double rtol = 0.0;
  bool exact = false;  // pass only if every value is bit-identical (then mismatches count differing bits)
  // If set (and !exact), pass when PCC >= min_pcc and every value is finite where expected is; allclose
  // is still reported. If unset, pass when allclose.
  std::optional<double> min_pcc;
  uint32_t row_length = 0;  // > 0: report positions as (row, col) of a row-major matrix with this many columns
};

struct ComparisonReport {
  std::size_t count = 0;  // elements compared
  double pcc = 1.0;       // Pearson correlation in double over the pairs where both are finite
  double max_abs_err = 0.0;
  std::size_t max_abs_err_index = 0;
  double mean_abs_err = 0.0;
  bool allclose = true;        // every element within atol + rtol * |expected| (NaN == NaN, inf == inf)
  bool exact_match = true;     // every element bit-identical
  std::size_t mismatches = 0;  // elements failing the element-wise test (exact: bit equality; else allclose)
  std::optional<std::size_t> first_mismatch;  // index of the first of them
  float first_mismatch_actual = 0;
  float first_mismatch_expected = 0;
  bool passed = true;  // the verdict under `options`
  CompareOptions options;

  // "PASS: 1048576 values, PCC 0.999993 (>= 0.999), max abs err 0.0312 at (3, 17), mean abs err 0.00209,
  //  allclose(atol=0.01, rtol=0) false (5 mismatches, first at (3, 17): 1.25 vs 1.21875), not exact."
  std::string Summary() const;
  nlohmann::json ToJson() const;
  // "(3, 17)" with options.row_length, else "[1234]".
  std::string Position(std::size_t index) const;
};

// Compares `actual` with `expected` element by element. Throws std::invalid_argument if the sizes differ.
ComparisonReport Compare(std::span<const float> actual, std::span<const float> expected,
                         const CompareOptions& options = {});
// Pearson correlation coefficient of two equally long vectors, in double. Two constant vectors correlate 1
// if they are equal and 0 otherwise; a constant vector and a varying one correlate 0.
double Pcc(std::span<const float> a, std::span<const float> b);

}  // namespace tilesim
