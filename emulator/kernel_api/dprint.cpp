// Kernel API: DPRINT << a << b << ENDL(). Each context builds its own line; ENDL hands it, prefixed with
// the core and role ("[core (1,2) reader] "), to RunOptions::dprint, one line at a time across threads.
#include <cstdio>
#include <mutex>
#include <string>

#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_context.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu {
namespace {

// A kernel printing without ENDL() in a loop must not grow memory without bound.
constexpr size_t kMaxLineChars = 4096;

void Emit(KernelContext& ctx) {
  const std::string line = ctx.Prefix() + ctx.dprint_line;
  ctx.dprint_line.clear();
  ProgramState& program = ctx.program();
  std::lock_guard lock(program.dprint_mutex);
  if (program.dprint) {
    program.dprint(line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

CallStatus Append(KernelContext& ctx, const std::string& text) {
  ctx.dprint_line += text;
  if (ctx.dprint_line.size() >= kMaxLineChars) Emit(ctx);
  return CallStatus::Done;
}

}  // namespace

void FlushDprint(KernelContext& ctx) {
  if (!ctx.dprint_line.empty()) Emit(ctx);
}

namespace api {

CallStatus dprint_str(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  const uint32_t index = U32(args, 0);
  const auto& strings = ctx.binary().strings;
  if (index >= strings.size()) {
    throw KernelTrap("dprint_str(" + std::to_string(index) + "): the kernel has " + std::to_string(strings.size()) +
                     " string constants");
  }
  return Append(ctx, strings[index]);
}

CallStatus dprint_u32(KernelContext& ctx, const uint64_t* args, uint64_t&) { return Append(ctx, std::to_string(U32(args, 0))); }

CallStatus dprint_i32(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Append(ctx, std::to_string(static_cast<int32_t>(U32(args, 0))));
}

CallStatus dprint_u64(KernelContext& ctx, const uint64_t* args, uint64_t&) { return Append(ctx, std::to_string(args[0])); }

CallStatus dprint_endl(KernelContext& ctx, const uint64_t*, uint64_t&) {
  Emit(ctx);
  return CallStatus::Done;
}

}  // namespace api
}  // namespace tilesim::emu
