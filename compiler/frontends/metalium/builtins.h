// The kernel API's objects and functions, as the lowering calls them (builtins_*.cpp). Not a public header.
#pragma once

#include <string>
#include <vector>

#include "compiler/frontends/metalium/lowering.h"

namespace tilesim::metalium {

// Builds a TensorAccessorArgs / TensorAccessor / InterleavedAddrGen* / CircularBuffer / Noc object of `type`
// from a braced initialiser (designated or positional) or constructor arguments.
Value ConstructBuiltinObject(Lowerer& lowerer, const Type& type, const ast::Expr* init,
                             const std::vector<const ast::Expr*>& args, const SourcePos& pos);
// `object.member` (a data member such as page_size or bank_base_address).
Value ObjectMember(Lowerer& lowerer, const Value& object, const std::string& member, const SourcePos& pos);
// `object.method(args)`: call.receiver holds the object.
Value ObjectMethod(BuiltinCall& call);

// The NoC address of byte `offset` of page `page` of an interleaved buffer described by `accessor`.
kir::Expr InterleavedNocAddress(Lowerer& lowerer, const Object& accessor, kir::Expr page, kir::Expr offset,
                                const SourcePos& pos);
// The accessor argument of a call (argument `i` must be an address generator).
const Object& AccessorArg(BuiltinCall& call, size_t i);

// A builtin whose first arguments map one to one onto an intrinsic's. Arguments past the intrinsic's
// (tt-metal's NoC index, virtual channel, `linked` flags...) are accepted up to `max_args` and not
// evaluated; missing ones take `defaults[i]` (indexed by argument position).
BuiltinHandler Direct(bc::Intrinsic intrinsic, size_t min_args, size_t max_args, std::vector<uint32_t> defaults = {});
// Emits `intrinsic(args)` (checking the role) and returns its value, or Void.
Value EmitIntrinsic(BuiltinCall& call, bc::Intrinsic intrinsic, std::vector<kir::Expr> args);

// Registers the handlers of one part of the API into `table`.
void AddDataflowBuiltins(std::map<std::string, BuiltinHandler>& table);
void AddComputeBuiltins(std::map<std::string, BuiltinHandler>& table);
void AddPrintBuiltins(std::map<std::string, BuiltinHandler>& table);

}  // namespace tilesim::metalium
