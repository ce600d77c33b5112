// role: reader
// Multicasts `bytes` bytes from this core's L1 to the receivers of a rectangle: waits until every receiver
// has incremented our semaphore, multicasts the data, then flips the receivers' semaphore to VALID.

#include <stdint.h>
#include "api/dataflow/dataflow_api.h"
#include "hostdevcommon/common_values.hpp"

void kernel_main() {
    uint32_t src_dram = get_arg_val<uint32_t>(0);
    uint32_t bytes = get_arg_val<uint32_t>(1);
    uint32_t x_start = get_arg_val<uint32_t>(2);
    uint32_t y_start = get_arg_val<uint32_t>(3);
    uint32_t x_end = get_arg_val<uint32_t>(4);
    uint32_t y_end = get_arg_val<uint32_t>(5);
    uint32_t num_dests = get_arg_val<uint32_t>(6);
    uint32_t sender_sem_addr = get_semaphore(get_arg_val<uint32_t>(7));
    uint32_t receiver_sem_addr = get_semaphore(get_arg_val<uint32_t>(8));

    constexpr uint32_t cb = tt::CBIndex::c_0;
    cb_reserve_back(cb, 1);
    uint32_t data = get_write_ptr(cb);
    const InterleavedAddrGen<true> src = {.bank_base_address = src_dram, .page_size = bytes};
    noc_async_read(get_noc_addr(0, src), data, bytes);
    noc_async_read_barrier();

    volatile tt_l1_ptr uint32_t* sender_sem = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(sender_sem_addr);
    volatile tt_l1_ptr uint32_t* receiver_sem = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(receiver_sem_addr);
    *(receiver_sem) = VALID;

    noc_semaphore_wait(sender_sem, num_dests);
    noc_semaphore_set(sender_sem, 0);

    uint64_t data_mcast = get_noc_multicast_addr(x_start, y_start, x_end, y_end, data);
    noc_async_write_multicast(data, data_mcast, bytes, num_dests, false);
    noc_async_writes_flushed();
    uint64_t sem_mcast = get_noc_multicast_addr(x_start, y_start, x_end, y_end, receiver_sem_addr);
    noc_semaphore_set_multicast(receiver_sem_addr, sem_mcast, num_dests);
    noc_async_write_barrier();
}
