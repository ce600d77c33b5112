// TensorAccessorArgs: the compile-time words a kernel's TensorAccessorArgs<offset>() decodes, in the layout
// the Metalium front end and this API share (tilesim/metalium.h).
#include <fmt/format.h>

#include "tilesim/metal/distributed.hpp"
#include "tilesim/metal/host_api.hpp"
#include "tilesim/metalium.h"

namespace tilesim::metal {

namespace {
const Buffer& NonNull(const Buffer* buffer) {
  if (buffer == nullptr) throw ApiError("TensorAccessorArgs: the buffer is null");
  return *buffer;
}
const distributed::MeshBuffer& NonNull(const distributed::MeshBuffer* buffer) {
  if (buffer == nullptr) throw ApiError("TensorAccessorArgs: the mesh buffer is null");
  return *buffer;
}
uint32_t PageSizeOf(const Buffer& buffer) {
  if (buffer.page_size() > UINT32_MAX) {
    throw ApiError(fmt::format("TensorAccessorArgs: page size {} does not fit a 32-bit compile-time arg",
                               buffer.page_size()));
  }
  return static_cast<uint32_t>(buffer.page_size());
}
}  // namespace

// Every tilesim buffer is interleaved: only the memory bit and the page size vary.
TensorAccessorArgs::TensorAccessorArgs(const Buffer& buffer)
    : is_dram_(buffer.buffer_type() == BufferType::DRAM), page_size_(PageSizeOf(buffer)) {}
TensorAccessorArgs::TensorAccessorArgs(const Buffer* buffer) : TensorAccessorArgs(NonNull(buffer)) {}
TensorAccessorArgs::TensorAccessorArgs(const std::shared_ptr<Buffer>& buffer) : TensorAccessorArgs(buffer.get()) {}
TensorAccessorArgs::TensorAccessorArgs(const distributed::MeshBuffer& buffer)
    : TensorAccessorArgs(buffer.get_reference_buffer()) {}
TensorAccessorArgs::TensorAccessorArgs(const distributed::MeshBuffer* buffer) : TensorAccessorArgs(NonNull(buffer)) {}
TensorAccessorArgs::TensorAccessorArgs(const std::shared_ptr<distributed::MeshBuffer>& buffer)
    : TensorAccessorArgs(buffer.get()) {}

TensorAccessorArgs TensorAccessorArgs::create_dram_interleaved() {
  TensorAccessorArgs args;
  args.is_dram_ = true;
  return args;
}

TensorAccessorArgs TensorAccessorArgs::create_l1_interleaved() { return TensorAccessorArgs(); }

void TensorAccessorArgs::append_to(std::vector<uint32_t>& compile_time_args) const {
  metalium::AppendInterleavedAccessorArgs(compile_time_args, is_dram_, page_size_);
}

void TensorAccessorArgs::append_to(std::vector<uint32_t>& compile_time_args,
                                   std::vector<uint32_t>& /*common_runtime_args*/) const {
  append_to(compile_time_args);
}

std::vector<uint32_t> TensorAccessorArgs::get_compile_time_args() const {
  std::vector<uint32_t> args;
  append_to(args);
  return args;
}

std::vector<uint32_t> TensorAccessorArgs::get_common_runtime_args() const { return {}; }

}  // namespace tilesim::metal
