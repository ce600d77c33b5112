// Drains the single-core matmul: the Mt * Nt output tiles arrive in c_16 in row-major tile order.
//
// Runtime args: address of C, Mt, Nt. Compile-time args: TensorAccessorArgs of C.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);
    const uint32_t Mt = get_arg_val<uint32_t>(1);
    const uint32_t Nt = get_arg_val<uint32_t>(2);

    constexpr uint32_t cb_out = tt::CBIndex::c_16;
    constexpr auto c_args = TensorAccessorArgs<0>();
    const auto c = TensorAccessor(c_args, dst_addr, get_tile_size(cb_out));

    for (uint32_t tile = 0; tile < Mt * Nt; tile++) {
        cb_wait_front(cb_out, 1);
        noc_async_write_tile(tile, c, get_read_ptr(cb_out));
        noc_async_write_barrier();
        cb_pop_front(cb_out, 1);
    }
}
