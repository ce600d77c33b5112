// Feeds one core of the multicast block matmul. Core (x, y) of the grid computes output block (y, x); it
// needs the in0 blocks of block row y (shared along grid row y) and the in1 blocks of block column x
// (shared along grid column x). The core in column 0 of a row reads the row's in0 blocks from DRAM and
// multicasts them to the rest of the row; the core in row 0 of a column does the same for in1 down the
// column. The host compiles this source four times: with IN0_SENDER and/or IN1_SENDER defined for the
// cores that send, undefined where they receive.
//
// Per K block a receiver reserves room in its CB, tells the sender it is ready (semaphore increment on the
// sender), and waits until the sender flips its receiver semaphore to VALID; the sender waits for all its
// receivers to be ready, multicasts the block into the same CB address on every receiver (every core's CBs
// sit at the same addresses and advance in step), then multicasts VALID to their receiver semaphores.
//
// Runtime args:
//   0 address of A   1 first tile of A for this block row   2 Kt
//   3 address of B   4 first tile of B for this block column   5 Nt
//   6 per_core_M   7 per_core_N   8 in0_block_w   9 num_blocks
//   10..13 in0 multicast rectangle (NoC x/y start, x/y end)   14 in0 receivers
//   15, 16 NoC x/y of the in0 sender   17 in0 sender semaphore id   18 in0 receiver semaphore id
//   19..27 the same for in1
// Compile-time args: TensorAccessorArgs of A, of B.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t in0_addr = get_arg_val<uint32_t>(0);
    const uint32_t in0_start_tile_id = get_arg_val<uint32_t>(1);
    const uint32_t Kt = get_arg_val<uint32_t>(2);
    const uint32_t in1_addr = get_arg_val<uint32_t>(3);
    const uint32_t in1_start_tile_id = get_arg_val<uint32_t>(4);
    const uint32_t Nt = get_arg_val<uint32_t>(5);
    const uint32_t per_core_M = get_arg_val<uint32_t>(6);
    const uint32_t per_core_N = get_arg_val<uint32_t>(7);
    const uint32_t in0_block_w = get_arg_val<uint32_t>(8);
    const uint32_t num_blocks = get_arg_val<uint32_t>(9);

    const uint32_t in0_mcast_start_x = get_arg_val<uint32_t>(10);
    const uint32_t in0_mcast_start_y = get_arg_val<uint32_t>(11);
    const uint32_t in0_mcast_end_x = get_arg_val<uint32_t>(12);
    const uint32_t in0_mcast_end_y = get_arg_val<uint32_t>(13);
    const uint32_t in0_mcast_num_dests = get_arg_val<uint32_t>(14);
    const uint32_t in0_sender_x = get_arg_val<uint32_t>(15);
    const uint32_t in0_sender_y = get_arg_val<uint32_t>(16);
    const uint32_t in0_sender_sem_addr = get_semaphore(get_arg_val<uint32_t>(17));
    const uint32_t in0_receiver_sem_addr = get_semaphore(get_arg_val<uint32_t>(18));

    const uint32_t in1_mcast_start_x = get_arg_val<uint32_t>(19);
    const uint32_t in1_mcast_start_y = get_arg_val<uint32_t>(20);
    const uint32_t in1_mcast_end_x = get_arg_val<uint32_t>(21);
    const uint32_t in1_mcast_end_y = get_arg_val<uint32_t>(22);
    const uint32_t in1_mcast_num_dests = get_arg_val<uint32_t>(23);
    const uint32_t in1_sender_x = get_arg_val<uint32_t>(24);
    const uint32_t in1_sender_y = get_arg_val<uint32_t>(25);
    const uint32_t in1_sender_sem_addr = get_semaphore(get_arg_val<uint32_t>(26));
    const uint32_t in1_receiver_sem_addr = get_semaphore(get_arg_val<uint32_t>(27));

    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_in1 = tt::CBIndex::c_1;
    const uint32_t in0_tile_bytes = get_tile_size(cb_in0);
    const uint32_t in1_tile_bytes = get_tile_size(cb_in1);
    const uint32_t in0_block_tiles = per_core_M * in0_block_w;
    const uint32_t in1_block_tiles = in0_block_w * per_core_N;

#if defined(IN0_SENDER) || defined(IN1_SENDER)
    constexpr auto a_args = TensorAccessorArgs<0>();
    const auto a = TensorAccessor(a_args, in0_addr, in0_tile_bytes);
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto b = TensorAccessor(b_args, in1_addr, in1_tile_bytes);
#endif
#ifdef IN0_SENDER
    // The value a sender multicasts into its receivers' semaphores comes from its own copy.
    noc_semaphore_set(in0_receiver_sem_addr, VALID);
#endif
#ifdef IN1_SENDER
    noc_semaphore_set(in1_receiver_sem_addr, VALID);
#endif

    for (uint32_t block = 0; block < num_blocks; block++) {
        const uint32_t k_start = block * in0_block_w;

        // ---- in0: per_core_M rows of A, in0_block_w tiles wide ----
        cb_reserve_back(cb_in0, in0_block_tiles);
        const uint32_t in0_block_addr = get_write_ptr(cb_in0);
#ifdef IN0_SENDER
        uint32_t in0_write = in0_block_addr;
        for (uint32_t h = 0; h < per_core_M; h++) {
            for (uint32_t k = 0; k < in0_block_w; k++) {
                noc_async_read_tile(in0_start_tile_id + h * Kt + k_start + k, a, in0_write);
                in0_write += in0_tile_bytes;
            }
        }
        noc_async_read_barrier();
        if (in0_mcast_num_dests > 0) {
            noc_semaphore_wait(in0_sender_sem_addr, in0_mcast_num_dests);  // every receiver has room
            noc_semaphore_set(in0_sender_sem_addr, 0);
            const uint64_t data_mcast = get_noc_multicast_addr(in0_mcast_start_x, in0_mcast_start_y, in0_mcast_end_x,
                                                               in0_mcast_end_y, in0_block_addr);
            noc_async_write_multicast(in0_block_addr, data_mcast, in0_block_tiles * in0_tile_bytes,
                                      in0_mcast_num_dests);
            // Same NoC, issued after the data: the flag cannot overtake the block it announces.
            const uint64_t sem_mcast = get_noc_multicast_addr(in0_mcast_start_x, in0_mcast_start_y, in0_mcast_end_x,
                                                              in0_mcast_end_y, in0_receiver_sem_addr);
            noc_semaphore_set_multicast(in0_receiver_sem_addr, sem_mcast, in0_mcast_num_dests);
        }
#else
        noc_semaphore_set(in0_receiver_sem_addr, INVALID);
        noc_semaphore_inc(get_noc_addr(in0_sender_x, in0_sender_y, in0_sender_sem_addr), 1);
        noc_semaphore_wait(in0_receiver_sem_addr, VALID);
#endif
        cb_push_back(cb_in0, in0_block_tiles);

        // ---- in1: in0_block_w rows of B, per_core_N tiles wide ----
        cb_reserve_back(cb_in1, in1_block_tiles);
        const uint32_t in1_block_addr = get_write_ptr(cb_in1);
#ifdef IN1_SENDER
        uint32_t in1_write = in1_block_addr;
        for (uint32_t k = 0; k < in0_block_w; k++) {
            for (uint32_t w = 0; w < per_core_N; w++) {
                noc_async_read_tile(in1_start_tile_id + (k_start + k) * Nt + w, b, in1_write);
                in1_write += in1_tile_bytes;
            }
        }
        noc_async_read_barrier();
        if (in1_mcast_num_dests > 0) {
            noc_semaphore_wait(in1_sender_sem_addr, in1_mcast_num_dests);
            noc_semaphore_set(in1_sender_sem_addr, 0);
            const uint64_t data_mcast = get_noc_multicast_addr(in1_mcast_start_x, in1_mcast_start_y, in1_mcast_end_x,
                                                               in1_mcast_end_y, in1_block_addr);
            noc_async_write_multicast(in1_block_addr, data_mcast, in1_block_tiles * in1_tile_bytes,
                                      in1_mcast_num_dests);
            const uint64_t sem_mcast = get_noc_multicast_addr(in1_mcast_start_x, in1_mcast_start_y, in1_mcast_end_x,
                                                              in1_mcast_end_y, in1_receiver_sem_addr);
            noc_semaphore_set_multicast(in1_receiver_sem_addr, sem_mcast, in1_mcast_num_dests);
        }
#else
        noc_semaphore_set(in1_receiver_sem_addr, INVALID);
        noc_semaphore_inc(get_noc_addr(in1_sender_x, in1_sender_y, in1_sender_sem_addr), 1);
        noc_semaphore_wait(in1_receiver_sem_addr, VALID);
#endif
        cb_push_back(cb_in1, in1_block_tiles);
    }
#if defined(IN0_SENDER) || defined(IN1_SENDER)
    noc_async_write_barrier();  // the last multicasts have landed before the kernel ends
#endif
}
