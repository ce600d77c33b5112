// Kernel API: runtime arguments and the core's identity.
#include <cstdio>
#include <string>

#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_context.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu::api {
namespace {

uint32_t Arg(const std::vector<uint32_t>& values, uint32_t index, const char* op, const char* setter) {
  if (index >= values.size()) {
    throw KernelTrap(std::string(op) + "(" + std::to_string(index) + "): the kernel has " + std::to_string(values.size()) +
                     " such arguments on this core (" + setter + ")");
  }
  return values[index];
}

uint32_t NocIndex(const uint64_t* args, const char* op) {
  const uint32_t noc = U32(args, 0);
  if (noc > 1) throw KernelTrap(std::string(op) + "(" + std::to_string(noc) + "): there are two NoCs, 0 and 1");
  return noc;
}

}  // namespace

CallStatus get_arg_val(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  result = Arg(ctx.runtime_args(), U32(args, 0), "get_arg_val", "SetRuntimeArgs");
  return CallStatus::Done;
}

CallStatus get_common_arg_val(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  result = Arg(ctx.common_args(), U32(args, 0), "get_common_arg_val", "SetCommonRuntimeArgs");
  return CallStatus::Done;
}

CallStatus get_absolute_logical_x(KernelContext& ctx, const uint64_t*, uint64_t& result) {
  result = ctx.core().core.x;
  return CallStatus::Done;
}

CallStatus get_absolute_logical_y(KernelContext& ctx, const uint64_t*, uint64_t& result) {
  result = ctx.core().core.y;
  return CallStatus::Done;
}

// Both NoCs use the same coordinates (noc_address.h), so the NoC index only needs to be valid.
CallStatus my_x(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  NocIndex(args, "my_x");
  result = ctx.device().WorkerNoc(ctx.core().core).x;
  return CallStatus::Done;
}

CallStatus my_y(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  NocIndex(args, "my_y");
  result = ctx.device().WorkerNoc(ctx.core().core).y;
  return CallStatus::Done;
}

}  // namespace tilesim::emu::api
