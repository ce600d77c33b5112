// fp32 references with Eigen. GEMM runs on every host core: fixed row blocks of C, each one single-threaded
// Eigen product, shared out over std::threads.
#include <algorithm>
#include <stdexcept>
#include <thread>

#include <Eigen/Core>
#include <fmt/format.h>

#include "tilesim/validation.h"

namespace tilesim {

namespace {
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows of C per block. A block's bits depend only on its shape (Eigen blocks the product by it), so fixed
// blocks give the same C for any thread count.
constexpr uint32_t kRowsPerBlock = 128;

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
  std::vector<float> c(static_cast<std::size_t>(M) * N);
  Eigen::Map<const RowMajor> mb(b.data(), K, N);
  const uint32_t blocks = (M + kRowsPerBlock - 1) / kRowsPerBlock;
  // Worker w takes blocks w, w + workers, ...: an even share, and no thread outlives the call (a pool
  // that spins after its work would take a core from whatever runs next, such as the emulator).
  const auto work = [&](uint32_t first, uint32_t stride) {
    for (uint32_t block = first; block < blocks; block += stride) {
      const uint32_t row = block * kRowsPerBlock;
      const uint32_t rows = std::min(kRowsPerBlock, M - row);
      Eigen::Map<const RowMajor> ma(a.data() + std::size_t{row} * K, rows, K);
      Eigen::Map<RowMajor> mc(c.data() + std::size_t{row} * N, rows, N);
      mc.noalias() = ma * mb;
    }
  };
  const uint32_t workers = std::min<uint32_t>(static_cast<uint32_t>(ReferenceThreads(threads)), std::max(blocks, 1u));
  {
    std::vector<std::jthread> helpers;
    for (uint32_t w = 1; w < workers; ++w) helpers.emplace_back(work, w, workers);
    work(0, workers);
  }  // the helpers join
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
