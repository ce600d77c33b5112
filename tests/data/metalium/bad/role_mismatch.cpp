// expect: 7:5: 'noc_async_read' is not available in a compute kernel
// role: compute
// A compute kernel cannot issue NoC transfers.
#include "compute_kernel_api.h"

void kernel_main() {
    noc_async_read(0, 0, 32);
}
