// Compare(): element-wise errors, PCC, allclose and exact match of a device result against a reference.
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "tilesim/validation.h"

namespace tilesim {

namespace {

// Pearson over the pairs where keep(i) holds, two passes in double.
template <typename Keep>
double PearsonWhere(std::span<const float> a, std::span<const float> b, Keep keep) {
  double sum_a = 0, sum_b = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!keep(i)) continue;
    sum_a += a[i];
    sum_b += b[i];
    ++n;
  }
  if (n == 0) return 1.0;
  const double mean_a = sum_a / static_cast<double>(n);
  const double mean_b = sum_b / static_cast<double>(n);
  double cov = 0, var_a = 0, var_b = 0;
  bool equal = true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!keep(i)) continue;
    const double da = a[i] - mean_a;
    const double db = b[i] - mean_b;
    cov += da * db;
    var_a += da * da;
    var_b += db * db;
    equal = equal && a[i] == b[i];
  }
  if (var_a == 0 && var_b == 0) return equal ? 1.0 : 0.0;
  if (var_a == 0 || var_b == 0) return 0.0;
  return cov / std::sqrt(var_a * var_b);
}

bool SameNonFinite(float a, float e) {
  if (std::isnan(a) && std::isnan(e)) return true;
  return std::isinf(a) && std::isinf(e) && std::signbit(a) == std::signbit(e);
}

}  // namespace

double Pcc(std::span<const float> a, std::span<const float> b) {
  if (a.size() != b.size()) {
    throw std::invalid_argument(fmt::format("Pcc: the vectors have {} and {} elements", a.size(), b.size()));
  }
  return PearsonWhere(a, b, [](std::size_t) { return true; });
}

ComparisonReport Compare(std::span<const float> actual, std::span<const float> expected,
                         const CompareOptions& options) {
  if (actual.size() != expected.size()) {
    throw std::invalid_argument(
        fmt::format("Compare: actual has {} elements, expected {}", actual.size(), expected.size()));
  }
  ComparisonReport r;
  r.options = options;
  r.count = actual.size();
  double sum_err = 0;
  bool non_finite_mismatch = false;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const float a = actual[i];
    const float e = expected[i];
    const bool bit_equal = std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(e);
    double err = 0;
    bool close = true;
    if (std::isfinite(a) && std::isfinite(e)) {
      err = std::fabs(static_cast<double>(a) - static_cast<double>(e));
      close = err <= options.atol + options.rtol * std::fabs(static_cast<double>(e));
    } else if (!SameNonFinite(a, e)) {
      err = std::numeric_limits<double>::infinity();
      close = false;
      non_finite_mismatch = true;
    }
    sum_err += err;
    if (err > r.max_abs_err) {
      r.max_abs_err = err;
      r.max_abs_err_index = i;
    }
    r.allclose = r.allclose && close;
    r.exact_match = r.exact_match && bit_equal;
    const bool mismatch = options.exact ? !bit_equal : !close;
    if (mismatch) {
      if (!r.first_mismatch) {
        r.first_mismatch = i;
        r.first_mismatch_actual = a;
        r.first_mismatch_expected = e;
      }
      ++r.mismatches;
    }
  }
  r.mean_abs_err = r.count ? sum_err / static_cast<double>(r.count) : 0.0;
  r.pcc = PearsonWhere(actual, expected,
                       [&](std::size_t i) { return std::isfinite(actual[i]) && std::isfinite(expected[i]); });
  if (options.exact) {
    r.passed = r.exact_match;
  } else if (options.min_pcc) {
    r.passed = !non_finite_mismatch && r.pcc >= *options.min_pcc;
  } else {
    r.passed = r.allclose;
  }
  return r;
}

std::string ComparisonReport::Position(std::size_t index) const {
  if (options.row_length > 0) return fmt::format("({}, {})", index / options.row_length, index % options.row_length);
  return fmt::format("[{}]", index);
}

std::string ComparisonReport::Summary() const {
  std::string s = fmt::format("{}: {} values, PCC {:.6f}", passed ? "PASS" : "FAIL", count, pcc);
  if (options.min_pcc && !options.exact) s += fmt::format(" (required >= {})", *options.min_pcc);
  s += fmt::format(", max abs err {:.6g}", max_abs_err);
  if (max_abs_err > 0) s += " at " + Position(max_abs_err_index);
  s += fmt::format(", mean abs err {:.6g}", mean_abs_err);
  s += fmt::format(", allclose(atol={:g}, rtol={:g}) {}{}", options.atol, options.rtol, allclose ? "true" : "false",
                   options.min_pcc && !options.exact ? " (informational: the verdict is by PCC)" : "");
  if (mismatches > 0 && first_mismatch) {
    s += fmt::format(", {} mismatch{} ({}), first at {}: {:.8g} vs expected {:.8g}", mismatches,
                     mismatches == 1 ? "" : "es", options.exact ? "not bit-identical" : "outside tolerance",
                     Position(*first_mismatch), first_mismatch_actual, first_mismatch_expected);
  }
  s += exact_match ? ", bit-exact." : ", not bit-exact.";
  return s;
}

nlohmann::json ComparisonReport::ToJson() const {
  nlohmann::json j;
  j["passed"] = passed;
  j["count"] = count;
  j["pcc"] = pcc;
  j["max_abs_err"] = max_abs_err;
  j["max_abs_err_index"] = max_abs_err_index;
  j["mean_abs_err"] = mean_abs_err;
  j["allclose"] = allclose;
  j["exact_match"] = exact_match;
  j["mismatches"] = mismatches;
  j["first_mismatch"] = first_mismatch ? nlohmann::json(*first_mismatch) : nlohmann::json(nullptr);
  if (first_mismatch) {
    j["first_mismatch_position"] = Position(*first_mismatch);
    j["first_mismatch_actual"] = first_mismatch_actual;
    j["first_mismatch_expected"] = first_mismatch_expected;
  }
  j["atol"] = options.atol;
  j["rtol"] = options.rtol;
  j["exact"] = options.exact;
  j["min_pcc"] = options.min_pcc ? nlohmann::json(*options.min_pcc) : nlohmann::json(nullptr);
  return j;
}

}  // namespace tilesim
