// Kernels of the element-wise binary workload and the loopback copy.
//
// Eltwise CBs are used in chunks of kEltwiseGroup pages (the last chunk of a core partly filled), two
// chunks per CB, so reservations never wrap around the end of a CB.
#include "tilesim/kernel_builder.h"
#include "tilesim/workloads.h"

namespace tilesim::kernels {

using kir::Expr;
using kir::KernelBuilder;

namespace {
Expr Min(KernelBuilder& k, Expr a, Expr b) { return k.select(a < b, a, b); }
}  // namespace

kir::Kernel EltwiseReader() {
  KernelBuilder k("eltwise_reader", KernelRole::DataMovement0, __FILE__);
  k.at(__LINE__); const Expr tile = kBf16TileBytes;
  Expr a_addr = k.let("a_addr", k.get_arg_val(0u));
  Expr b_addr = k.let("b_addr", k.get_arg_val(1u));
  Expr start = k.let("start", k.get_arg_val(2u));
  Expr count = k.let("count", k.get_arg_val(3u));
  k.for_("t", 0u, count, [&](Expr t) {
    Expr n = k.let("n", Min(k, kEltwiseGroup, count - t));
    k.at(__LINE__); k.cb_reserve_back(kCbIn0, kEltwiseGroup);
    k.at(__LINE__); k.cb_reserve_back(kCbIn1, kEltwiseGroup);
    Expr a_l1 = k.get_write_ptr(kCbIn0);
    Expr b_l1 = k.get_write_ptr(kCbIn1);
    k.for_("i", 0u, n, [&](Expr i) {
      Expr page = k.let("page", start + t + i);
      k.at(__LINE__); k.noc_async_read(k.get_noc_addr_interleaved(page, a_addr, tile, 1u, 0u), a_l1 + i * tile, tile);
      k.at(__LINE__); k.noc_async_read(k.get_noc_addr_interleaved(page, b_addr, tile, 1u, 0u), b_l1 + i * tile, tile);
    });
    k.at(__LINE__); k.noc_async_read_barrier();
    k.at(__LINE__); k.cb_push_back(kCbIn0, kEltwiseGroup);
    k.at(__LINE__); k.cb_push_back(kCbIn1, kEltwiseGroup);
  }, kEltwiseGroup);
  return k.Build();
}

kir::Kernel EltwiseCompute(EltwiseOp op) {
  KernelBuilder k(std::string("eltwise_") + std::string(ToString(op)) + "_compute", KernelRole::Compute, __FILE__);
  k.at(__LINE__); Expr count = k.let("count", k.get_arg_val(0u));
  k.binary_op_init_common(kCbIn0, kCbIn1, kCbOut);
  switch (op) {
    case EltwiseOp::Add: k.add_tiles_init(kCbIn0, kCbIn1); break;
    case EltwiseOp::Sub: k.sub_tiles_init(kCbIn0, kCbIn1); break;
    case EltwiseOp::Mul: k.mul_tiles_init(kCbIn0, kCbIn1); break;
  }
  k.for_("t", 0u, count, [&](Expr t) {
    Expr n = k.let("n", Min(k, kEltwiseGroup, count - t));
    k.at(__LINE__); k.cb_wait_front(kCbIn0, kEltwiseGroup);
    k.at(__LINE__); k.cb_wait_front(kCbIn1, kEltwiseGroup);
    k.at(__LINE__); k.tile_regs_acquire();
    k.for_("i", 0u, n, [&](Expr i) {
      k.at(__LINE__); switch (op) {
        case EltwiseOp::Add: k.add_tiles(kCbIn0, kCbIn1, i, i, i); break;
        case EltwiseOp::Sub: k.sub_tiles(kCbIn0, kCbIn1, i, i, i); break;
        case EltwiseOp::Mul: k.mul_tiles(kCbIn0, kCbIn1, i, i, i); break;
      }
    });
    k.at(__LINE__); k.tile_regs_commit();
    k.at(__LINE__); k.tile_regs_wait();
    k.at(__LINE__); k.cb_reserve_back(kCbOut, kEltwiseGroup);
    k.for_("i", 0u, n, [&](Expr i) { k.pack_tile(i, kCbOut); });
    k.at(__LINE__); k.cb_push_back(kCbOut, kEltwiseGroup);
    k.at(__LINE__); k.tile_regs_release();
    k.at(__LINE__); k.cb_pop_front(kCbIn0, kEltwiseGroup);
    k.at(__LINE__); k.cb_pop_front(kCbIn1, kEltwiseGroup);
  }, kEltwiseGroup);
  return k.Build();
}

kir::Kernel EltwiseWriter() {
  KernelBuilder k("eltwise_writer", KernelRole::DataMovement1, __FILE__);
  k.at(__LINE__); const Expr tile = kBf16TileBytes;
  Expr c_addr = k.let("c_addr", k.get_arg_val(0u));
  Expr start = k.let("start", k.get_arg_val(1u));
  Expr count = k.let("count", k.get_arg_val(2u));
  k.for_("t", 0u, count, [&](Expr t) {
    Expr n = k.let("n", Min(k, kEltwiseGroup, count - t));
    k.at(__LINE__); k.cb_wait_front(kCbOut, kEltwiseGroup);
    Expr l1 = k.get_read_ptr(kCbOut);
    k.for_("i", 0u, n, [&](Expr i) {
      Expr dst = k.get_noc_addr_interleaved(start + t + i, c_addr, tile, 1u, 0u);
      k.at(__LINE__); k.noc_async_write(l1 + i * tile, dst, tile);
    });
    k.at(__LINE__); k.noc_async_write_barrier();
    k.at(__LINE__); k.cb_pop_front(kCbOut, kEltwiseGroup);
  }, kEltwiseGroup);
  return k.Build();
}

kir::Kernel Loopback() {
  KernelBuilder k("loopback", KernelRole::DataMovement0, __FILE__);
  k.at(__LINE__); Expr src_addr = k.let("src_addr", k.get_arg_val(0u));
  Expr dst_addr = k.let("dst_addr", k.get_arg_val(1u));
  Expr start = k.let("start", k.get_arg_val(2u));
  Expr count = k.let("count", k.get_arg_val(3u));
  Expr page_size = k.let("page_size", k.get_arg_val(4u));
  // One page of the CB is the L1 staging area; it is never pushed, nobody consumes it.
  k.at(__LINE__); k.cb_reserve_back(kCbIn0, 1u);
  Expr l1 = k.get_write_ptr(kCbIn0);
  k.for_("i", 0u, count, [&](Expr i) {
    Expr src = k.get_noc_addr_interleaved(start + i, src_addr, page_size, 1u, 0u);
    k.at(__LINE__); k.noc_async_read(src, l1, page_size);
    k.at(__LINE__); k.noc_async_read_barrier();
    Expr dst = k.get_noc_addr_interleaved(start + i, dst_addr, page_size, 1u, 0u);
    k.at(__LINE__); k.noc_async_write(l1, dst, page_size);
    k.at(__LINE__); k.noc_async_write_barrier();
  });
  return k.Build();
}

}  // namespace tilesim::kernels
