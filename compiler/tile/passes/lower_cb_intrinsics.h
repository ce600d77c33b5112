// Pass LowerCBIntrinsics: makes the circular-buffer protocol and the NoC transfers explicit.
//
// A Produce region becomes cb_reserve_back(cb, n) ... cb_push_back(cb, n), a Consume region
// cb_wait_front(cb, n) ... cb_pop_front(cb, n). In data movement kernels the region's tile reads become
// noc_async_read of one page from the tensor's TensorAccessor into get_write_ptr(cb) + slot * page_size,
// followed by noc_async_read_barrier before the push; tile writes become noc_async_write from
// get_read_ptr(cb) and noc_async_write_barrier before the pop. A multicast region is tt-metal's hand-shake:
// the sender (runtime arg NAME_is_sender) reads the block, waits until every receiver has room (its sender
// semaphore reaches the receiver count), multicasts the block to the same CB address on the receivers and
// then sets their receiver semaphore to VALID; a receiver sets its receiver semaphore INVALID, increments
// the sender's semaphore and waits for VALID. Post-condition: no CB, multicast, tile read or tile write
// statement is left.
#pragma once

#include "tilesim/tile_compiler.h"
#include "tilesim/tile_ir.h"

namespace tilesim::tile {

tir::PrimFunc LowerCBIntrinsics(tir::PrimFunc func, const CompileOptions& options);

}  // namespace tilesim::tile
