// role: reader
// Copies `num_pages` pages of `page_size` bytes from one interleaved DRAM buffer to another through one L1
// page, exercising the address generator family: InterleavedAddrGen, its Pow2 and Fast variants, NoC
// addresses by coordinates (get_noc_addr(x, y, addr)) and of this core's own L1 (get_noc_addr(addr)).

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t dst_addr = get_arg_val<uint32_t>(1);
    uint32_t num_pages = get_arg_val<uint32_t>(2);
    uint32_t log2_page_size = get_arg_val<uint32_t>(3);
    uint32_t page_size = 1u << log2_page_size;

    cb_reserve_back(tt::CBIndex::c_0, 2);
    uint32_t staging = get_write_ptr(tt::CBIndex::c_0);

    InterleavedAddrGen<true> src = {.bank_base_address = src_addr, .page_size = page_size};
    const InterleavedPow2AddrGenFast<true> dst = {.bank_base_address = dst_addr, .log_base_2_of_page_size = log2_page_size};

    for (uint32_t page = 0; page < num_pages; ++page) {
        uint64_t from = src.get_noc_addr(page);
        noc_async_read(from, staging, page_size);
        noc_async_read_barrier();
        if (page & 1) {
            // Bounce odd pages through the second half of the CB page with a NoC copy to our own L1.
            noc_async_read(get_noc_addr(staging), staging + page_size, page_size);
            noc_async_read_barrier();
            noc_async_write(staging + page_size, get_noc_addr(page, dst), page_size);
        } else {
            noc_async_write_page(page, dst, staging, page_size);
        }
        noc_async_write_barrier();
    }
    uint64_t self = get_noc_addr(my_x[0], my_y[0], staging);
    noc_async_read(self, staging, 4);
    noc_async_read_barrier();
}
