// Feeds one core of the block matmul from DRAM: per K block, its in0 block (per_core_M rows of A,
// in0_block_w tiles wide) into c_0 and its in1 block (in0_block_w rows of B, per_core_N tiles wide) into
// c_1, both row-major.
//
// Runtime args: address of A, the block's first tile of A, Kt, address of B, the block's first tile of B,
// Nt, per_core_M, per_core_N, in0_block_w, num_blocks. Compile-time args: TensorAccessorArgs of A, of B.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t in0_addr = get_arg_val<uint32_t>(0);
    const uint32_t in0_start_tile_id = get_arg_val<uint32_t>(1);
    const uint32_t Kt = get_arg_val<uint32_t>(2);
    const uint32_t in1_addr = get_arg_val<uint32_t>(3);
    const uint32_t in1_start_tile_id = get_arg_val<uint32_t>(4);
    const uint32_t Nt = get_arg_val<uint32_t>(5);
    const uint32_t per_core_M = get_arg_val<uint32_t>(6);
    const uint32_t per_core_N = get_arg_val<uint32_t>(7);
    const uint32_t in0_block_w = get_arg_val<uint32_t>(8);
    const uint32_t num_blocks = get_arg_val<uint32_t>(9);

    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_in1 = tt::CBIndex::c_1;
    const uint32_t in0_tile_bytes = get_tile_size(cb_in0);
    const uint32_t in1_tile_bytes = get_tile_size(cb_in1);
    constexpr auto a_args = TensorAccessorArgs<0>();
    const auto a = TensorAccessor(a_args, in0_addr, in0_tile_bytes);
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto b = TensorAccessor(b_args, in1_addr, in1_tile_bytes);

    const uint32_t in0_block_tiles = per_core_M * in0_block_w;
    const uint32_t in1_block_tiles = in0_block_w * per_core_N;
    for (uint32_t block = 0; block < num_blocks; block++) {
        const uint32_t k_start = block * in0_block_w;

        cb_reserve_back(cb_in0, in0_block_tiles);
        uint32_t in0_write = get_write_ptr(cb_in0);
        for (uint32_t h = 0; h < per_core_M; h++) {
            for (uint32_t k = 0; k < in0_block_w; k++) {
                noc_async_read_tile(in0_start_tile_id + h * Kt + k_start + k, a, in0_write);
                in0_write += in0_tile_bytes;
            }
        }

        cb_reserve_back(cb_in1, in1_block_tiles);
        uint32_t in1_write = get_write_ptr(cb_in1);
        for (uint32_t k = 0; k < in0_block_w; k++) {
            for (uint32_t w = 0; w < per_core_N; w++) {
                noc_async_read_tile(in1_start_tile_id + (k_start + k) * Nt + w, b, in1_write);
                in1_write += in1_tile_bytes;
            }
        }

        noc_async_read_barrier();
        cb_push_back(cb_in0, in0_block_tiles);
        cb_push_back(cb_in1, in1_block_tiles);
    }
}
