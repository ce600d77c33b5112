// role: compute
// The 2026 spellings: kernel_main in a compute kernel, api/compute/ headers, compute_kernel_hw_startup,
// matmul_init and the five-argument matmul_tiles (transpose set at init), and matmul_block for a 2x2
// output sub-block. Runtime args: number of output tiles, Kt, and whether to use the block form.

#include <cstdint>
#include "api/compute/compute_kernel_api.h"
#include "api/compute/matmul.h"
#include "api/compute/compute_kernel_hw_startup.h"

void kernel_main() {
    uint32_t num_output_tiles = get_arg_val<uint32_t>(0);
    uint32_t Kt = get_arg_val<uint32_t>(1);
    bool use_block = get_arg_val<uint32_t>(2) != 0;

    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_in1 = tt::CBIndex::c_1;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    compute_kernel_hw_startup(cb_in0, cb_in1, cb_out);
    matmul_init(cb_in0, cb_in1);

    for (uint32_t i = 0; i < num_output_tiles; ++i) {
        tile_regs_acquire();
        for (uint32_t kt = 0; kt < Kt; kt++) {
            cb_wait_front(cb_in0, 1);
            cb_wait_front(cb_in1, 1);
            if (use_block) {
                matmul_block(cb_in0, cb_in1, 0, 0, 0, false, 1, 1, 1);
            } else {
                matmul_tiles(cb_in0, cb_in1, 0, 0, 0);
            }
            cb_pop_front(cb_in0, 1);
            cb_pop_front(cb_in1, 1);
        }
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(cb_out, 1);
        pack_tile(0, cb_out);
        cb_push_back(cb_out, 1);
        tile_regs_release();
    }
}
