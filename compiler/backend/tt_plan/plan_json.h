// tt.plan.json: what the host sets up for a compiled tile program, as data (schema: docs/tt_plan.md), and
// the checks a plan must pass.
//
//   nlohmann::json plan = tile::BuildPlanJson(program);        // EmitPlanJson is plan.dump(2)
//   std::vector<std::string> problems = tile::ValidatePlanJson(plan);   // empty: the plan is consistent
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tilesim/tile_compiler.h"

namespace tilesim::tile {

inline constexpr int kPlanSchemaVersion = 1;
// The L1 a plan may fill with circular buffers (tilesim's Wormhole default: 1464 KiB per core, circular
// buffers from 0x10000 upwards); recorded in the plan so the validator needs nothing else.
inline constexpr uint32_t kPlanL1Size = 1499136;
inline constexpr uint32_t kPlanCircularBufferBase = 0x10000;

// The plan as JSON. Throws std::invalid_argument if `program` is not self-consistent enough to describe
// (a runtime arg naming an unknown tensor, per-core args for a different number of kernels).
nlohmann::json BuildPlanJson(const TTProgram& program);

// Every structural or consistency problem of a plan, one message each, prefixed with the JSON path
// ("cores[3].runtime_args.reader[2]: ..."); empty when the plan is valid.
std::vector<std::string> ValidatePlanJson(const nlohmann::json& plan);

// The participating cores as a few inclusive rectangles (rows of consecutive cores merged downwards).
struct CoreRectangle {
  uint32_t x0, y0, x1, y1;
};
std::vector<CoreRectangle> CoreRanges(const std::vector<CoreWork>& cores);

// "RISCV_0" / "RISCV_1" for data movement, "compute" for compute; the NoC a data movement kernel uses by
// default (0 for RISCV_0, 1 for RISCV_1).
std::string ProcessorName(KernelRole role);
uint32_t DefaultNoc(KernelRole role);
// "bfloat16" / "float32" (tensors' dtypes), and back; throws std::invalid_argument for others.
std::string DtypeName(DataFormat format);

}  // namespace tilesim::tile
