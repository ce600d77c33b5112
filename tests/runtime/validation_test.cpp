// Validation: PCC, errors, allclose / exact verdicts and the Eigen references, against hand-computed values.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "tilesim/host.h"
#include "tilesim/validation.h"

namespace tilesim {
namespace {

TEST(PccTest, HandComputedValue) {
  // Means 2.5; deviations (-1.5, -0.5, 0.5, 1.5) and (-1.5, 0.5, -0.5, 1.5): cov 4, variances 5 -> 0.8.
  const std::vector<float> x = {1, 2, 3, 4}, y = {1, 3, 2, 4};
  EXPECT_DOUBLE_EQ(Pcc(x, y), 0.8);
}

TEST(PccTest, PerfectAndInverseCorrelation) {
  const std::vector<float> x = {1, 2, 3}, twice = {2, 4, 6}, reversed = {3, 2, 1};
  EXPECT_DOUBLE_EQ(Pcc(x, twice), 1.0);
  EXPECT_DOUBLE_EQ(Pcc(x, reversed), -1.0);
}

TEST(PccTest, ConstantVectors) {
  const std::vector<float> c = {5, 5, 5}, d = {6, 6, 6}, v = {1, 2, 3};
  EXPECT_EQ(Pcc(c, c), 1.0);
  EXPECT_EQ(Pcc(c, d), 0.0);
  EXPECT_EQ(Pcc(c, v), 0.0);
}

TEST(CompareTest, ErrorsAndFirstMismatch) {
  const std::vector<float> actual = {1.0f, 2.5f, 3.0f, 4.0f}, expected = {1.0f, 2.0f, 3.25f, 4.0f};
  CompareOptions options;
  options.atol = 0.3;
  options.row_length = 2;
  const ComparisonReport r = Compare(actual, expected, options);
  EXPECT_EQ(r.count, 4u);
  EXPECT_DOUBLE_EQ(r.max_abs_err, 0.5);
  EXPECT_EQ(r.max_abs_err_index, 1u);
  EXPECT_DOUBLE_EQ(r.mean_abs_err, 0.75 / 4);
  EXPECT_FALSE(r.allclose);
  EXPECT_FALSE(r.exact_match);
  EXPECT_EQ(r.mismatches, 1u);  // 0.25 is within 0.3
  ASSERT_TRUE(r.first_mismatch.has_value());
  EXPECT_EQ(*r.first_mismatch, 1u);
  EXPECT_EQ(r.Position(1), "(0, 1)");
  EXPECT_EQ(r.first_mismatch_actual, 2.5f);
  EXPECT_EQ(r.first_mismatch_expected, 2.0f);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.Summary().find("FAIL"), std::string::npos);
}

TEST(CompareTest, RelativeToleranceScalesWithExpected) {
  const std::vector<float> actual = {101.0f}, expected = {100.0f};
  CompareOptions options;
  options.atol = 0;
  options.rtol = 0.011;
  EXPECT_TRUE(Compare(actual, expected, options).allclose);
  options.rtol = 0.009;
  EXPECT_FALSE(Compare(actual, expected, options).allclose);
}

TEST(CompareTest, ExactMeansBitIdentical) {
  const std::vector<float> actual = {-0.0f, 1.0f}, expected = {0.0f, 1.0f};
  CompareOptions options;
  options.exact = true;
  const ComparisonReport r = Compare(actual, expected, options);
  EXPECT_TRUE(r.allclose);      // numerically equal
  EXPECT_FALSE(r.exact_match);  // but the sign bit differs
  EXPECT_EQ(r.mismatches, 1u);
  EXPECT_FALSE(r.passed);
  const ComparisonReport same = Compare(expected, expected, options);
  EXPECT_TRUE(same.passed);
  EXPECT_NE(same.Summary().find("PASS"), std::string::npos);
}

TEST(CompareTest, NonFiniteValues) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> actual = {nan, inf, nan, 2.0f}, expected = {nan, inf, 1.0f, 2.0f};
  const ComparisonReport r = Compare(actual, expected);
  EXPECT_EQ(r.mismatches, 1u);  // only NaN vs 1
  EXPECT_EQ(*r.first_mismatch, 2u);
  EXPECT_TRUE(std::isinf(r.max_abs_err));
  CompareOptions by_pcc;
  by_pcc.min_pcc = 0.5;
  EXPECT_FALSE(Compare(actual, expected, by_pcc).passed);  // a NaN where a number was expected never passes
}

TEST(CompareTest, PccCriterionIgnoresAllclose) {
  const std::vector<float> expected = {1, 2, 3, 4}, scaled = {2, 4, 6, 8};
  CompareOptions options;
  options.min_pcc = 0.99;
  const ComparisonReport r = Compare(scaled, expected, options);
  EXPECT_FALSE(r.allclose);
  EXPECT_TRUE(r.passed);
}

TEST(CompareTest, JsonHasTheMetrics) {
  const std::vector<float> actual = {1, 2, 3}, expected = {1, 2, 3.5};
  const nlohmann::json j = Compare(actual, expected).ToJson();
  for (const char* key : {"passed", "pcc", "max_abs_err", "mean_abs_err", "allclose", "exact_match", "mismatches",
                          "first_mismatch", "atol", "rtol"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_DOUBLE_EQ(j["max_abs_err"].get<double>(), 0.5);
  EXPECT_EQ(j["first_mismatch"].get<int>(), 2);
}

TEST(CompareTest, SizeMismatchThrows) {
  const std::vector<float> a = {1, 2}, b = {1};
  EXPECT_THROW(Compare(a, b), std::invalid_argument);
  EXPECT_THROW(Pcc(a, b), std::invalid_argument);
}

TEST(ReferenceTest, MatmulMatchesAScalarLoop) {
  const uint32_t M = 5, N = 7, K = 3;
  const std::vector<float> a = RandomUniform(M * K, 1), b = RandomUniform(K * N, 2);
  const std::vector<float> c = ReferenceMatmul(a, b, M, N, K);
  for (uint32_t i = 0; i < M; ++i) {
    for (uint32_t j = 0; j < N; ++j) {
      double sum = 0;
      for (uint32_t k = 0; k < K; ++k) sum += double(a[i * K + k]) * b[k * N + j];
      EXPECT_NEAR(c[i * N + j], sum, 1e-5) << i << "," << j;
    }
  }
  EXPECT_THROW(ReferenceMatmul(a, b, M, N, K + 1), std::invalid_argument);
}

// C is multiplied in blocks of rows shared out over the threads: several full blocks and a partial one,
// on 1 to 3 threads, give the same bits, and they agree with a scalar loop.
TEST(ReferenceTest, MatmulIsTheSameForAnyThreadCount) {
  const uint32_t M = 300, N = 40, K = 70;
  const std::vector<float> a = RandomUniform(M * K, 3), b = RandomUniform(K * N, 4);
  const std::vector<float> one = ReferenceMatmul(a, b, M, N, K, 1);
  EXPECT_EQ(ReferenceMatmul(a, b, M, N, K, 2), one);
  EXPECT_EQ(ReferenceMatmul(a, b, M, N, K, 3), one);
  for (uint32_t i : {0u, 127u, 128u, 255u, 256u, 299u}) {
    for (uint32_t j : {0u, 39u}) {
      double sum = 0;
      for (uint32_t k = 0; k < K; ++k) sum += double(a[i * K + k]) * b[k * N + j];
      EXPECT_NEAR(one[i * N + j], sum, 1e-4) << i << "," << j;
    }
  }
}

TEST(ReferenceTest, EltwiseOps) {
  const std::vector<float> a = {1.5f, -2.0f}, b = {0.5f, 4.0f};
  EXPECT_EQ(ReferenceEltwise(EltwiseOp::Add, a, b), (std::vector<float>{2.0f, 2.0f}));
  EXPECT_EQ(ReferenceEltwise(EltwiseOp::Sub, a, b), (std::vector<float>{1.0f, -6.0f}));
  EXPECT_EQ(ReferenceEltwise(EltwiseOp::Mul, a, b), (std::vector<float>{0.75f, -8.0f}));
  EXPECT_EQ(ParseEltwiseOp("mul"), EltwiseOp::Mul);
  EXPECT_FALSE(ParseEltwiseOp("div").has_value());
}

}  // namespace
}  // namespace tilesim
