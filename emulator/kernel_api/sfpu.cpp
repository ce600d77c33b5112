// Kernel API: SFPU operations, element-wise and in place on a tile of the DST section math holds.
#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_context.h"
#include "emulator/tile_math/tile_math.h"

namespace tilesim::emu::api {
namespace {

CallStatus Apply(KernelContext& ctx, const uint64_t* args, tile::SfpuOp op, const char* name) {
  ComputeState& compute = ctx.compute();
  tile::Sfpu(op, compute.math, compute.dst.MathTile(U32(args, 0), name));
  return CallStatus::Done;
}

// The *_tile_init calls configure the SFPU for one function; the emulated SFPU needs no set-up, but a
// data movement kernel calling one still traps.
CallStatus Init(KernelContext& ctx) {
  ctx.compute();
  return CallStatus::Done;
}

}  // namespace

CallStatus exp_tile_init(KernelContext& ctx, const uint64_t*, uint64_t&) { return Init(ctx); }
CallStatus exp_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) { return Apply(ctx, args, tile::SfpuOp::Exp, "exp_tile"); }
CallStatus log_tile_init(KernelContext& ctx, const uint64_t*, uint64_t&) { return Init(ctx); }
CallStatus log_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) { return Apply(ctx, args, tile::SfpuOp::Log, "log_tile"); }
CallStatus relu_tile_init(KernelContext& ctx, const uint64_t*, uint64_t&) { return Init(ctx); }
CallStatus relu_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Apply(ctx, args, tile::SfpuOp::Relu, "relu_tile");
}
CallStatus recip_tile_init(KernelContext& ctx, const uint64_t*, uint64_t&) { return Init(ctx); }
CallStatus recip_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Apply(ctx, args, tile::SfpuOp::Recip, "recip_tile");
}
CallStatus sqrt_tile_init(KernelContext& ctx, const uint64_t*, uint64_t&) { return Init(ctx); }
CallStatus sqrt_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Apply(ctx, args, tile::SfpuOp::Sqrt, "sqrt_tile");
}
CallStatus gelu_tile_init(KernelContext& ctx, const uint64_t*, uint64_t&) { return Init(ctx); }
CallStatus gelu_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Apply(ctx, args, tile::SfpuOp::Gelu, "gelu_tile");
}

}  // namespace tilesim::emu::api
