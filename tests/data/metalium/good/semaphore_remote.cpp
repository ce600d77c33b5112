// role: writer
// Sets a remote core's semaphore from a local word (noc_semaphore_set_remote), then waits on its own one
// with noc_semaphore_wait_min; the core's logical coordinates pick the partner.

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    uint32_t sem_id = get_arg_val<uint32_t>(0);
    uint32_t partner_x = get_arg_val<uint32_t>(1);
    uint32_t partner_y = get_arg_val<uint32_t>(2);
    uint32_t value = get_common_arg_val<uint32_t>(0);

    uint32_t sem_addr = get_semaphore(sem_id);
    cb_reserve_back(tt::CBIndex::c_1, 1);
    uint32_t scratch = get_write_ptr(tt::CBIndex::c_1);
    volatile tt_l1_ptr uint32_t* word = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(scratch);
    word[0] = value + get_absolute_logical_x();
    noc_semaphore_set_remote(scratch, get_noc_addr(partner_x, partner_y, sem_addr));
    noc_semaphore_wait_min(reinterpret_cast<volatile tt_l1_ptr uint32_t*>(sem_addr), value);
    noc_async_write_barrier();
}
