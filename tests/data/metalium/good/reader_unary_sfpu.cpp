// role: reader
// Reads `n` tiles of one DRAM buffer into CB 0 with an InterleavedAddrGenFast, the way the older
// programming examples do (page size from the CB, data format spelled out).

#include <cstdint>
#include "dataflow_api.h"

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t n_tiles = get_arg_val<uint32_t>(1);

    constexpr uint32_t cb_id_in0 = tt::CB::c_in0;
    const uint32_t tile_bytes = get_tile_size(cb_id_in0);

    const InterleavedAddrGenFast<true> src = {
        .bank_base_address = src_addr,
        .page_size = tile_bytes,
        .data_format = DataFormat::Float16_b,
    };

    for (uint32_t i = 0; i < n_tiles; i++) {
        cb_reserve_back(cb_id_in0, 1);
        uint32_t l1_write_addr = get_write_ptr(cb_id_in0);
        noc_async_read_tile(i, src, l1_write_addr);
        noc_async_read_barrier();
        cb_push_back(cb_id_in0, 1);
    }
}
