// role: reader
// compile-args: 2,2048,2,2048
// The Device 2.0 objects: experimental::Noc and experimental::CircularBuffer, reading pages of one buffer into
// a CB and writing them out to another with async_read / async_write and their endpoint arguments.

#include <cstdint>
#include "experimental/noc.h"
#include "experimental/circular_buffer.h"
#include "api/tensor/tensor_accessor.h"

void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    const uint32_t dst_addr = get_arg_val<uint32_t>(1);
    const uint32_t n_pages = get_arg_val<uint32_t>(2);

    constexpr auto src_args = TensorAccessorArgs<0>();
    constexpr auto dst_args = TensorAccessorArgs<src_args.next_compile_time_args_offset()>();
    const auto src = TensorAccessor(src_args, src_addr);
    const auto dst = TensorAccessor(dst_args, dst_addr);

    experimental::Noc noc;
    experimental::CircularBuffer cb(tt::CBIndex::c_0);
    const uint32_t page_bytes = cb.get_tile_size();

    for (uint32_t i = 0; i < n_pages; i += 2) {
        const uint32_t batch = (n_pages - i < 2) ? (n_pages - i) : 2;
        cb.reserve_back(batch);
        for (uint32_t j = 0; j < batch; ++j) {
            noc.async_read(src, cb, page_bytes, {.page_id = i + j}, {.offset_bytes = j * page_bytes});
        }
        noc.async_read_barrier();
        cb.push_back(batch);
        cb.wait_front(batch);
        for (uint32_t j = 0; j < batch; ++j) {
            noc.async_write(cb, dst, page_bytes, {.offset_bytes = j * page_bytes}, {.page_id = i + j});
        }
        noc.async_write_barrier();
        cb.pop_front(batch);
    }
}
