// The Metalium C++ back end: Kernel IR -> the source of a tt-metal kernel (reader / writer / compute) that a
// user could compile for hardware and that tilesim's Metalium front end (tilesim/metalium.h) compiles back
// to a program with the same results.
//
//   std::string source = compiler::metalium_cpp::PrintKernelSource(kernel, {.header_comment = "..."});
//
// What it prints:
//  - data movement kernels as `void kernel_main() { ... }`, compute kernels as
//    `namespace NAMESPACE { void MAIN { ... } }` (Dialect::Legacy, the spelling tt-metal used through
//    2025 and most published kernels use) or `void kernel_main()` with the api/ headers (Dialect::Api2026);
//  - variables under their IR names (made valid and unique where needed), `constexpr` for const variables
//    whose value is known at compile time, `const` for the other const ones;
//  - every intrinsic as the Metalium call it stands for (intrinsics.def): get_arg_val<uint32_t>(i),
//    my_x[noc], pack_tile<true>(...) for pack_tile_out_of_order, DPRINT << ... << ENDL() for the dprint_*
//    calls, semaphore and L1 pointers as reinterpret_cast<volatile tt_l1_ptr uint32_t*>(addr);
//  - get_noc_addr_interleaved as a TensorAccessor / InterleavedAddrGen object (accessors.h) and its
//    get_noc_addr, noc_async_read_tile / noc_async_write_tile where a transfer is exactly one page.
// Constructs no Metalium spelling expresses (a run-time DRAM flag of an interleaved address) throw
// CompileError naming the IR location.
#pragma once

#include <string>

#include "tilesim/kernel_ir.h"

namespace tilesim::compiler::metalium_cpp {

enum class Dialect : uint8_t {
  Legacy,   // "dataflow_api.h", "compute_kernel_api/*.h", compute in namespace NAMESPACE { void MAIN }
  Api2026,  // "api/dataflow/dataflow_api.h", "api/compute/*.h", every kernel in void kernel_main()
};

struct PrintOptions {
  Dialect dialect = Dialect::Legacy;
  // Printed as `// ` lines at the top of the file (may hold several lines).
  std::string header_comment;
};

// The kernel's source for its role (kernel.role).
std::string PrintKernelSource(const kir::Kernel& kernel, const PrintOptions& options = {});

}  // namespace tilesim::compiler::metalium_cpp
