// role: reader
// Receives a multicast: marks its semaphore INVALID, tells the sender it is ready (an atomic increment of the
// sender's semaphore), waits for VALID, then writes what arrived to page `page` of a DRAM buffer.

#include <stdint.h>
#include "api/dataflow/dataflow_api.h"
#include "hostdevcommon/common_values.hpp"

void kernel_main() {
    uint32_t dst_dram = get_arg_val<uint32_t>(0);
    uint32_t bytes = get_arg_val<uint32_t>(1);
    uint32_t sender_x = get_arg_val<uint32_t>(2);
    uint32_t sender_y = get_arg_val<uint32_t>(3);
    uint32_t sender_sem_addr = get_semaphore(get_arg_val<uint32_t>(4));
    uint32_t receiver_sem_addr = get_semaphore(get_arg_val<uint32_t>(5));
    uint32_t page = get_arg_val<uint32_t>(6);

    cb_reserve_back(tt::CBIndex::c_0, 1);
    uint32_t data = get_write_ptr(tt::CBIndex::c_0);

    volatile tt_l1_ptr uint32_t* receiver_sem = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(receiver_sem_addr);
    noc_semaphore_set(receiver_sem, INVALID);
    uint64_t sender_sem_noc = get_noc_addr(sender_x, sender_y, sender_sem_addr);
    noc_semaphore_inc(sender_sem_noc, 1);
    noc_semaphore_wait(receiver_sem, VALID);
    noc_async_atomic_barrier();

    const InterleavedAddrGen<true> dst = {.bank_base_address = dst_dram, .page_size = bytes};
    noc_async_write(data, get_noc_addr(page, dst), bytes);
    noc_async_write_barrier();
    DPRINT << "received " << bytes << " bytes at (" << (uint32_t)get_absolute_logical_x() << ","
           << (uint32_t)get_absolute_logical_y() << ")" << ENDL();
}
