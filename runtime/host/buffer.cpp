// Interleaved buffers: CreateBuffer, DeallocateBuffer and the Buffer handle.
#include <fmt/format.h>

#include "runtime/host/host_internal.h"

namespace tilesim {

namespace {
const char* Name(BufferType type) { return type == BufferType::DRAM ? "DRAM" : "L1"; }

uint64_t BytesPerBank(uint64_t size, uint64_t page_size, uint32_t banks) {
  const uint64_t pages = size / page_size;
  return (pages + banks - 1) / banks * page_size;
}
}  // namespace

Buffer::Buffer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Buffer::~Buffer() { DeallocateBuffer(*this); }

uint32_t Buffer::address() const { return impl_->address; }
uint64_t Buffer::size() const { return impl_->size; }
uint64_t Buffer::page_size() const { return impl_->page_size; }
uint64_t Buffer::num_pages() const { return impl_->size / impl_->page_size; }
uint32_t Buffer::num_banks() const { return impl_->num_banks; }
BufferType Buffer::buffer_type() const { return impl_->type; }
bool Buffer::is_allocated() const { return impl_->allocated; }
Device* Buffer::device() const { return impl_->device; }

std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig& config) {
  if (config.device == nullptr) throw ApiError("CreateBuffer: config.device is null");
  if (config.size == 0) throw ApiError("CreateBuffer: size is 0");
  if (config.page_size == 0) throw ApiError("CreateBuffer: page_size is 0");
  if (config.size % config.page_size != 0) {
    throw ApiError(
        fmt::format("CreateBuffer: size {} is not a multiple of page_size {}", config.size, config.page_size));
  }
  if (config.page_size % 4 != 0) {
    throw ApiError(fmt::format("CreateBuffer: page_size {} is not a multiple of 4 bytes", config.page_size));
  }
  Device::Impl& device = config.device->impl();
  auto impl = std::make_unique<Buffer::Impl>();
  impl->device = config.device;
  impl->memory = device.memory;
  impl->type = config.buffer_type;
  impl->size = config.size;
  impl->page_size = config.page_size;
  impl->num_banks = config.buffer_type == BufferType::DRAM ? device.options.num_dram_banks
                                                           : device.options.grid_x * device.options.grid_y;
  const uint64_t per_bank = BytesPerBank(config.size, config.page_size, impl->num_banks);
  {
    std::lock_guard lock(device.memory->mutex);
    host::BankAllocator& allocator = config.buffer_type == BufferType::DRAM ? device.memory->dram : device.memory->l1;
    std::optional<uint64_t> address = allocator.Allocate(per_bank);
    if (!address) {
      throw AllocationError(fmt::format(
          "CreateBuffer: out of {} memory: a buffer of {} bytes needs {} bytes in each of {} banks, but the largest "
          "free range per bank is {} bytes ({} of {} bytes per bank in use)",
          Name(config.buffer_type), config.size, per_bank, impl->num_banks, allocator.largest_free_block(),
          allocator.bytes_allocated(), allocator.end() - allocator.begin()));
    }
    impl->address = static_cast<uint32_t>(*address);
    impl->allocated = true;
  }
  return std::make_shared<Buffer>(std::move(impl));
}

void DeallocateBuffer(Buffer& buffer) {
  Buffer::Impl& impl = buffer.impl();
  if (!impl.allocated) return;
  std::lock_guard lock(impl.memory->mutex);
  (impl.type == BufferType::DRAM ? impl.memory->dram : impl.memory->l1).Free(impl.address);
  impl.allocated = false;
}

}  // namespace tilesim
