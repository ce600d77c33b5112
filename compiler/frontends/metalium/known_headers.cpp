// The headers a kernel may include without the front end reading them: the C++ standard headers kernels
// use, and tt-metal's kernel API headers (old and 2026 spellings), whose functions the front end knows.
#include <string>
#include <string_view>

#include "compiler/frontends/metalium/preprocessor.h"

namespace tilesim::metalium {
namespace {

constexpr std::string_view kStandardHeaders[] = {
    "cstdint",  "stdint.h",  "cstddef",   "stddef.h", "cstring",     "string.h",   "cstdlib",  "stdlib.h",
    "climits",  "limits.h",  "limits",    "cassert",  "assert.h",    "stdbool.h",  "cinttypes", "inttypes.h",
    "type_traits", "utility", "array",    "tuple",    "algorithm",   "bit",        "concepts", "initializer_list",
    "iterator", "functional", "numeric",  "optional", "span",        "cmath",      "math.h",   "atomic",
};

// Whole names of tt-metal kernel headers outside the folders below.
constexpr std::string_view kKernelHeaders[] = {
    "dataflow_api.h",      "dataflow_api_addrgen.h", "compute_kernel_api.h", "debug_print.h",
    "risc_attribs.h",      "tensix_types.h",         "tensix.h",              "noc_nonblocking_api.h",
    "firmware_common.h",   "dev_mem_map.h",          "circular_buffer.h",     "cb_api.h",
    "ckernel.h",           "ckernel_defs.h",         "ckernel_include.h",     "dataflow_cmd_bufs.h",
    "noc_parameters.h",    "noc_addr_ranges_gen.h",  "remote_circular_buffer_api.h",
    "compile_time_args.h", "chlkc_list.h",           "kernel_structs.h",      "common_values.hpp",
};

// Folders of tt-metal's kernel-side headers (old and new layouts).
constexpr std::string_view kKernelHeaderFolders[] = {
    "compute_kernel_api/", "api/",       "debug/",       "hostdevcommon/", "accessor/",    "tt_metal/hw/inc/",
    "tt_metal/include/",   "internal/",  "experimental/", "tools/profiler/", "tt-metalium/", "dataflow/",
    "llk_api/",            "sfpi/",      "ckernel_",     "llk_",           "tensix_",
};

}  // namespace

bool IsKnownKernelHeader(const std::string& name, bool angled) {
  if (angled) {
    for (std::string_view header : kStandardHeaders) {
      if (name == header) return true;
    }
  }
  for (std::string_view header : kKernelHeaders) {
    if (name == header) return true;
  }
  for (std::string_view folder : kKernelHeaderFolders) {
    if (name.size() > folder.size() && std::string_view(name).substr(0, folder.size()) == folder) return true;
  }
  return false;
}

}  // namespace tilesim::metalium
