// The GEMM split (PlanGemm) and its three kernels: reader, compute, writer.
//
// Every circular buffer is used in fixed-size chunks (reserve, push, wait and pop always name the same
// page count per CB) and each CB holds a whole number of chunks, so a reservation never wraps around the
// end of its CB. Ragged blocks and the last K block fill only part of a chunk; the kernels agree on which
// pages hold data.
#include <algorithm>

#include <fmt/format.h>

#include "tilesim/kernel_builder.h"
#include "tilesim/tile.h"
#include "tilesim/workloads.h"

namespace tilesim::kernels {

using kir::Expr;
using kir::KernelBuilder;

namespace {

uint32_t CeilDiv(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

// Default size of a core's double-buffered A and B circular buffers (PlanGemm picks K blocks to match).
constexpr uint64_t kOperandTargetBytes = 128 * 1024;

Expr Min(KernelBuilder& k, Expr a, Expr b) { return k.select(a < b, a, b); }

// Compile-time args shared by the three kernels (GemmPlan::CompileArgs).
struct GemmConstants {
  Expr Kt, Nt, k_block, num_k_blocks, block_m, block_n, subblock_h, subblock_w;
  explicit GemmConstants(KernelBuilder& k)
      : Kt(k.let("Kt", KernelBuilder::compile_time_arg(0))),
        Nt(k.let("Nt", KernelBuilder::compile_time_arg(1))),
        k_block(k.let("k_block", KernelBuilder::compile_time_arg(2))),
        num_k_blocks(k.let("num_k_blocks", KernelBuilder::compile_time_arg(3))),
        block_m(k.let("block_m", KernelBuilder::compile_time_arg(4))),
        block_n(k.let("block_n", KernelBuilder::compile_time_arg(5))),
        subblock_h(k.let("subblock_h", KernelBuilder::compile_time_arg(6))),
        subblock_w(k.let("subblock_w", KernelBuilder::compile_time_arg(7))) {}
};

// The per-block runtime args: m0, n0, mt, nt after {a_addr, b_addr, c_addr, num_blocks}.
struct Block {
  Expr m0, n0, mt, nt;
  Block(KernelBuilder& k, Expr index) {
    Expr base = k.let("arg_base", Expr(4u) + index * 4u);
    m0 = k.let("m0", k.get_arg_val(base));
    n0 = k.let("n0", k.get_arg_val(base + 1u));
    mt = k.let("mt", k.get_arg_val(base + 2u));
    nt = k.let("nt", k.get_arg_val(base + 3u));
  }
};

}  // namespace

std::vector<uint32_t> GemmPlan::CompileArgs() const {
  return {Kt, Nt, k_block, num_k_blocks, block_m, block_n, subblock_h, subblock_w};
}

std::vector<uint32_t> GemmPlan::RuntimeArgs(CoreCoord core, uint32_t a_addr, uint32_t b_addr, uint32_t c_addr) const {
  std::vector<uint32_t> args = {a_addr, b_addr, c_addr, 0};
  for (uint32_t bm = static_cast<uint32_t>(core.y); bm < blocks_m; bm += cores_y) {
    for (uint32_t bn = static_cast<uint32_t>(core.x); bn < blocks_n; bn += cores_x) {
      const uint32_t m0 = bm * block_m;
      const uint32_t n0 = bn * block_n;
      args.insert(args.end(), {m0, n0, std::min(block_m, Mt - m0), std::min(block_n, Nt - n0)});
      ++args[3];
    }
  }
  return args;
}

CoreRange GemmPlan::cores() const { return CoreRange({0, 0}, {cores_x - 1, cores_y - 1}); }

GemmPlan PlanGemm(uint32_t M, uint32_t N, uint32_t K, CoreCoord grid, bool fp32_dest, uint32_t l1_budget,
                  uint32_t k_block) {
  if (M == 0 || N == 0 || K == 0) throw ApiError(fmt::format("PlanGemm: shape {}x{}x{} has a zero extent", M, N, K));
  if (grid.x == 0 || grid.y == 0) throw ApiError("PlanGemm: the grid is empty");
  GemmPlan p;
  p.Mt = TilesAlong(M);
  p.Nt = TilesAlong(N);
  p.Kt = TilesAlong(K);
  p.intermediate_format = fp32_dest ? DataFormat::Float32 : DataFormat::Float16_b;
  const auto grid_x = static_cast<uint32_t>(grid.x);
  const auto grid_y = static_cast<uint32_t>(grid.y);
  const uint32_t dst_tiles = fp32_dest ? 4 : 8;  // one half of DST (half-sync)
  const uint64_t tile = kBf16TileBytes;
  const uint64_t interm_tile = TileSizeBytes(p.intermediate_format);
  uint32_t max_m = 8, max_n = 8;  // block size caps: bigger blocks reuse more but need more L1
  for (;;) {
    // Blocks per core along an axis, then the block size that spreads the tiles evenly over them.
    const uint32_t per_core_m = CeilDiv(p.Mt, grid_y * max_m);
    const uint32_t per_core_n = CeilDiv(p.Nt, grid_x * max_n);
    p.block_m = CeilDiv(p.Mt, grid_y * per_core_m);
    p.block_n = CeilDiv(p.Nt, grid_x * per_core_n);
    p.blocks_m = CeilDiv(p.Mt, p.block_m);
    p.blocks_n = CeilDiv(p.Nt, p.block_n);
    p.cores_y = std::min(grid_y, p.blocks_m);
    p.cores_x = std::min(grid_x, p.blocks_n);
    // The largest sub-block that fits DST; among equals the squarest (fewest operand tiles), then the widest.
    p.subblock_h = p.subblock_w = 1;
    for (uint32_t h = 1; h <= std::min(p.block_m, dst_tiles); ++h) {
      for (uint32_t w = 1; w <= std::min(p.block_n, dst_tiles / h); ++w) {
        const uint32_t area = h * w, best = p.subblock_h * p.subblock_w;
        const uint32_t perimeter = h + w, best_perimeter = p.subblock_h + p.subblock_w;
        if (area > best || (area == best && (perimeter < best_perimeter ||
                                             (perimeter == best_perimeter && w > p.subblock_w)))) {
          p.subblock_h = h;
          p.subblock_w = w;
        }
      }
    }
    const uint32_t subblock_tiles = p.subblock_h * p.subblock_w;
    p.out_cb_pages = CeilDiv(p.block_m, p.subblock_h) * CeilDiv(p.block_n, p.subblock_w) * subblock_tiles;
    const uint64_t out_bytes = p.out_cb_pages * tile;
    // K tiles per push: as requested, or so that a core's double-buffered operand CBs stay near
    // kOperandTargetBytes. Small K blocks are what tt-metal's reuse GEMMs use too (in0_block_w of 2-4),
    // and in the emulator they keep each core's working set in the host's cache and touch less memory.
    const uint64_t per_k = 2 * uint64_t{p.block_m + p.block_n} * tile;  // double-buffered operands per K tile
    const uint64_t wanted = k_block != 0 ? k_block : std::max<uint64_t>(1, kOperandTargetBytes / per_k);
    const uint64_t operands = uint64_t{p.block_m + p.block_n} * p.Kt * tile;
    if (wanted >= p.Kt && operands + out_bytes <= l1_budget) {
      // The whole K in one push: no partial sums to park. Double-buffered when L1 allows, so the reader can
      // fetch a core's next output block during this one.
      const uint32_t buffers = 2 * operands + out_bytes <= l1_budget ? 2 : 1;
      p.k_block = p.Kt;
      p.num_k_blocks = 1;
      p.in0_cb_pages = buffers * p.block_m * p.Kt;
      p.in1_cb_pages = buffers * p.Kt * p.block_n;
      p.intermediate_cb_pages = 0;
      p.cb_bytes = static_cast<uint32_t>(buffers * operands + out_bytes);
      return p;
    }
    // Several double-buffered K blocks, partial sums parked in the intermediate CB between them.
    const uint64_t fixed = out_bytes + p.out_cb_pages * interm_tile;
    const uint64_t fits = fixed < l1_budget ? (l1_budget - fixed) / per_k : 0;
    const uint64_t chosen = std::min({wanted, fits, uint64_t{p.Kt}});
    if (chosen >= 1) {
      p.num_k_blocks = CeilDiv(p.Kt, static_cast<uint32_t>(chosen));
      p.k_block = CeilDiv(p.Kt, p.num_k_blocks);  // same number of blocks, less padding in the last
      p.in0_cb_pages = 2 * p.block_m * p.k_block;
      p.in1_cb_pages = 2 * p.k_block * p.block_n;
      p.intermediate_cb_pages = p.num_k_blocks > 1 ? p.out_cb_pages : 0;
      p.cb_bytes = static_cast<uint32_t>(out_bytes + per_k * p.k_block +
                                         uint64_t{p.intermediate_cb_pages} * interm_tile);
      return p;
    }
    if (max_m == 1 && max_n == 1) {
      throw AllocationError(fmt::format("PlanGemm: even 1x1-tile output blocks need more than the {} bytes of L1 "
                                        "available for circular buffers",
                                        l1_budget));
    }
    if (max_m >= max_n && max_m > 1) {
      max_m = std::max(1u, std::min(max_m, p.block_m) / 2);
    } else {
      max_n = std::max(1u, std::min(max_n, p.block_n) / 2);
    }
  }
}

kir::Kernel GemmReader() {
  KernelBuilder k("gemm_reader", KernelRole::DataMovement0, __FILE__);
  k.at(__LINE__);
  GemmConstants c(k);
  const Expr tile = kBf16TileBytes;
  Expr a_addr = k.let("a_addr", k.get_arg_val(0u));
  Expr b_addr = k.let("b_addr", k.get_arg_val(1u));
  Expr num_blocks = k.let("num_blocks", k.get_arg_val(3u));
  k.for_("block", 0u, num_blocks, [&](Expr block_index) {
    Block b(k, block_index);
    k.for_("kb", 0u, c.num_k_blocks, [&](Expr kb) {
      Expr k0 = k.let("k0", kb * c.k_block);
      Expr kw = k.let("kw", Min(k, c.k_block, c.Kt - k0));
      // A: rows m0..m0+mt of K block kb, page (i, kk) at i * k_block + kk.
      k.at(__LINE__); k.cb_reserve_back(kCbIn0, c.block_m * c.k_block);
      Expr a_l1 = k.get_write_ptr(kCbIn0);
      k.for_("i", 0u, b.mt, [&](Expr i) {
        Expr row = k.let("a_row", (b.m0 + i) * c.Kt + k0);
        k.for_("kk", 0u, kw, [&](Expr kk) {
          k.at(__LINE__); Expr src = k.get_noc_addr_interleaved(row + kk, a_addr, tile, 1u, 0u);
          k.at(__LINE__); k.noc_async_read(src, a_l1 + (i * c.k_block + kk) * tile, tile);
        });
      });
      // B: columns n0..n0+nt of K block kb, page (kk, j) at kk * block_n + j.
      k.at(__LINE__); k.cb_reserve_back(kCbIn1, c.k_block * c.block_n);
      Expr b_l1 = k.get_write_ptr(kCbIn1);
      k.for_("kk", 0u, kw, [&](Expr kk) {
        Expr row = k.let("b_row", (k0 + kk) * c.Nt + b.n0);
        k.for_("j", 0u, b.nt, [&](Expr j) {
          k.at(__LINE__); Expr src = k.get_noc_addr_interleaved(row + j, b_addr, tile, 1u, 0u);
          k.at(__LINE__); k.noc_async_read(src, b_l1 + (kk * c.block_n + j) * tile, tile);
        });
      });
      k.at(__LINE__); k.noc_async_read_barrier();
      k.at(__LINE__); k.cb_push_back(kCbIn0, c.block_m * c.k_block);
      k.at(__LINE__); k.cb_push_back(kCbIn1, c.k_block * c.block_n);
    });
  });
  return k.Build();
}

kir::Kernel GemmCompute() {
  KernelBuilder k("gemm_compute", KernelRole::Compute, __FILE__);
  k.at(__LINE__);
  GemmConstants c(k);
  Expr subblock_tiles = k.let("subblock_tiles", c.subblock_h * c.subblock_w);
  Expr num_blocks = k.let("num_blocks", k.get_arg_val(3u));
  k.mm_init(kCbIn0, kCbIn1, kCbOut, 0u);
  k.for_("block", 0u, num_blocks, [&](Expr block_index) {
    Block b(k, block_index);
    k.for_("kb", 0u, c.num_k_blocks, [&](Expr kb) {
      Expr kw = k.let("kw", Min(k, c.k_block, c.Kt - kb * c.k_block));
      k.at(__LINE__); k.cb_wait_front(kCbIn0, c.block_m * c.k_block);
      k.at(__LINE__); k.cb_wait_front(kCbIn1, c.k_block * c.block_n);
      Expr last_k_block = k.let("last_k_block", kb + 1u == c.num_k_blocks);
      k.for_("sr", 0u, b.mt, [&](Expr sr) {
        Expr rows = k.let("rows", Min(k, c.subblock_h, b.mt - sr));
        k.for_("sc", 0u, b.nt, [&](Expr sc) {
          Expr cols = k.let("cols", Min(k, c.subblock_w, b.nt - sc));
          Expr tiles = k.let("tiles", rows * cols);
          k.at(__LINE__); k.tile_regs_acquire();
          // Reload this sub-block's partial sums from the previous K block.
          k.if_(kb > 0u, [&] {
            k.at(__LINE__); k.copy_tile_to_dst_init_short(kCbIntermediate);
            k.at(__LINE__); k.cb_wait_front(kCbIntermediate, subblock_tiles);
            k.for_("d", 0u, tiles, [&](Expr d) { k.copy_tile(kCbIntermediate, d, d); });
            k.at(__LINE__); k.cb_pop_front(kCbIntermediate, subblock_tiles);
            k.mm_init_short(kCbIn0, kCbIn1, 0u);
          });
          k.at(__LINE__); k.for_("kk", 0u, kw, [&](Expr kk) {
            Expr b_row = k.let("b_row", kk * c.block_n + sc);
            k.for_("i", 0u, rows, [&](Expr i) {
              Expr a_tile = k.let("a_tile", (sr + i) * c.k_block + kk);
              Expr dst_row = k.let("dst_row", i * cols);
              k.for_("j", 0u, cols, [&](Expr j) {
                k.at(__LINE__); k.matmul_tiles(kCbIn0, kCbIn1, a_tile, b_row + j, dst_row + j, 0u);
              });
            });
          });
          k.at(__LINE__); k.tile_regs_commit();
          k.at(__LINE__); k.tile_regs_wait();
          // Finished sums go to the writer; partial ones are parked for the next K block.
          Expr target = k.let("target", k.select(last_k_block, Expr(kCbOut), Expr(kCbIntermediate)));
          k.at(__LINE__); k.cb_reserve_back(target, subblock_tiles);
          k.for_("d", 0u, tiles, [&](Expr d) { k.pack_tile(d, target); });
          k.at(__LINE__); k.cb_push_back(target, subblock_tiles);
          k.at(__LINE__); k.tile_regs_release();
        }, c.subblock_w);
      }, c.subblock_h);
      k.at(__LINE__); k.cb_pop_front(kCbIn0, c.block_m * c.k_block);
      k.at(__LINE__); k.cb_pop_front(kCbIn1, c.k_block * c.block_n);
    });
  });
  return k.Build();
}

kir::Kernel GemmWriter() {
  KernelBuilder k("gemm_writer", KernelRole::DataMovement1, __FILE__);
  k.at(__LINE__);
  GemmConstants c(k);
  const Expr tile = kBf16TileBytes;
  Expr subblock_tiles = k.let("subblock_tiles", c.subblock_h * c.subblock_w);
  Expr c_addr = k.let("c_addr", k.get_arg_val(2u));
  Expr num_blocks = k.let("num_blocks", k.get_arg_val(3u));
  k.for_("block", 0u, num_blocks, [&](Expr block_index) {
    Block b(k, block_index);
    k.for_("sr", 0u, b.mt, [&](Expr sr) {
      Expr rows = k.let("rows", Min(k, c.subblock_h, b.mt - sr));
      k.for_("sc", 0u, b.nt, [&](Expr sc) {
        Expr cols = k.let("cols", Min(k, c.subblock_w, b.nt - sc));
        k.at(__LINE__); k.cb_wait_front(kCbOut, subblock_tiles);
        Expr l1 = k.get_read_ptr(kCbOut);
        k.for_("i", 0u, rows, [&](Expr i) {
          Expr row = k.let("c_row", (b.m0 + sr + i) * c.Nt + b.n0 + sc);
          k.for_("j", 0u, cols, [&](Expr j) {
            k.at(__LINE__); Expr dst = k.get_noc_addr_interleaved(row + j, c_addr, tile, 1u, 0u);
            k.at(__LINE__); k.noc_async_write(l1 + (i * cols + j) * tile, dst, tile);
          });
        });
        k.at(__LINE__); k.noc_async_write_barrier();
        k.at(__LINE__); k.cb_pop_front(kCbOut, subblock_tiles);
      }, c.subblock_w);
    }, c.subblock_h);
  });
  return k.Build();
}

}  // namespace tilesim::kernels
