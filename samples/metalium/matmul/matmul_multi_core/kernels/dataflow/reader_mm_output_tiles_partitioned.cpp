// Feeds one core of the multi-core matmul, which computes output tiles [start, start + count) of C in
// row-major tile order: for each, the Kt tiles of its row of A into c_0 and of its column of B into c_1.
//
// Runtime args: address of A, address of B, Kt, Nt, start, count.
// Compile-time args: TensorAccessorArgs of A, of B.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t src0_addr = get_arg_val<uint32_t>(0);
    const uint32_t src1_addr = get_arg_val<uint32_t>(1);
    const uint32_t Kt = get_arg_val<uint32_t>(2);
    const uint32_t Nt = get_arg_val<uint32_t>(3);
    const uint32_t output_tile_start_id = get_arg_val<uint32_t>(4);
    const uint32_t num_output_tiles = get_arg_val<uint32_t>(5);

    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_in1 = tt::CBIndex::c_1;
    constexpr auto a_args = TensorAccessorArgs<0>();
    const auto a = TensorAccessor(a_args, src0_addr, get_tile_size(cb_in0));
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto b = TensorAccessor(b_args, src1_addr, get_tile_size(cb_in1));

    for (uint32_t t = output_tile_start_id; t < output_tile_start_id + num_output_tiles; t++) {
        const uint32_t mt = t / Nt;
        const uint32_t nt = t % Nt;
        for (uint32_t kt = 0; kt < Kt; kt++) {
            cb_reserve_back(cb_in0, 1);
            cb_reserve_back(cb_in1, 1);
            noc_async_read_tile(mt * Kt + kt, a, get_write_ptr(cb_in0));
            noc_async_read_tile(kt * Nt + nt, b, get_write_ptr(cb_in1));
            noc_async_read_barrier();
            cb_push_back(cb_in0, 1);
            cb_push_back(cb_in1, 1);
        }
    }
}
