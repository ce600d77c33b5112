// DRAM -> L1 -> DRAM, one page at a time, on one data movement RISC.
//
// Runtime args: the L1 scratch address, the source and destination DRAM buffer addresses, the page count.
// Compile-time args: TensorAccessorArgs of the source, then of the destination.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t l1_scratch = get_arg_val<uint32_t>(0);
    const uint32_t src_address = get_arg_val<uint32_t>(1);
    const uint32_t dst_address = get_arg_val<uint32_t>(2);
    const uint32_t num_pages = get_arg_val<uint32_t>(3);

    constexpr auto src_args = TensorAccessorArgs<0>();
    const auto src = TensorAccessor(src_args, src_address);
    constexpr auto dst_args = TensorAccessorArgs<src_args.next_compile_time_args_offset()>();
    const auto dst = TensorAccessor(dst_args, dst_address);

    for (uint32_t page = 0; page < num_pages; ++page) {
        noc_async_read_page(page, src, l1_scratch);
        noc_async_read_barrier();
        noc_async_write_page(page, dst, l1_scratch);
        // The next read overwrites the scratch page: the write must have landed first.
        noc_async_write_barrier();
    }
}
