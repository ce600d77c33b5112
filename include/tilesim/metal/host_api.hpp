// tilesim::metal: TT-Metalium's host API, spelled as tt-metal spells it, over tilesim's host API.
//
// A tt-metal host program ports by changing its includes (and `tt::tt_metal` to `tilesim::metal`, or not
// even that: include "tilesim/metal/tt_metal.hpp", which maps tt::tt_metal onto this namespace):
//
//   using namespace tilesim::metal;
//   Program program = CreateProgram();
//   KernelHandle reader = CreateKernel(program, "kernels/dataflow/reader.cpp", core,
//                                      DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
//                                                         .noc = NOC::RISCV_1_default,
//                                                         .compile_args = reader_compile_time_args});
//
// Kernels are Metalium kernel sources compiled by tilesim's Metalium front end (tilesim/metalium.h) with
// the config's defines and compile-time args, then lowered to bytecode. Most types (CoreCoord,
// CoreRangeSet, Buffer, Program, CircularBufferConfig...) are tilesim's own, which already follow
// tt-metal; this header adds what differs: kernel configs with defines, kernel files found as tt-metal
// finds them, TensorAccessorArgs, constants and tile sizes. The Mesh API is in tilesim/metal/distributed.hpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "tilesim/data_format.h"
#include "tilesim/host.h"
#include "tilesim/kernel_ir.h"
#include "tilesim/tile.h"

namespace tilesim::metal {

// ---- What tilesim's host API already names and does as tt-metal does ----
using tilesim::AllocationError;
using tilesim::ApiError;
using tilesim::RunError;
using tilesim::RunFailure;

using tilesim::CoreCoord;
using tilesim::corerange_to_cores;
using tilesim::CoreRange;
using tilesim::CoreRangeSet;
using tilesim::split_work_to_cores;
using tilesim::WorkSplit;

using tilesim::CloseDevice;
using tilesim::CommandQueue;
using tilesim::CreateDevice;
using tilesim::Device;
using tilesim::DeviceOptions;
using tilesim::IDevice;

using tilesim::Buffer;
using tilesim::BufferType;
using tilesim::CreateBuffer;
using tilesim::DeallocateBuffer;
using tilesim::InterleavedBufferConfig;

using tilesim::CBHandle;
using tilesim::CBIndex;
using tilesim::CircularBufferConfig;
using tilesim::CreateCircularBuffer;
using tilesim::CreateProgram;
using tilesim::CreateSemaphore;
using tilesim::DataMovementProcessor;
using tilesim::GetCircularBufferAddress;
using tilesim::GetCommonRuntimeArgs;
using tilesim::GetRuntimeArgs;
using tilesim::KernelHandle;
using tilesim::NOC;
using tilesim::Program;
using tilesim::SetCommonRuntimeArgs;
using tilesim::SetRuntimeArgs;

using tilesim::EnqueueProgram;
using tilesim::EnqueueReadBuffer;
using tilesim::EnqueueWriteBuffer;
using tilesim::Finish;

using tilesim::bfloat16;
using tilesim::DataFormat;
using tilesim::MathFidelity;
using tilesim::tilize_nfaces;
using tilesim::untilize_nfaces;

// ---- Constants and sizes ----
namespace constants {
inline constexpr uint32_t TILE_HEIGHT = kTileRows;
inline constexpr uint32_t TILE_WIDTH = kTileCols;
inline constexpr uint32_t TILE_HW = kTileElements;
inline constexpr uint32_t FACE_HEIGHT = kFaceRows;
inline constexpr uint32_t FACE_WIDTH = kFaceCols;
inline constexpr uint32_t FACE_HW = kFaceElements;
}  // namespace constants

// Bytes of one 32x32 tile in `format` (tt::tile_size); 0 for DataFormat::Invalid.
constexpr uint32_t tile_size(DataFormat format) { return TileSizeBytes(format); }
// Bytes of one element (tt::datum_size); 0 for the block-float formats.
constexpr uint32_t datum_size(DataFormat format) { return DatumSizeBytes(format); }
namespace detail {
constexpr uint32_t TileSize(DataFormat format) { return TileSizeBytes(format); }
}  // namespace detail

constexpr uint32_t div_up(uint32_t a, uint32_t b) { return (a + b - 1) / b; }
constexpr uint32_t round_up(uint32_t a, uint32_t b) { return div_up(a, b) * b; }

// Semaphore values tt-metal's multicast kernels hand-shake with (hostdevcommon/common_values.hpp).
inline constexpr uint32_t INVALID = 0;
inline constexpr uint32_t VALID = 1;

// ---- Kernel configs, in tt-metal's member order so designated initializers port unchanged ----

enum class NOC_MODE : uint8_t { DM_DEDICATED_NOC = 0, DM_DYNAMIC_NOC = 1 };
// Accepted for source compatibility; bytecode has no optimisation levels.
enum class KernelBuildOptLevel : uint8_t { O1, O2, O3, O0, Os, Ofast, Oz };
enum class UnpackToDestMode : uint8_t { UnpackToDestFp32, Default };

struct DataMovementConfig {
  DataMovementProcessor processor = DataMovementProcessor::RISCV_0;
  NOC noc = NOC::RISCV_0_default;
  NOC_MODE noc_mode = NOC_MODE::DM_DEDICATED_NOC;    // only DM_DEDICATED_NOC is emulated
  std::vector<uint32_t> compile_args;                // get_compile_time_arg_val(i)
  std::map<std::string, std::string> defines;        // #define NAME VALUE before the kernel source
  std::unordered_map<std::string, uint32_t> named_compile_args;  // get_named_compile_time_arg_val("name")
  KernelBuildOptLevel opt_level = KernelBuildOptLevel::O2;
};

// The reader / writer conventions of tt-metal's ops: the reader on RISCV_1 (NCRISC) over NoC 1, the
// writer on RISCV_0 (BRISC) over NoC 0.
struct ReaderDataMovementConfig : DataMovementConfig {
  explicit ReaderDataMovementConfig(std::vector<uint32_t> compile_args = {},
                                    std::map<std::string, std::string> defines = {},
                                    KernelBuildOptLevel opt_level = KernelBuildOptLevel::O2);
};
struct WriterDataMovementConfig : DataMovementConfig {
  explicit WriterDataMovementConfig(std::vector<uint32_t> compile_args = {},
                                    std::map<std::string, std::string> defines = {},
                                    KernelBuildOptLevel opt_level = KernelBuildOptLevel::O2);
};

struct ComputeConfig {
  MathFidelity math_fidelity = MathFidelity::HiFi4;
  bool fp32_dest_acc_en = false;
  bool dst_full_sync_en = false;                   // accepted; DST capacity follows fp32_dest_acc_en only
  std::vector<UnpackToDestMode> unpack_to_dest_mode;  // UnpackToDestFp32 is not emulated: CreateKernel refuses it
  bool bfp8_pack_precise = false;                  // accepted; Bfp8 is not emulated
  bool math_approx_mode = false;
  std::vector<uint32_t> compile_args;
  std::map<std::string, std::string> defines;
  std::unordered_map<std::string, uint32_t> named_compile_args;
  KernelBuildOptLevel opt_level = KernelBuildOptLevel::O3;
};

using KernelConfig = std::variant<DataMovementConfig, ComputeConfig>;

// ---- Kernels ----

// Where CreateKernel looks for a relative kernel path, in order, with why each place is searched.
struct KernelSearchPlace {
  std::filesystem::path directory;
  std::string reason;  // "TILESIM_KERNEL_ROOT", "TT_METAL_HOME", "current directory", "next to host.cpp"...
};
// The places for a relative kernel path given from host source file `caller_file` (empty: none):
// $TILESIM_KERNEL_ROOT, $TT_METAL_HOME, the current directory, then the caller's directory and each of
// its parents (so "kernels/x.cpp" and tt-metal's "matmul/matmul_common/kernels/x.cpp" both work from a
// host program inside the tree). Unset or empty environment variables are skipped.
std::vector<KernelSearchPlace> KernelSearchPlaces(std::string_view caller_file);
// The file `file_name` names: itself if absolute, else the first existing regular file in
// KernelSearchPlaces(caller_file). Throws ApiError naming the path and every place it looked.
std::filesystem::path ResolveKernelPath(const std::string& file_name, std::string_view caller_file = {});

// Compiles the Metalium kernel source `file_name` (resolved by ResolveKernelPath from the caller's source
// file) with the config's defines and compile-time args, and places it on `core_spec`. A data movement
// config runs it on RISCV_0 (BRISC) or RISCV_1 (NCRISC), a compute config on the compute TRISCs. A path
// ending in ".tsb" is compiled bytecode (bc::SaveToFile) and is loaded instead; its config must not carry
// compile args or defines. Throws ApiError for a missing file, a compile error (with file:line:col), a
// config tilesim does not emulate, or a core that already runs a kernel on that processor.
KernelHandle CreateKernel(Program& program, const std::string& file_name, const CoreRangeSet& core_spec,
                          const KernelConfig& config, std::source_location caller = std::source_location::current());
// As above from Kernel IR already built (a KernelBuilder or a front end); defines are then meaningless
// and must be empty.
KernelHandle CreateKernel(Program& program, const kir::Kernel& kernel, const CoreRangeSet& core_spec,
                          const KernelConfig& config);

// ---- Tensor accessors ----

namespace distributed {
class MeshBuffer;
}  // namespace distributed

// The compile-time args a kernel's TensorAccessorArgs<offset>() reads, in the layout tilesim's Metalium
// front end decodes (tilesim/metalium.h; tt-metal's tensor_accessor::ArgConfig encoding): tilesim buffers
// are interleaved, so two words, the config bits (IsDram = 2 for DRAM, 0 for L1) and the page size.
// The buffer-less forms (default, create_*_interleaved) have no page size: they append 0 as the page
// size, and the kernel must give one to TensorAccessor(args, address, page_size).
class TensorAccessorArgs {
 public:
  TensorAccessorArgs() = default;  // an L1 interleaved accessor, as tt-metal's default
  explicit TensorAccessorArgs(const Buffer& buffer);
  explicit TensorAccessorArgs(const Buffer* buffer);  // throws ApiError on null
  explicit TensorAccessorArgs(const std::shared_ptr<Buffer>& buffer);
  explicit TensorAccessorArgs(const distributed::MeshBuffer& buffer);
  explicit TensorAccessorArgs(const distributed::MeshBuffer* buffer);
  explicit TensorAccessorArgs(const std::shared_ptr<distributed::MeshBuffer>& buffer);

  static TensorAccessorArgs create_dram_interleaved();
  static TensorAccessorArgs create_l1_interleaved();

  void append_to(std::vector<uint32_t>& compile_time_args) const;
  // Interleaved accessors have no common runtime args: `common_runtime_args` is left as it is.
  void append_to(std::vector<uint32_t>& compile_time_args, std::vector<uint32_t>& common_runtime_args) const;
  std::vector<uint32_t> get_compile_time_args() const;
  std::vector<uint32_t> get_common_runtime_args() const;
  bool is_dram() const { return is_dram_; }
  uint32_t page_size() const { return page_size_; }

 private:
  bool is_dram_ = false;
  uint32_t page_size_ = 0;
};

// ---- Slow-dispatch helpers (tt::tt_metal::detail) ----
namespace detail {
// Runs the program on its device and waits (EnqueueProgram + Finish on the device's queue). Throws
// ApiError on a null device.
void LaunchProgram(IDevice* device, Program& program, bool wait_until_cores_done = true);
// The queue of the device `buffer` lives on; throws ApiError naming `call` for a null or freed buffer.
CommandQueue& QueueOf(const std::shared_ptr<Buffer>& buffer, const char* call);
template <typename T>
void WriteToBuffer(const std::shared_ptr<Buffer>& buffer, const std::vector<T>& host) {
  EnqueueWriteBuffer(QueueOf(buffer, "WriteToBuffer"), buffer, host, true);
}
template <typename T>
void ReadFromBuffer(const std::shared_ptr<Buffer>& buffer, std::vector<T>& host) {
  EnqueueReadBuffer(QueueOf(buffer, "ReadFromBuffer"), buffer, host, true);
}
}  // namespace detail

}  // namespace tilesim::metal
