// Names the dialect predefines, as the parser needs them to tell types from values and template
// argument lists from comparisons (C++ needs the same knowledge: `f<1>(x)` parses only if f is a template).
#pragma once

#include <string_view>

namespace tilesim::metalium {

// Builtin scalar typedefs (uint32_t, size_t...) and the kernel API's object and enum types
// (TensorAccessor, InterleavedAddrGenFast, tt::CBIndex, DataFormat...).
bool IsBuiltinTypeName(std::string_view name);
// Builtin scalar typedefs only (uint32_t, size_t, tt::CBIndex...): `uint32_t(x)` is a functional cast.
bool IsBuiltinScalarTypeName(std::string_view name);
// Builtin functions and types that may be followed by template arguments: get_arg_val<T>,
// TensorAccessorArgs<N>, pack_tile<true>, exp_tile_init<false>...
bool IsBuiltinTemplateName(std::string_view name);
// Namespaces whose qualification the dialect ignores on builtin names: std, tt, tt::tt_metal, ckernel,
// experimental, tensor_accessor...
bool IsBuiltinNamespace(std::string_view name);

}  // namespace tilesim::metalium
