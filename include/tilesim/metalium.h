// The Metalium kernel dialect front end: compiles reader / writer / compute kernel sources written the way
// tt-metal kernels are written (kernel_main / namespace NAMESPACE { void MAIN }, dataflow_api.h,
// compute_kernel_api, TensorAccessor, DPRINT...) to Kernel IR; compiler::LowerToBytecode does the rest.
//
//   metalium::FrontEndOptions options{.role = KernelRole::DataMovement0, .defines = {{"TILE_COUNT", "4"}}};
//   kir::Kernel reader = metalium::ParseKernelFile("kernels/reader.cpp", options, compile_args);
//   KernelHandle k = CreateKernel(program, reader, core, DataMovementConfig{.compile_args = compile_args});
//
// The pipeline is preprocessor -> lexer -> parser -> AST -> semantic analysis / lowering. A mistake in the
// kernel throws compiler::CompileError naming "file:line:col" and the construct ("unsupported: class
// templates", "unknown function 'foo'"); nothing in a kernel's text makes the front end crash or hang. IR
// that fails kir::VerifyKernel would be a front-end bug: compiler::InternalError.
//
// The dialect: integer scalars (bool, 8/16/32-bit, uint64_t; no floating point, no signed 64-bit), pointers
// into L1 (any integer element width), local arrays and plain structs, enums, aliases, helper functions
// and function templates (inlined at each call; no recursion), C++ statements but goto and range-based
// for, and the kernel API: arguments, circular buffers, NoC transfers and semaphores, TensorAccessor /
// InterleavedAddrGen*, Device 2.0 Noc / CircularBuffer / DataflowBuffer, compute (DST, init, FPU, pack,
// SFPU) and DPRINT in its stream and format spellings. Kernel API headers are recognised, not read; a
// kernel's own quoted includes are read from its folder. Predefined macros: KERNEL_BUILD, ARCH_WORMHOLE,
// and COMPILE_FOR_BRISC / COMPILE_FOR_NCRISC / COMPILE_FOR_TRISC by role. FrontEndOptions::defines are
// -D NAME=VALUE (an empty value defines NAME as empty).
//
// ---- Compile-time args ----
// get_compile_time_arg_val(i) stays a kir::CompileTimeArgExpr (LowerToBytecode binds it), except where the
// dialect needs its value while compiling: template arguments (TensorAccessorArgs<N>, the offsets chained
// with next_compile_time_args_offset()), `if constexpr` conditions, array sizes, static_assert. The overloads
// taking `compile_time_args` know the values: they fold every get_compile_time_arg_val(i) to its constant
// (an index out of range is a CompileError at the call) and check what the values say (a sharded
// TensorAccessorArgs is refused). Without them, a construct that needs a value is a CompileError saying so,
// except TensorAccessorArgs, which then assumes the layout below with the default config (see there).
//
// ---- TensorAccessorArgs: the layout this front end and the tilesim::metal host API agree on ----
// As tt-metal's device header tt_metal/hw/inc/api/tensor/tensor_accessor_args.h (the version where
// TensorAccessor(args, addr) takes its page size from the args), an interleaved buffer's
// TensorAccessorArgs<N> occupies compile-time args:
//   N      the ArgsConfig bit set (hostdevcommon/tensor_accessor/arg_config.hpp): bit 0 Sharded (refused
//          here), bit 1 IsDram, bits 2..6 Runtime{Rank,NumBanks,TensorShape,ShardShape,BankCoords}
//          (meaningful only when sharded), bit 7 RuntimePageSize;
//   N + 1  the page size in bytes (the buffer's page_size(): tilesim places page i at (i / banks) *
//          page_size, with no extra alignment), present only when RuntimePageSize is clear.
// So next_compile_time_args_offset() is N + 2 (N + 1 with RuntimePageSize, in which case the page size is
// common runtime arg crta_offset(), 0 unless given as TensorAccessorArgs<N, CRTA>() or
// TensorAccessorArgs<N>(crta)). The host side appends exactly AppendInterleavedAccessorArgs below. Older
// tt-metal releases used one word (no page size); kernels that chain offsets with
// next_compile_time_args_offset() and pass TensorAccessor(args, addr, page_size) work with either.
// Without compile-time args the front end assumes RuntimePageSize is clear: is_dram is
// (get_compile_time_arg_val(N) & 2) != 0 and the default page size get_compile_time_arg_val(N + 1),
// both bound by LowerToBytecode.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "tilesim/kernel_ir.h"
#include "tilesim/kernel_role.h"

namespace tilesim::metalium {

struct KernelSource {
  std::string path;  // named in messages and source locations; quoted includes are looked up next to it
  std::string text;
};

struct FrontEndOptions {
  KernelRole role = KernelRole::DataMovement0;    // which RISC the kernel is compiled for
  std::map<std::string, std::string> defines;     // -D NAME=VALUE, as tt-metal's kernel config `defines`
  std::string name;                               // kernel name; empty = the file name without extension
};

// Compiles one kernel source to Kernel IR. Throws compiler::CompileError.
kir::Kernel ParseKernel(const KernelSource& source, const FrontEndOptions& options);
// As above, knowing the compile-time args: every get_compile_time_arg_val(i) becomes a constant.
kir::Kernel ParseKernel(const KernelSource& source, const FrontEndOptions& options,
                        std::span<const uint32_t> compile_time_args);
// Reads `path` and compiles it; an unreadable file is a CompileError naming the path.
kir::Kernel ParseKernelFile(const std::string& path, const FrontEndOptions& options);
kir::Kernel ParseKernelFile(const std::string& path, const FrontEndOptions& options,
                            std::span<const uint32_t> compile_time_args);

// ---- TensorAccessorArgs encoding (see the layout above) ----
inline constexpr uint32_t kArgConfigSharded = 1u << 0;
inline constexpr uint32_t kArgConfigIsDram = 1u << 1;
inline constexpr uint32_t kArgConfigRuntimePageSize = 1u << 7;
inline constexpr uint32_t kInterleavedAccessorCompileTimeArgs = 2;  // config word + page size

// Appends an interleaved buffer's TensorAccessorArgs to a kernel's compile-time args.
inline void AppendInterleavedAccessorArgs(std::vector<uint32_t>& compile_time_args, bool is_dram,
                                          uint32_t page_size) {
  compile_time_args.push_back(is_dram ? kArgConfigIsDram : 0u);
  compile_time_args.push_back(page_size);
}

}  // namespace tilesim::metalium
