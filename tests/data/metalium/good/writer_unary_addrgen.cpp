// role: writer
// compile-args: 1
// Writes `n` tiles of CB 16 (tt::CB::c_out0) to a buffer with an InterleavedAddrGenFast, in the older style:
// whether the buffer is in DRAM is a compile-time arg, the data format comes from the CB.

#include <cstdint>
#include "dataflow_api.h"

void kernel_main() {
    uint32_t dst_addr = get_arg_val<uint32_t>(0);
    uint32_t n_tiles = get_arg_val<uint32_t>(1);

    constexpr bool dst_is_dram = get_compile_time_arg_val(0) == 1;
    constexpr uint32_t cb_id_out = tt::CB::c_out0;
    const uint32_t tile_bytes = get_tile_size(cb_id_out);
    const DataFormat data_format = get_dataformat(cb_id_out);
    const InterleavedAddrGenFast<dst_is_dram> dst = {
        .bank_base_address = dst_addr, .page_size = tile_bytes, .data_format = data_format};

    for (uint32_t i = 0; i < n_tiles; i++) {
        cb_wait_front(cb_id_out, 1);
        noc_async_write_tile(i, dst, get_read_ptr(cb_id_out));
        noc_async_write_barrier();
        cb_pop_front(cb_id_out, 1);
    }
}
