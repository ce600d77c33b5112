// Writes one core's output block of C, which compute pushes into c_16 one sub-block at a time (sub-blocks
// in row-major order, tiles row-major inside each), to its tiles of the row-major tile grid of C.
//
// Runtime args: address of C, the block's first tile id, Nt (tiles per row of C), out_subblock_h,
// out_subblock_w, out_num_subblocks_h, out_num_subblocks_w. Compile-time args: TensorAccessorArgs of C.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t out_addr = get_arg_val<uint32_t>(0);
    const uint32_t out_start_tile_id = get_arg_val<uint32_t>(1);
    const uint32_t Nt = get_arg_val<uint32_t>(2);
    const uint32_t out_subblock_h = get_arg_val<uint32_t>(3);
    const uint32_t out_subblock_w = get_arg_val<uint32_t>(4);
    const uint32_t out_num_subblocks_h = get_arg_val<uint32_t>(5);
    const uint32_t out_num_subblocks_w = get_arg_val<uint32_t>(6);

    constexpr uint32_t cb_out = tt::CBIndex::c_16;
    const uint32_t tile_bytes = get_tile_size(cb_out);
    constexpr auto out_args = TensorAccessorArgs<0>();
    const auto out = TensorAccessor(out_args, out_addr, tile_bytes);
    const uint32_t subblock_tiles = out_subblock_h * out_subblock_w;

    for (uint32_t sbh = 0; sbh < out_num_subblocks_h; sbh++) {
        for (uint32_t sbw = 0; sbw < out_num_subblocks_w; sbw++) {
            cb_wait_front(cb_out, subblock_tiles);
            uint32_t l1_read_addr = get_read_ptr(cb_out);
            for (uint32_t h = 0; h < out_subblock_h; h++) {
                const uint32_t row_start = out_start_tile_id + (sbh * out_subblock_h + h) * Nt + sbw * out_subblock_w;
                for (uint32_t w = 0; w < out_subblock_w; w++) {
                    noc_async_write_tile(row_start + w, out, l1_read_addr);
                    l1_read_addr += tile_bytes;
                }
            }
            noc_async_write_barrier();
            cb_pop_front(cb_out, subblock_tiles);
        }
    }
}
