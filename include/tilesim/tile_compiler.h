// The tile DSL compiler: TileLang-style kernel text -> Tile IR -> the "v5" pass pipeline -> a TTProgram
// (reader / compute / writer Kernel IR plus everything the host must set up), and the back ends that
// write it out as Metalium C++ sources, a tt-metal host program and tt.plan.json.
//
//   tile::CompileOptions options;
//   options.bindings["M"] = 512;                                   // --M 512
//   tile::TTProgram program = tile::CompileFile("samples/tile/gemm.py", options);
//   tile::WriteArtifacts(program, "out/");                         // reader.cpp ... tt.plan.json
//
// User mistakes throw compiler::CompileError naming "file:line:col" and the construct; compiler bugs
// throw compiler::InternalError.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tilesim/data_format.h"
#include "tilesim/kernel_ir.h"
#include "tilesim/kernel_role.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

// ---- Front end ----
struct DslSource {
  std::string path;  // named in messages
  std::string text;
};
// Integer values for names the kernel leaves open (--M 512): they override module-level constants and
// factory-function parameters of the same name.
using Bindings = std::map<std::string, int64_t>;

// Parses one @T.prim_func (the only one in the file, or the one named `function` if given).
tir::PrimFunc ParseDsl(const DslSource& source, const Bindings& bindings, const std::string& function = "");
tir::PrimFunc ParseDslFile(const std::string& path, const Bindings& bindings, const std::string& function = "");

// ---- The compiled program: what the host sets up and the three kernels ----
struct TensorPlan {
  std::string name;               // the kernel parameter's name
  std::vector<int64_t> shape;     // logical shape as declared
  DataFormat format = DataFormat::Float16_b;
  bool is_output = false;
  uint32_t tile_rows = 0;         // padded shape in 32x32 tiles
  uint32_t tile_cols = 0;
  uint32_t page_size = 0;         // bytes per tile page; DRAM, interleaved, one tile per page
};

struct CircularBufferPlan {
  uint32_t index = 0;             // CBIndex
  uint32_t num_pages = 0;
  uint32_t page_size = 0;
  DataFormat format = DataFormat::Float16_b;
  std::string holds;              // what it carries: the DSL buffer's name ("A_shared", "C_local")
};

// One runtime argument of one kernel on one core. Addresses and NoC coordinates are only known to the
// host program at run time, so the plan says what they are, not their value.
struct RuntimeArg {
  enum class Kind : uint8_t {
    Value,          // `value` as is
    TensorAddress,  // the DRAM address of tensor `tensor`
    NocX,           // the NoC x coordinate of logical core (core_x, core_y)
    NocY,           // its NoC y coordinate
    Semaphore,      // the id CreateSemaphore returned for semaphore number `value`
  };
  Kind kind = Kind::Value;
  uint32_t value = 0;
  std::string tensor;
  uint32_t core_x = 0;
  uint32_t core_y = 0;
};

struct KernelPlan {
  std::string name;                           // "reader", "compute", "writer"
  KernelRole role = KernelRole::DataMovement0;
  kir::Kernel kernel;                         // compile-time args still symbolic (get_compile_time_arg_val)
  std::vector<uint32_t> compile_time_args;
  std::vector<std::string> runtime_arg_names;
  MathFidelity math_fidelity = MathFidelity::HiFi4;  // compute only
  bool fp32_dest_acc_en = false;                     // compute only
};

// What one core does: its place in the work partition and each kernel's runtime args.
struct CoreWork {
  uint32_t x = 0;                                   // logical core
  uint32_t y = 0;
  std::vector<std::vector<RuntimeArg>> runtime_args;  // per KernelPlan, same order as TTProgram::kernels
  // The output work assigned to it: blocks of the kernel grid (bx, by) in the order it does them.
  std::vector<std::pair<uint32_t, uint32_t>> blocks;
};

struct SemaphorePlan {
  uint32_t initial_value = 0;
};

struct TTProgram {
  std::string name;                      // the prim_func's name
  std::string source_file;
  uint32_t grid_x = 8;                   // the device grid the program was partitioned for
  uint32_t grid_y = 8;
  std::vector<TensorPlan> tensors;       // parameter order
  std::vector<CircularBufferPlan> circular_buffers;
  std::vector<SemaphorePlan> semaphores;
  std::vector<KernelPlan> kernels;       // reader, compute, writer: each runs on every core in `cores`
  std::vector<CoreWork> cores;           // the cores that take part, row-major
  std::map<std::string, std::string> partition;  // the work-partition facts ("mode", "block_m_tiles", ...)
  tir::PrimFunc source;                  // the function as the front end parsed it (the reference reads it)
};

// ---- Pipeline ----
struct CompileOptions {
  Bindings bindings;
  uint32_t grid_x = 8;
  uint32_t grid_y = 8;
  MathFidelity math_fidelity = MathFidelity::HiFi4;
  bool fp32_dest_acc_en = false;
  // Multicast A along core rows and B down core columns when every core of a row (column) works on the
  // same block row (column) at the same time. Off: every core reads its own operands from DRAM.
  bool multicast = true;
  // In a 2-D partition, run the rectangle of blocks each core owns as one larger block, so A and B tiles are
  // reused in L1 across the core's blocks (when every buffer dimension follows a block index or none).
  bool fuse_blocks = true;
  // Printing the IR between passes: after every pass, or after the passes named here.
  bool print_after_all = false;
  std::vector<std::string> print_after;
  std::function<void(const std::string& pass, const std::string& ir)> print;  // default: stderr
};

// The pass names in pipeline order (InferTTLayout ... VerifyTTIR).
const std::vector<std::string>& PassNames();

// Runs the whole pipeline on a parsed function.
TTProgram Compile(const tir::PrimFunc& func, const CompileOptions& options);
TTProgram CompileFile(const std::string& path, const CompileOptions& options);

// ---- Back ends ----
// The Metalium C++ of one kernel: a source our Metalium front end (tilesim/metalium.h) compiles back to
// the same program.
std::string EmitKernelSource(const KernelPlan& kernel);
// main.cpp: a tt-metal host program (current Mesh API) that sets up and runs `program`.
std::string EmitHostProgram(const TTProgram& program);
std::string EmitCMakeLists(const TTProgram& program);
// tt.plan.json (schema: docs/tt_plan.md).
std::string EmitPlanJson(const TTProgram& program);
// Writes reader.cpp, compute.cpp, writer.cpp, main.cpp, CMakeLists.txt, tt.plan.json and the kernels'
// bytecode (reader.tsb ...) into `dir` (created if missing). Refuses to overwrite files it did not write
// unless `overwrite`: throws std::runtime_error naming the file.
std::vector<std::string> WriteArtifacts(const TTProgram& program, const std::string& dir, bool overwrite = false);

}  // namespace tilesim::tile
