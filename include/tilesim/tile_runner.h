// Running a compiled tile DSL program (tilesim/tile_compiler.h) on the emulator, two ways, and the
// reference it is checked against.
//
//   tile::TTProgram program = tile::CompileFile("samples/tile/gemm.py", options);
//   tile::HostTensors inputs = tile::MakeInputs(program, /*seed=*/42);
//   tile::TileRunResult direct = tile::RunProgram(program, inputs, device_options);
//   tile::HostTensors golden = tile::EvaluateReference(program.source, inputs);
//
// RunProgram places the Kernel IR kernels directly (the bytecode back end); RunEmittedProgram writes the
// Metalium C++ back end's sources, compiles them with the Metalium front end and sets the program up
// through the tt-metal compatibility host API (tilesim/metal) exactly as the emitted main.cpp does, so
// the two results can be compared bit for bit.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tilesim/host.h"
#include "tilesim/perf.h"
#include "tilesim/tile_compiler.h"

namespace tilesim::tile {

// Tensors by parameter name, row-major in their logical (unpadded) shape, as floats. Values of bf16
// tensors are exactly representable in bf16.
using HostTensors = std::map<std::string, std::vector<float>>;

// Seeded uniform [-1, 1) values for every input tensor (outputs are not included), rounded to the
// tensor's format.
HostTensors MakeInputs(const TTProgram& program, uint64_t seed);

struct TileRunResult {
  HostTensors outputs;                       // every output tensor, logical shape, row-major
  double emulator_ms = 0;                    // the emulated run alone (EnqueueProgram .. Finish)
  uint32_t threads = 0;
  RunStats stats;                            // instructions and context switches of the run
  std::optional<perf::PerfResult> perf;      // when device_options.perf is set
};

// Pads, tilizes and writes the inputs, runs the program, reads, untilizes and crops the outputs.
// Throws RunError if the program fails on the device, ApiError on a plan the host API rejects.
TileRunResult RunProgram(const TTProgram& program, const HostTensors& inputs, const DeviceOptions& device_options);

// The same through the emitted Metalium C++: writes the kernel sources into `dir` (WriteArtifacts), parses
// them back with the Metalium front end and runs them through the tilesim::metal API. Throws
// compiler::CompileError if our own emitted C++ does not compile (a back-end bug worth reporting).
TileRunResult RunEmittedProgram(const TTProgram& program, const HostTensors& inputs,
                                const DeviceOptions& device_options, const std::string& dir);

// What the kernel computes, evaluated on the host from the Tile IR as parsed (before any pass): T.copy
// moves values and rounds them to the destination's dtype, T.gemm accumulates in fp32 (Eigen), element-wise
// statements evaluate in fp32 and round on store. Returns every output tensor.
HostTensors EvaluateReference(const tir::PrimFunc& func, const HostTensors& inputs);

}  // namespace tilesim::tile
