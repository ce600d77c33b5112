// Kernel API: the scalar SFPU operations (tt-metal eltwise_unary/binop_with_scalar.h) and the SFPU max/min of
// two DST tiles (binary_max_min.h), in place on the DST section math holds. transpose_wh_* live in
// compute.cpp with the other unpack operations.
#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_context.h"
#include "emulator/tile_math/transpose_scalar.h"

namespace tilesim::emu::api {
namespace {

// (dst, bits): the scalar's fp32 bit pattern is passed as a uint32_t, as tt-metal's host code does.
CallStatus Scalar(KernelContext& ctx, const uint64_t* args, tile::ScalarOp op, const char* name) {
  ComputeState& compute = ctx.compute();
  tile::SfpuScalar(op, U32(args, 1), compute.math, compute.dst.MathTile(U32(args, 0), name));
  return CallStatus::Done;
}

// (dst0, dst1, odst): every index is checked against the section before anything is written.
CallStatus MaxMin(KernelContext& ctx, const uint64_t* args, bool is_max, const char* name) {
  ComputeState& compute = ctx.compute();
  const tile::Tile& a = compute.dst.MathTile(U32(args, 0), name);
  const tile::Tile& b = compute.dst.MathTile(U32(args, 1), name);
  tile::SfpuMaxMin(is_max, a, b, compute.dst.MathTile(U32(args, 2), name));
  return CallStatus::Done;
}

// The emulated SFPU needs no set-up; a data movement kernel calling an init still traps (ctx.compute()).
CallStatus Init(KernelContext& ctx) {
  ctx.compute();
  return CallStatus::Done;
}

}  // namespace

CallStatus binop_with_scalar_tile_init(KernelContext& ctx, const uint64_t*, uint64_t&) { return Init(ctx); }
CallStatus add_unary_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Scalar(ctx, args, tile::ScalarOp::Add, "add_unary_tile");
}
CallStatus sub_unary_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Scalar(ctx, args, tile::ScalarOp::Sub, "sub_unary_tile");
}
CallStatus mul_unary_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Scalar(ctx, args, tile::ScalarOp::Mul, "mul_unary_tile");
}
CallStatus div_unary_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Scalar(ctx, args, tile::ScalarOp::Div, "div_unary_tile");
}
CallStatus rsub_unary_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Scalar(ctx, args, tile::ScalarOp::Rsub, "rsub_unary_tile");
}

CallStatus binary_max_tile_init(KernelContext& ctx, const uint64_t*, uint64_t&) { return Init(ctx); }
CallStatus binary_max_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return MaxMin(ctx, args, true, "binary_max_tile");
}
CallStatus binary_min_tile_init(KernelContext& ctx, const uint64_t*, uint64_t&) { return Init(ctx); }
CallStatus binary_min_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return MaxMin(ctx, args, false, "binary_min_tile");
}

}  // namespace tilesim::emu::api
