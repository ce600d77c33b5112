// Small kernels and helpers the runtime tests share.
#pragma once

#include <cstdint>
#include <memory>

#include "tilesim/host.h"
#include "tilesim/kernel_builder.h"

namespace tilesim::testing {

// Closes the device when the test ends, pass or fail.
struct DeviceFixture {
  Device* device;
  explicit DeviceFixture(const DeviceOptions& options = {}, int id = 0) : device(CreateDevice(id, options)) {}
  ~DeviceFixture() { CloseDevice(device); }
  Device* operator->() const { return device; }
};

// A data movement kernel that does nothing.
inline kir::Kernel EmptyKernel() {
  kir::KernelBuilder k("empty", KernelRole::DataMovement0);
  return k.Build();
}

// Writes words to page `page` (64 bytes) of the interleaved DRAM buffer at runtime arg 0, staging them in
// one page of CB 0: its runtime args 1..n_args, then common args 0..n_common.
inline kir::Kernel ArgsDumpKernel(uint32_t n_args, uint32_t n_common) {
  kir::KernelBuilder k("args_dump", KernelRole::DataMovement0);
  kir::Expr dst = k.let("dst", k.get_arg_val(0u));
  kir::Expr page = k.let("page", k.get_absolute_logical_y() * 64u + k.get_absolute_logical_x());
  k.cb_reserve_back(0, 1);
  kir::Expr l1 = k.get_write_ptr(0);
  for (uint32_t i = 0; i < n_args; ++i) k.store32(l1 + 4u * i, k.get_arg_val(1u + i));
  for (uint32_t i = 0; i < n_common; ++i) k.store32(l1 + 4u * (n_args + i), k.get_common_arg_val(i));
  k.noc_async_write(l1, k.get_noc_addr_interleaved(page, dst, 64u, 1u, 0u), 64u);
  k.noc_async_write_barrier();
  return k.Build();
}

}  // namespace tilesim::testing
