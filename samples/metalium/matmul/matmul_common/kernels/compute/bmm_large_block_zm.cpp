// One core's per_core_M x per_core_N block of C = A x B, consuming K in blocks of in0_block_w tiles.
//
// For each K block the reader pushes an in0 block (per_core_M x in0_block_w tiles, row-major) into c_0
// and an in1 block (in0_block_w x per_core_N tiles, row-major) into c_1. The output block is computed in
// sub-blocks of out_subblock_h x out_subblock_w tiles, each fitting one DST section. Between K blocks a
// sub-block's partial sums wait in c_24 (reloaded into DST before the next K block accumulates on top);
// after the last K block the sub-block is packed into c_16, sub-block after sub-block.
//
// Compile-time args: in0_block_w, in0_num_subblocks (per_core_M / out_subblock_h), in1_num_subblocks
// (per_core_N / out_subblock_w), num_blocks (Kt / in0_block_w), out_subblock_h, out_subblock_w.
#include <cstdint>

#include "api/compute/matmul.h"
#include "api/compute/tile_move_copy.h"

namespace NAMESPACE {
void MAIN {
    constexpr uint32_t in0_block_w = get_compile_time_arg_val(0);
    constexpr uint32_t in0_num_subblocks = get_compile_time_arg_val(1);
    constexpr uint32_t in1_num_subblocks = get_compile_time_arg_val(2);
    constexpr uint32_t num_blocks = get_compile_time_arg_val(3);
    constexpr uint32_t out_subblock_h = get_compile_time_arg_val(4);
    constexpr uint32_t out_subblock_w = get_compile_time_arg_val(5);

    constexpr uint32_t per_core_N = in1_num_subblocks * out_subblock_w;
    constexpr uint32_t in0_block_num_tiles = in0_num_subblocks * out_subblock_h * in0_block_w;
    constexpr uint32_t in1_block_num_tiles = in0_block_w * per_core_N;
    constexpr uint32_t out_subblock_num_tiles = out_subblock_h * out_subblock_w;

    constexpr auto cb_in0 = tt::CBIndex::c_0;
    constexpr auto cb_in1 = tt::CBIndex::c_1;
    constexpr auto cb_out = tt::CBIndex::c_16;
    constexpr auto cb_partials = tt::CBIndex::c_24;

    mm_init(cb_in0, cb_in1, cb_out, 0);

    for (uint32_t block = 0; block < num_blocks; block++) {
        const bool last_block = block == num_blocks - 1;
        cb_wait_front(cb_in0, in0_block_num_tiles);
        cb_wait_front(cb_in1, in1_block_num_tiles);

        for (uint32_t in0_subblock = 0; in0_subblock < in0_num_subblocks; in0_subblock++) {
            for (uint32_t in1_subblock = 0; in1_subblock < in1_num_subblocks; in1_subblock++) {
                tile_regs_acquire();
                if (block > 0) {
                    // Continue from this sub-block's partial sums of the previous K blocks.
                    copy_tile_to_dst_init_short(cb_partials);
                    cb_wait_front(cb_partials, out_subblock_num_tiles);
                    for (uint32_t i = 0; i < out_subblock_num_tiles; i++) {
                        copy_tile(cb_partials, i, i);
                    }
                    cb_pop_front(cb_partials, out_subblock_num_tiles);
                    mm_init_short(cb_in0, cb_in1, 0);
                }
                for (uint32_t h = 0; h < out_subblock_h; h++) {
                    for (uint32_t w = 0; w < out_subblock_w; w++) {
                        const uint32_t row = in0_subblock * out_subblock_h + h;
                        const uint32_t col = in1_subblock * out_subblock_w + w;
                        for (uint32_t k = 0; k < in0_block_w; k++) {
                            matmul_tiles(cb_in0, cb_in1, row * in0_block_w + k, k * per_core_N + col,
                                         h * out_subblock_w + w, false);
                        }
                    }
                }
                tile_regs_commit();

                const uint32_t cb_target = last_block ? cb_out : cb_partials;
                cb_reserve_back(cb_target, out_subblock_num_tiles);
                tile_regs_wait();
                for (uint32_t i = 0; i < out_subblock_num_tiles; i++) {
                    pack_tile(i, cb_target);
                }
                tile_regs_release();
                cb_push_back(cb_target, out_subblock_num_tiles);
            }
        }

        cb_pop_front(cb_in0, in0_block_num_tiles);
        cb_pop_front(cb_in1, in1_block_num_tiles);
    }
}
}  // namespace NAMESPACE
