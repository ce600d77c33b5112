// The device kernel API: one handler per intrinsic of include/tilesim/bytecode/intrinsics.def.
//
// Handlers live in tilesim::emu::api under the intrinsic's own name and are grouped by file: args.cpp
// (arguments and identity), cb.cpp, noc.cpp, semaphore.cpp, dprint.cpp, compute.cpp, sfpu.cpp,
// compute_extra.cpp (scalar SFPU ops, SFPU max/min). The
// dispatch table (dispatch_table.cpp) is generated from intrinsics.def, so an intrinsic without a handler
// fails to link. Each handler is the single place its operation happens (a later event log hooks in here).
//
// Handlers read their arguments from `args` (u32 arguments are truncated to 32 bits), write `result` if the
// intrinsic returns a value, throw KernelTrap on misuse, and return CallStatus::Block after setting
// ctx.wait when they cannot complete yet (the interpreter re-executes the call once the context is woken).
#pragma once

#include <cstdint>
#include <string>

#include "emulator/noc_address.h"  // Hex, for messages
#include "emulator/vm/interpreter.h"
#include "tilesim/bytecode/intrinsics.h"

namespace tilesim::emu {

class KernelContext;

// The dispatch table, indexed by bc::Intrinsic, for Link().
const IntrinsicFn* IntrinsicTable();
// The same handlers, each followed by appending the completed call to ctx.events (event_log.h).
const IntrinsicFn* LoggingIntrinsicTable();

// Prints the context's unfinished DPRINT line, if any (a kernel that ends without ENDL()).
void FlushDprint(KernelContext& ctx);

namespace api {

#define TILESIM_INTRINSIC(name, roles, sig, doc) CallStatus name(KernelContext& ctx, const uint64_t* args, uint64_t& result);
#include "tilesim/bytecode/intrinsics.def"
#undef TILESIM_INTRINSIC

// Argument i as the uint32_t the signature says it is.
inline uint32_t U32(const uint64_t* args, uint32_t i) { return static_cast<uint32_t>(args[i]); }


}  // namespace api
}  // namespace tilesim::emu
