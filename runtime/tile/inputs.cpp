// MakeInputs (tilesim/tile_runner.h): seeded random values for a tile DSL program's input tensors.
#include <fmt/format.h>

#include "runtime/tile/reference_expr.h"
#include "tilesim/compiler.h"
#include "tilesim/data_format.h"
#include "tilesim/host.h"
#include "tilesim/tile_runner.h"

namespace tilesim::tile {

namespace {

// A seed per (seed, parameter index): splitmix64's finaliser over the pair, so neighbouring seeds and
// neighbouring tensors give unrelated streams.
uint64_t TensorSeed(uint64_t seed, uint64_t index) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * (index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

HostTensors MakeInputs(const TTProgram& program, uint64_t seed) {
  const tir::PrimFunc& func = program.source;
  HostTensors inputs;
  for (size_t p = 0; p < func.params.size(); ++p) {
    const uint32_t id = func.params[p].index;
    if (id >= func.buffers.size()) {
      throw compiler::InternalError(fmt::format("MakeInputs({}): parameter #{} names buffer #{}, which does not exist",
                                                func.name, p, id));
    }
    const tir::Buffer& buffer = func.buffers[id];
    if (buffer.is_output) continue;
    const ref::Shape2D shape = ref::ShapeOf(func, buffer);
    std::vector<float> values = RandomUniform(static_cast<size_t>(shape.count()), TensorSeed(seed, p));
    if (buffer.dtype == tir::DType::BFloat16) {
      for (float& v : values) v = RoundToBf16(v);
    }
    inputs[buffer.name] = std::move(values);
  }
  return inputs;
}

}  // namespace tilesim::tile
