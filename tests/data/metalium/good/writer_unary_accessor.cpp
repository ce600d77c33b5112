// role: writer
// compile-args: 16,2,2048
// Writes `count` tiles from the output CB (a compile-time arg) to an interleaved buffer, starting at page
// `start`. The accessor takes its page size from its compile-time args.

#include "dataflow_api.h"

void kernel_main() {
    uint32_t dst_addr = get_arg_val<uint32_t>(0);
    uint32_t count = get_arg_val<uint32_t>(1);
    uint32_t start = get_arg_val<uint32_t>(2);

    constexpr uint32_t cb_out = get_compile_time_arg_val(0);
    constexpr auto dst_args = TensorAccessorArgs<1>();
    const auto dst = TensorAccessor(dst_args, dst_addr);
    const uint32_t page_bytes = dst_args.get_aligned_page_size();

    uint32_t end = start + count;
    for (uint32_t page = start; page < end; page++) {
        cb_wait_front(cb_out, 1);
        uint32_t l1_read_addr = get_read_ptr(cb_out);
        if (page % 2 == 0) {
            noc_async_write_page(page, dst, l1_read_addr);
        } else {
            noc_async_write(l1_read_addr, dst.get_noc_addr(page), page_bytes);
        }
        noc_async_writes_flushed();
        cb_pop_front(cb_out, 1);
    }
    noc_async_write_barrier();
}
