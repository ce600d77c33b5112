// Preprocessor: #define / #undef (object-like, function-like, variadic, # and ##), #if / #ifdef /
// #ifndef / #elif / #else / #endif with defined(X) and integer expressions, #include, #pragma, #error.
//
// Includes of tt-metal's kernel headers (dataflow_api.h, compute_kernel_api/*.h, api/..., debug/dprint.h,
// hostdevcommon/..., <cstdint>...) are recognised and not read: the front end knows the API they declare.
// Any other quoted include is read from the including file's folder if it exists there, and is an error
// naming it otherwise. Tokens produced by a macro carry the position of the macro's use.
//
// Predefined for every kernel (as tt-metal's build defines them): KERNEL_BUILD, ARCH_WORMHOLE,
// COMPILE_FOR_BRISC / COMPILE_FOR_NCRISC / COMPILE_FOR_TRISC by role, FORCE_INLINE and ALWI, tt_l1_ptr and
// tt_reg_ptr (empty), MAIN (kernel_main()), the DPRINT_ / DEVICE_PRINT_{DATA0,DATA1,MATH,PACK,UNPACK}(...)
// wrappers (kept on the role that prints them, gone elsewhere; the compute context stands for all three
// TRISCs), MATH / PACK / UNPACK(x) (x in compute kernels), and no-op debug / profiler macros (ASSERT,
// WAYPOINT, DeviceZoneScopedN...).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/frontends/metalium/token.h"
#include "tilesim/kernel_role.h"

namespace tilesim::metalium {

struct PreprocessorOptions {
  KernelRole role = KernelRole::DataMovement0;
  std::map<std::string, std::string> defines;  // NAME -> replacement text; "NAME(x)" defines a function-like macro
};

// Preprocesses the main file (already registered as file 0 in `diag`) and everything it includes; included
// files are registered in `diag` as they are read. The result ends with one End token.
std::vector<Token> Preprocess(const std::string& text, const PreprocessorOptions& options, Diagnostics& diag);

// Evaluates a #if expression (macros already expanded, `defined` already replaced): integers, character
// literals, true / false, operators and parentheses; any other identifier is 0, as in C. Errors are
// reported at the tokens.
int64_t EvaluateIfExpression(const std::vector<Token>& tokens, const SourcePos& directive, const Diagnostics& diag);

// How an #include is resolved: a kernel API header the front end knows (not read), or not known.
bool IsKnownKernelHeader(const std::string& name, bool angled);

}  // namespace tilesim::metalium
