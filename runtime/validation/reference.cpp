// fp32 references with Eigen. GEMM runs on every host core through Eigen's OpenMP parallelisation.
#include <algorithm>
#include <stdexcept>
#include <thread>

#include <Eigen/Core>
#include <fmt/format.h>

#include "tilesim/validation.h"

namespace tilesim {

namespace {
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void CheckSize(const char* call, const char* what, std::size_t got, uint64_t want) {
  if (got != want)
    throw std::invalid_argument(fmt::format("{}: {} has {} elements, expected {}", call, what, got, want));
}
}  // namespace

int ReferenceThreads(int threads) {
  if (threads > 0) return threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::vector<float> ReferenceMatmul(std::span<const float> a, std::span<const float> b, uint32_t M, uint32_t N,
                                   uint32_t K, int threads) {
  CheckSize("ReferenceMatmul", "A", a.size(), uint64_t{M} * K);
  CheckSize("ReferenceMatmul", "B", b.size(), uint64_t{K} * N);
  Eigen::setNbThreads(ReferenceThreads(threads));
  std::vector<float> c(static_cast<std::size_t>(M) * N);
  Eigen::Map<const RowMajor> ma(a.data(), M, K);
  Eigen::Map<const RowMajor> mb(b.data(), K, N);
  Eigen::Map<RowMajor> mc(c.data(), M, N);
  mc.noalias() = ma * mb;
  return c;
}

std::string_view ToString(EltwiseOp op) {
  switch (op) {
    case EltwiseOp::Add:
      return "add";
    case EltwiseOp::Sub:
      return "sub";
    case EltwiseOp::Mul:
      return "mul";
  }
  return "?";
}

std::optional<EltwiseOp> ParseEltwiseOp(std::string_view name) {
  if (name == "add") return EltwiseOp::Add;
  if (name == "sub") return EltwiseOp::Sub;
  if (name == "mul") return EltwiseOp::Mul;
  return std::nullopt;
}

std::vector<float> ReferenceEltwise(EltwiseOp op, std::span<const float> a, std::span<const float> b) {
  CheckSize("ReferenceEltwise", "B", b.size(), a.size());
  std::vector<float> out(a.size());
  Eigen::Map<const Eigen::ArrayXf> ea(a.data(), static_cast<Eigen::Index>(a.size()));
  Eigen::Map<const Eigen::ArrayXf> eb(b.data(), static_cast<Eigen::Index>(b.size()));
  Eigen::Map<Eigen::ArrayXf> eo(out.data(), static_cast<Eigen::Index>(out.size()));
  switch (op) {
    case EltwiseOp::Add:
      eo = ea + eb;
      break;
    case EltwiseOp::Sub:
      eo = ea - eb;
      break;
    case EltwiseOp::Mul:
      eo = ea * eb;
      break;
  }
  return out;
}

}  // namespace tilesim
