// role: reader
// compile-args: 2,2048,2,2048
// Reads tiles [start, start + count) of two interleaved DRAM buffers into CB 0 and CB 1, one tile at a time.
// TensorAccessorArgs are chained with next_compile_time_args_offset(); page sizes come from the CBs.

#include <cstdint>
#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t a_addr = get_arg_val<uint32_t>(0);
    const uint32_t b_addr = get_arg_val<uint32_t>(1);
    const uint32_t start = get_arg_val<uint32_t>(2);
    const uint32_t count = get_arg_val<uint32_t>(3);

    constexpr uint32_t cb_a = tt::CBIndex::c_0;
    constexpr uint32_t cb_b = tt::CBIndex::c_1;

    constexpr auto a_args = TensorAccessorArgs<0>();
    const auto a = TensorAccessor(a_args, a_addr, get_tile_size(cb_a));
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto b = TensorAccessor(b_args, b_addr, get_tile_size(cb_b));
    static_assert(b_args.next_compile_time_args_offset() == 4, "two interleaved accessors take four args");

    for (uint32_t t = start; t < start + count; ++t) {
        cb_reserve_back(cb_a, 1);
        cb_reserve_back(cb_b, 1);
        noc_async_read_tile(t, a, get_write_ptr(cb_a));
        uint64_t b_noc = get_noc_addr(t, b);
        noc_async_read(b_noc, get_write_ptr(cb_b), get_tile_size(cb_b));
        noc_async_read_barrier();
        cb_push_back(cb_a, 1);
        cb_push_back(cb_b, 1);
    }
}
