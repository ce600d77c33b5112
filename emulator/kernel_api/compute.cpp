// Kernel API: the compute engine. Unpack reads tiles at the front of input CBs, the FPU writes the DST
// section math holds, pack writes the DST section pack holds into the reserved back of an output CB.
// Formats come from the CBs; fidelity, fp32 DST and approximation mode from the kernel's ComputeSpec.
#include <mutex>
#include <string>

#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_context.h"
#include "emulator/tile_math/broadcast.h"
#include "emulator/tile_math/tile_math.h"
#include "emulator/tile_math/transpose_scalar.h"
#include "emulator/vm/trap.h"
#include "tilesim/tile.h"

namespace tilesim::emu::api {
namespace {

std::string Pages(uint32_t n) { return std::to_string(n) + (n == 1 ? " page" : " pages"); }

// The CB's pages must hold whole tiles of a format the tile math can convert.
void CheckTileFormat(const CircularBuffer& cb, const char* op) {
  // The message is built only on failure: this check runs on every tile operation.
  auto name = [&] { return std::string(op) + ": cb " + std::to_string(cb.spec.index); };
  if (!IsEmulated(cb.spec.format)) {
    throw KernelTrap(name() + " holds " + std::string(ToString(cb.spec.format)) +
                     " tiles, which the emulator cannot unpack or pack yet (Float32 and Float16_b only)");
  }
  if (cb.spec.page_size < TileSizeBytes(cb.spec.format)) {
    throw KernelTrap(name() + " has " + std::to_string(cb.spec.page_size) + "-byte pages, smaller than one " +
                     std::string(ToString(cb.spec.format)) + " tile (" + std::to_string(TileSizeBytes(cb.spec.format)) +
                     " bytes)");
  }
}

// The L1 address of tile `t` of the front of CB `cb_index` (t counts from the front; it must be ready) and
// the page's sequence number in the CB (pages popped before it). The caller holds the core lock; the page
// stays ready until this context pops it, so it can be read after the lock is released.
struct FrontTile {
  uint32_t address;
  uint64_t sequence;
};
FrontTile LocateFront(const CircularBuffer& cb, uint32_t cb_index, uint32_t t, const char* op) {
  if (t >= cb.PagesReady()) {
    throw KernelTrap(std::string(op) + ": tile " + std::to_string(t) + " of cb " + std::to_string(cb_index) +
                     "'s front is not ready (" + Pages(cb.PagesReady()) + " ready; cb_wait_front first)");
  }
  if (cb.FrontPage() + t >= cb.spec.num_pages) {
    throw KernelTrap(std::string(op) + ": tile " + std::to_string(t) + " of cb " + std::to_string(cb_index) +
                     "'s front lies past the end of the buffer (the CB's read pointer wraps only between blocks)");
  }
  return FrontTile{cb.PageAddress(cb.FrontPage() + t), cb.popped + t};
}

// The L1 bytes of tile `t` of the front of CB `cb_index`, checked; `format` receives the CB's format.
const uint8_t* FrontTileBytes(KernelContext& ctx, uint32_t cb_index, uint32_t t, const char* op, DataFormat& format) {
  CircularBuffer& cb = ctx.Cb(cb_index, op);
  CheckTileFormat(cb, op);
  uint32_t address;
  {
    std::lock_guard lock(ctx.core().lock);
    address = LocateFront(cb, cb_index, t, op).address;
  }
  format = cb.spec.format;
  return ctx.core().l1 + address;
}

// Unpacks tile `t` of the front of CB `cb_index`.
void UnpackFront(KernelContext& ctx, uint32_t cb_index, uint32_t t, const char* op, tile::Tile& out) {
  DataFormat format;
  const uint8_t* bytes = FrontTileBytes(ctx, cb_index, t, op, format);
  tile::Unpack(bytes, format, out);
}

// Packs `src` into page `page` of CB `cb_index`'s reserved back; `advance` moves pack_tile's counter.
void PackInto(KernelContext& ctx, const tile::Tile& src, uint32_t cb_index, uint32_t page, bool advance, const char* op) {
  CircularBuffer& cb = ctx.Cb(cb_index, op);
  CheckTileFormat(cb, op);
  uint32_t address;
  {
    std::lock_guard lock(ctx.core().lock);
    const uint32_t slot = advance ? cb.packed : page;
    if (slot >= cb.reserved) {
      throw KernelTrap(std::string(op) + ": page " + std::to_string(slot) + " of cb " + std::to_string(cb_index) +
                       "'s back is not reserved (" + Pages(cb.reserved) + " reserved; cb_reserve_back first)");
    }
    address = cb.PageAddress(cb.BackPage() + slot);  // reservations never run past the end (cb.cpp)
    if (advance) ++cb.packed;
  }
  tile::Pack(src, cb.spec.format, ctx.core().l1 + address);
  ctx.NoteProgress();
}

// Checks the CBs an *_init call names exist; the formats themselves are read from the CBs at each op.
CallStatus InitCbs(KernelContext& ctx, const uint64_t* args, uint32_t count, const char* op) {
  ctx.compute();
  for (uint32_t i = 0; i < count; ++i) ctx.Cb(U32(args, i), op);
  return CallStatus::Done;
}

using BinaryFn = void (*)(const tile::Tile&, const tile::Tile&, const tile::MathConfig&, tile::Tile&);

CallStatus Binary(KernelContext& ctx, const uint64_t* args, BinaryFn fn, const char* op) {
  ComputeState& compute = ctx.compute();
  tile::Tile& dst = compute.dst.MathTile(U32(args, 4), op);
  UnpackFront(ctx, U32(args, 0), U32(args, 2), op, compute.operand_a);
  UnpackFront(ctx, U32(args, 1), U32(args, 3), op, compute.operand_b);
  fn(compute.operand_a, compute.operand_b, compute.math, dst);
  return CallStatus::Done;
}

// (cb_in0, cb_in1, tile0, tile1, dst[, row]): like Binary, B broadcast before the op (tile_math/broadcast.h).
CallStatus BroadcastBinary(KernelContext& ctx, const uint64_t* args, BinaryFn fn, tile::BroadcastDim dim, const char* op) {
  ComputeState& compute = ctx.compute();
  tile::Tile& dst = compute.dst.MathTile(U32(args, 4), op);
  const uint32_t row = dim == tile::BroadcastDim::Row ? U32(args, 5) : 0;
  if (row >= kTileRows) {
    throw KernelTrap(std::string(op) + ": broadcast row " + std::to_string(row) + " is not a row of the tile (0 to 31)");
  }
  UnpackFront(ctx, U32(args, 0), U32(args, 2), op, compute.operand_a);
  UnpackFront(ctx, U32(args, 1), U32(args, 3), op, compute.operand_b);
  tile::BroadcastInPlace(dim, row, compute.operand_b);
  fn(compute.operand_a, compute.operand_b, compute.math, dst);
  return CallStatus::Done;
}

}  // namespace

// ---- DST handshake ----

CallStatus tile_regs_acquire(KernelContext& ctx, const uint64_t*, uint64_t&) {
  ctx.compute().dst.Acquire();
  return CallStatus::Done;
}
CallStatus tile_regs_commit(KernelContext& ctx, const uint64_t*, uint64_t&) {
  ctx.compute().dst.Commit();
  return CallStatus::Done;
}
CallStatus tile_regs_wait(KernelContext& ctx, const uint64_t*, uint64_t&) {
  ctx.compute().dst.Wait();
  return CallStatus::Done;
}
CallStatus tile_regs_release(KernelContext& ctx, const uint64_t*, uint64_t&) {
  ctx.compute().dst.Release();
  return CallStatus::Done;
}
CallStatus acquire_dst(KernelContext& ctx, const uint64_t*, uint64_t&) {
  ctx.compute().dst.AcquireDst();
  return CallStatus::Done;
}
CallStatus release_dst(KernelContext& ctx, const uint64_t*, uint64_t&) {
  ctx.compute().dst.ReleaseDst();
  return CallStatus::Done;
}

// ---- Initialisation ----

CallStatus binary_op_init_common(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return InitCbs(ctx, args, 3, "binary_op_init_common");
}
CallStatus unary_op_init_common(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return InitCbs(ctx, args, 2, "unary_op_init_common");
}
CallStatus init_sfpu(KernelContext& ctx, const uint64_t* args, uint64_t&) { return InitCbs(ctx, args, 2, "init_sfpu"); }
CallStatus mm_init(KernelContext& ctx, const uint64_t* args, uint64_t&) { return InitCbs(ctx, args, 3, "mm_init"); }
CallStatus mm_init_short(KernelContext& ctx, const uint64_t* args, uint64_t&) { return InitCbs(ctx, args, 2, "mm_init_short"); }
CallStatus add_tiles_init(KernelContext& ctx, const uint64_t* args, uint64_t&) { return InitCbs(ctx, args, 2, "add_tiles_init"); }
CallStatus sub_tiles_init(KernelContext& ctx, const uint64_t* args, uint64_t&) { return InitCbs(ctx, args, 2, "sub_tiles_init"); }
CallStatus mul_tiles_init(KernelContext& ctx, const uint64_t* args, uint64_t&) { return InitCbs(ctx, args, 2, "mul_tiles_init"); }
CallStatus copy_tile_to_dst_init_short(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return InitCbs(ctx, args, 1, "copy_tile_to_dst_init_short");
}
CallStatus copy_tile_init(KernelContext& ctx, const uint64_t* args, uint64_t&) { return InitCbs(ctx, args, 1, "copy_tile_init"); }

// ---- FPU ----

CallStatus matmul_tiles(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  static constexpr const char* kOp = "matmul_tiles";
  ComputeState& compute = ctx.compute();
  tile::Tile& dst = compute.dst.MathTile(U32(args, 4), kOp);
  const uint32_t in0 = U32(args, 0), in1 = U32(args, 1);
  const bool transpose = U32(args, 5) != 0;  // the last argument transposes B; matmul_tiles always accumulates
  CircularBuffer& cb0 = ctx.Cb(in0, kOp);
  CheckTileFormat(cb0, kOp);
  FrontTile tile0, tile1;
  CircularBuffer* cb1;
  {
    // One lock for both operands; the checks run in the order they always did (in0's first).
    std::lock_guard lock(ctx.core().lock);
    tile0 = LocateFront(cb0, in0, U32(args, 2), kOp);
    cb1 = &ctx.Cb(in1, kOp);
    CheckTileFormat(*cb1, kOp);
    tile1 = LocateFront(*cb1, in1, U32(args, 3), kOp);
  }
  const uint8_t* l1 = ctx.core().l1;
  const tile::MathConfig& math = compute.math;
  auto key = [&](uint32_t cb, const FrontTile& t, DataFormat format, bool transposed) {
    return tile::OperandKey{t.sequence, t.address, static_cast<uint8_t>(cb), format, math.fidelity, math.fp32_dest,
                            transposed};
  };
  const tile::PreparedOperand& left = compute.matmul_operands.Find(
      tile::MatmulSide::Left, key(in0, tile0, cb0.spec.format, false),
      [&](tile::PreparedOperand& out) { tile::PrepareLeft(l1 + tile0.address, cb0.spec.format, math, out); });
  const tile::PreparedOperand& right = compute.matmul_operands.Find(
      tile::MatmulSide::Right, key(in1, tile1, cb1->spec.format, transpose), [&](tile::PreparedOperand& out) {
        tile::PrepareRight(l1 + tile1.address, cb1->spec.format, transpose, math, out);
      });
  tile::MatmulAccumulate(left, right, math, dst);
  return CallStatus::Done;
}

CallStatus add_tiles(KernelContext& ctx, const uint64_t* args, uint64_t&) { return Binary(ctx, args, &tile::Add, "add_tiles"); }
CallStatus sub_tiles(KernelContext& ctx, const uint64_t* args, uint64_t&) { return Binary(ctx, args, &tile::Sub, "sub_tiles"); }
CallStatus mul_tiles(KernelContext& ctx, const uint64_t* args, uint64_t&) { return Binary(ctx, args, &tile::Mul, "mul_tiles"); }

// ---- Broadcast (tt-metal bcast.h): B's row / column 0 / element (0, 0) repeated, then add / sub / mul ----

// One line per operation: its init (tt-metal's name, which is not regular) and the call itself.
#define TILESIM_BROADCAST_HANDLERS(init_name, name, op, dim)                                     \
  CallStatus init_name(KernelContext& ctx, const uint64_t* args, uint64_t&) {                  \
    return InitCbs(ctx, args, 2, #init_name);                                                   \
  }                                                                                             \
  CallStatus name(KernelContext& ctx, const uint64_t* args, uint64_t&) {                       \
    return BroadcastBinary(ctx, args, &tile::op, tile::BroadcastDim::dim, #name);               \
  }
TILESIM_BROADCAST_HANDLERS(add_bcast_rows_init_short, add_tiles_bcast_rows, Add, Row)
TILESIM_BROADCAST_HANDLERS(sub_bcast_rows_init_short, sub_tiles_bcast_rows, Sub, Row)
TILESIM_BROADCAST_HANDLERS(mul_bcast_rows_init_short, mul_tiles_bcast_rows, Mul, Row)
TILESIM_BROADCAST_HANDLERS(add_bcast_cols_init_short, add_tiles_bcast_cols, Add, Col)
TILESIM_BROADCAST_HANDLERS(sub_bcast_cols_init_short, sub_tiles_bcast_cols, Sub, Col)
TILESIM_BROADCAST_HANDLERS(mul_bcast_cols_init_short, mul_tiles_bcast_cols, Mul, Col)
TILESIM_BROADCAST_HANDLERS(add_bcast_scalar_init_short, add_tiles_bcast_scalar, Add, Scalar)
TILESIM_BROADCAST_HANDLERS(sub_tiles_bcast_scalar_init_short, sub_tiles_bcast_scalar, Sub, Scalar)
TILESIM_BROADCAST_HANDLERS(mul_tiles_bcast_scalar_init_short, mul_tiles_bcast_scalar, Mul, Scalar)
#undef TILESIM_BROADCAST_HANDLERS

CallStatus copy_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  ComputeState& compute = ctx.compute();
  tile::Tile& dst = compute.dst.MathTile(U32(args, 2), "copy_tile");
  DataFormat format;
  const uint8_t* bytes = FrontTileBytes(ctx, U32(args, 0), U32(args, 1), "copy_tile", format);
  tile::UnpackToDst(bytes, format, compute.math, dst);
  return CallStatus::Done;
}

// ---- Transpose (tt-metal transpose_wh.h): unpack one tile transposed into DST ----

CallStatus transpose_wh_init(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return InitCbs(ctx, args, 2, "transpose_wh_init");
}
CallStatus transpose_wh_init_short(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return InitCbs(ctx, args, 1, "transpose_wh_init_short");
}
CallStatus transpose_wh_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  static constexpr const char* kOp = "transpose_wh_tile";
  ComputeState& compute = ctx.compute();
  tile::Tile& dst = compute.dst.MathTile(U32(args, 2), kOp);
  DataFormat format;
  const uint8_t* bytes = FrontTileBytes(ctx, U32(args, 0), U32(args, 1), kOp, format);
  tile::UnpackTransposedToDst(bytes, format, compute.math, dst);
  return CallStatus::Done;
}

// ---- Pack ----

CallStatus pack_tile(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  const tile::Tile& src = ctx.compute().dst.PackTile(U32(args, 0), "pack_tile");
  PackInto(ctx, src, U32(args, 1), 0, /*advance=*/true, "pack_tile");
  return CallStatus::Done;
}

CallStatus pack_tile_out_of_order(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  const tile::Tile& src = ctx.compute().dst.PackTile(U32(args, 0), "pack_tile_out_of_order");
  PackInto(ctx, src, U32(args, 1), U32(args, 2), /*advance=*/false, "pack_tile_out_of_order");
  return CallStatus::Done;
}

}  // namespace tilesim::emu::api
