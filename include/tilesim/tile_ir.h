// Tile IR: what the tile DSL front end produces and the "v5" pass pipeline refines, step by step, into
// reader / compute / writer kernels (see compiler/tile/pipeline.cpp for the passes, in order).
//
// A PrimFunc is one TileLang `@T.prim_func`: global tensors (its parameters), on-chip buffers
// (T.alloc_shared / T.alloc_fragment), and a statement tree. As written by the user it holds the
// tile-level statements (copy, gemm, clear, fill, loops, element-wise stores under T.Parallel); the passes
// attach layouts, map the kernel grid onto cores, turn shared buffers into circular buffers, split the body
// into one statement tree per RISC role and finally leave only scalar code and device intrinsic calls,
// which compiler/tile/lower_to_kernel_ir.cpp turns into Kernel IR.
//
// Every dimension is a compile-time integer by the time the front end is done (module-level constants,
// factory-function parameters and --NAME values are bound while parsing), so shapes are plain numbers;
// index expressions are integer trees over the kernel's block indices and loop variables.
//
// Nodes are immutable and shared (std::shared_ptr<const ...>); passes build new trees. Every node carries
// the DSL source location it came from.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tilesim/bytecode/intrinsics.h"
#include "tilesim/data_format.h"
#include "tilesim/kernel_role.h"

namespace tilesim::tir {

// Where in the DSL file a node came from (line 0 = unknown).
struct SourceLocation {
  uint32_t line = 0;
  uint32_t column = 0;
};

// Element types of tensors and buffers. "float" and "float32" are Float32; "bfloat16" is BFloat16.
enum class DType : uint8_t { BFloat16, Float32 };
std::string_view ToString(DType dtype);  // "bfloat16", "float32"
DataFormat ToDataFormat(DType dtype);    // Float16_b, Float32

// ---- Integer index expressions ----
// Variables (kernel block indices, loop variables) are indexes into PrimFunc::vars.
struct VarId {
  uint32_t index = 0;
  friend bool operator==(VarId, VarId) = default;
  friend auto operator<=>(VarId, VarId) = default;
};

// Python's integer semantics: FloorDiv and FloorMod round towards minus infinity (// and %). The comparisons
// give 0 or 1; BitAnd, Lt and Ne appear only in lowered kernels (bounds checks, TensorAccessorArgs bits).
enum class IndexOp : uint8_t { Add, Sub, Mul, FloorDiv, FloorMod, Min, Max, BitAnd, Lt, Ne };
std::string_view ToString(IndexOp op);  // "+", "-", "*", "//", "%", "min", "max", "&", "<", "!="

struct IndexNode;
using Index = std::shared_ptr<const IndexNode>;
struct IndexConst { int64_t value; };
struct IndexVar { VarId var; };
struct IndexBinary { IndexOp op; Index lhs, rhs; };
// A value-returning device intrinsic (get_arg_val, get_read_ptr, get_noc_addr...): only in lowered kernels.
struct IndexCall { bc::Intrinsic intrinsic; std::vector<Index> args; };
// A per-core runtime argument by name ("start_id", "in0_mcast_sender_x"...), from GridToCoreGrid on;
// FinalizePersistentSignatureTT numbers them per kernel and turns them into get_arg_val calls.
struct IndexArg { std::string name; };
// get_compile_time_arg_val(index): only in lowered kernels (ConfigureTensorAccessorTT's accessor args).
struct IndexCompileTimeArg { uint32_t index; };
struct IndexNode {
  SourceLocation location;
  std::variant<IndexConst, IndexVar, IndexBinary, IndexCall, IndexArg, IndexCompileTimeArg> node;
};
Index MakeIndexConst(int64_t value, SourceLocation loc = {});
Index MakeIndexVar(VarId var, SourceLocation loc = {});
Index MakeIndexBinary(IndexOp op, Index lhs, Index rhs, SourceLocation loc = {});
Index MakeIndexCall(bc::Intrinsic intrinsic, std::vector<Index> args, SourceLocation loc = {});
Index MakeIndexArg(std::string name, SourceLocation loc = {});
Index MakeIndexCompileTimeArg(uint32_t index, SourceLocation loc = {});

// ---- Buffers ----
// Global: a kernel parameter (a DRAM tensor). Shared: T.alloc_shared (L1, becomes a circular buffer).
// Fragment: T.alloc_fragment (the accumulator; lives in DST / an intermediate circular buffer).
enum class Scope : uint8_t { Global, Shared, Fragment };
std::string_view ToString(Scope scope);  // "global", "shared", "fragment"

struct BufferId {
  uint32_t index = 0;
  friend bool operator==(BufferId, BufferId) = default;
  friend auto operator<=>(BufferId, BufferId) = default;
};

// How a tensor or buffer is laid out in memory, set by InferTTLayout / PropagateTTLayout.
struct TTLayout {
  bool tiled = true;                // 32x32 tiles of four 16x16 faces (tilesim/tile.h)
  bool dram_interleaved = false;    // Global tensors: tile pages interleaved over the DRAM banks
  uint32_t tile_rows = 0;           // shape in tiles after padding to multiples of 32
  uint32_t tile_cols = 0;
  uint32_t page_size = 0;           // bytes per tile page in the buffer's data format
};

struct Buffer {
  std::string name;
  Scope scope = Scope::Global;
  std::vector<int64_t> shape;       // rank 1 or 2, as written; a rank-1 tensor is one row
  DType dtype = DType::BFloat16;
  SourceLocation location;
  bool is_output = false;           // Global only: the kernel stores into it (set by the front end)
  std::optional<TTLayout> layout;   // from InferTTLayout / PropagateTTLayout
  int32_t cb_index = -1;            // Shared / Fragment: the circular buffer it became (LowerSharedToCB)
  uint32_t cb_num_pages = 0;        // pages of that circular buffer (tiles x pipeline stages)
  int32_t accessor_index = -1;      // Global: its TensorAccessor slot (AttachTensorAccessorTT)
};

// A rectangular region of a buffer: `offsets` per dimension (index expressions) and `extents`.
// `A[by * 128, k * 32]` as T.copy's source is A at those offsets with the destination's extents.
struct BufferRegion {
  BufferId buffer;
  std::vector<Index> offsets;
  std::vector<int64_t> extents;
};

// ---- Element-wise value expressions (the right-hand sides under T.Parallel) ----
enum class ValueUnaryOp : uint8_t { Neg, Exp, Relu, Sqrt, Recip };
enum class ValueBinaryOp : uint8_t { Add, Sub, Mul, Div, Max, Min };
std::string_view ToString(ValueUnaryOp op);   // "-", "T.exp", ...
std::string_view ToString(ValueBinaryOp op);  // "+", "-", "*", "/", "T.max", "T.min"

struct ValueNode;
using Value = std::shared_ptr<const ValueNode>;
struct ValueConst { double value; };
struct ValueLoad { BufferId buffer; std::vector<Index> indices; };  // C_local[i, j], Bias[bx * 128 + j]
struct ValueUnary { ValueUnaryOp op; Value operand; };
struct ValueBinary { ValueBinaryOp op; Value lhs, rhs; };
struct ValueCast { DType dtype; Value operand; };                   // T.cast(x, "bfloat16")
struct ValueNode {
  SourceLocation location;
  std::variant<ValueConst, ValueLoad, ValueUnary, ValueBinary, ValueCast> node;
};
Value MakeValueConst(double value, SourceLocation loc = {});
Value MakeValueLoad(BufferId buffer, std::vector<Index> indices, SourceLocation loc = {});
Value MakeValueUnary(ValueUnaryOp op, Value operand, SourceLocation loc = {});
Value MakeValueBinary(ValueBinaryOp op, Value lhs, Value rhs, SourceLocation loc = {});
Value MakeValueCast(DType dtype, Value operand, SourceLocation loc = {});

// ---- Statements ----
struct StmtNode;
using Stmt = std::shared_ptr<const StmtNode>;

// The user's tile-level statements.
struct KernelStmt {                 // with T.Kernel(grid[0], grid[1], ...) as (block_vars[0], block_vars[1]):
  std::vector<int64_t> grid;        // 1 or 2 extents: x (bx) first, as TileLang orders them
  std::vector<VarId> block_vars;
  Stmt body;
};
struct AllocStmt { BufferId buffer; };                         // T.alloc_shared / T.alloc_fragment
struct CopyStmt { BufferRegion src, dst; };                    // T.copy(src, dst)
struct GemmStmt {                                              // T.gemm(A, B, C): C += A x B
  BufferId a, b, c;
  bool transpose_a = false;
  bool transpose_b = false;
  bool clear_accum = false;                                    // T.gemm(..., clear_accum=True): C = A x B
};
struct FillStmt { BufferId buffer; double value; };            // T.clear(buf) is FillStmt{buf, 0}
enum class ForKind : uint8_t { Serial, Pipelined, Unrolled };
struct ForStmt {                                               // for var in range(extent) / T.Pipelined(...)
  VarId var;
  Index extent;                                                // iterations; var runs 0 .. extent-1
  ForKind kind = ForKind::Serial;
  uint32_t num_stages = 1;                                     // Pipelined: buffers in flight per operand
  Stmt body;
};
struct ParallelStmt {                                          // for i, j in T.Parallel(e0, e1):
  std::vector<VarId> vars;
  std::vector<int64_t> extents;
  Stmt body;                                                   // StoreStmts (and SeqStmts of them)
};
struct StoreStmt { BufferId buffer; std::vector<Index> indices; Value value; };  // C_local[i, j] = value
struct SeqStmt { std::vector<Stmt> stmts; };

// TT tile operations (LowerTTTileIntrinsics on): circular-buffer hand-offs still implicit in regions.
enum class CBAccess : uint8_t { Produce, Consume };
struct CBRegionStmt {              // Produce: cb_reserve_back(cb, pages) body cb_push_back(cb, pages);
  int32_t cb = -1;                 // Consume: cb_wait_front(cb, pages) body cb_pop_front(cb, pages)
  Index pages;                     // (LowerCBIntrinsics makes the calls explicit)
  CBAccess access = CBAccess::Produce;
  Stmt body;
};
struct TileReadStmt {              // DRAM tile (tile_row, tile_col) of `tensor` -> page `slot` of the region's cb;
  BufferId tensor;                 // a tile outside the tensor reads as zeros
  Index tile_row, tile_col;
  int32_t cb = -1;
  Index slot;
};
struct TileWriteStmt {             // page `slot` of cb -> DRAM tile (tile_row, tile_col); outside: skipped
  int32_t cb = -1;
  Index slot;
  BufferId tensor;
  Index tile_row, tile_col;
};
// The reader of one core reads a block of `pages` into cb (sender_body: TileReads) and multicasts it to the
// other cores of its row (Row) or column (Col); those receive it. The sender is the core at column 0 (Row) or
// row 0 (Col) of the partition. LowerCBIntrinsics expands the semaphore hand-shake.
enum class McastAxis : uint8_t { Row, Col };
struct McastRegionStmt {
  int32_t cb = -1;
  Index pages;
  McastAxis axis = McastAxis::Row;
  Stmt sender_body;
};
struct DstRegionStmt {             // InsertDSTManagementTT: tile_regs_acquire; math; tile_regs_commit;
  Stmt math;                       // tile_regs_wait; pack; tile_regs_release
  Stmt pack;
};

// What the passes lower the tile-level statements to: scalar code and device intrinsics, per role.
struct LetStmt { VarId var; Index value; Stmt body; };          // var = value within body
struct IfStmt { Index cond; Stmt then_body; Stmt else_body; };  // cond != 0; else_body may be null
struct CallStmt { bc::Intrinsic intrinsic; std::vector<Index> args; };  // a void device intrinsic call

struct StmtNode {
  SourceLocation location;
  std::variant<KernelStmt, AllocStmt, CopyStmt, GemmStmt, FillStmt, ForStmt, ParallelStmt, StoreStmt, SeqStmt,
               CBRegionStmt, TileReadStmt, TileWriteStmt, McastRegionStmt, DstRegionStmt, LetStmt, IfStmt, CallStmt>
      node;
};
Stmt MakeStmt(decltype(StmtNode::node) node, SourceLocation loc = {});

// ---- Functions ----
struct VarInfo {
  std::string name;
  SourceLocation location;
};

// How the kernel grid is spread over the cores (LayoutAwareWorkPartitionTT).
struct TTPartition {
  enum class Mode : uint8_t {
    Contiguous,  // the grid's blocks in row-major order (by, then bx), a contiguous range per core (start, count)
    Blocks2D,    // cores (x, y) of a cores_x x cores_y rectangle take blocks_per_core_x x blocks_per_core_y
  };             // neighbouring blocks: bx in [x * bpc_x, ...), by in [y * bpc_y, ...)
  Mode mode = Mode::Contiguous;
  uint32_t grid_x = 1;             // the kernel grid: bx extent, by extent
  uint32_t grid_y = 1;
  uint32_t cores_x = 1;            // the participating cores, from logical (0, 0)
  uint32_t cores_y = 1;
  uint32_t num_cores = 1;          // Contiguous: cores in row-major order over cores_x columns
  uint32_t blocks_per_core_x = 1;  // Blocks2D
  uint32_t blocks_per_core_y = 1;
  std::map<uint32_t, McastAxis> multicast;  // shared buffer (index) -> the axis its T.copy is multicast along
  std::vector<VarId> block_vars;            // T.Kernel's bx (and by): their ranges are the grid's
};

// One kernel of the split program (SplitDeviceKernel on): its role and body, in the same IR.
struct DeviceKernel {
  std::string name;                          // "reader", "compute", "writer"
  KernelRole role = KernelRole::DataMovement0;
  Stmt body;
  std::vector<std::string> runtime_arg_names;  // get_arg_val(i)'s meaning, FinalizePersistentSignatureTT
  std::vector<uint32_t> compile_time_args;     // ConfigureTensorAccessorTT
  std::map<uint32_t, uint32_t> accessor_offsets;  // tensor (BufferId index) -> its TensorAccessorArgs' first arg
};

struct PrimFunc {
  std::string name;                          // the @T.prim_func's name
  std::string source_file;                   // DSL file, for messages
  std::vector<BufferId> params;              // Global buffers in parameter order
  std::vector<Buffer> buffers;               // every buffer, parameters first
  std::vector<VarInfo> vars;
  Stmt body;                                 // usually a KernelStmt; empty once split into `kernels`
  std::vector<DeviceKernel> kernels;         // SplitDeviceKernel on: reader, compute, writer
  std::optional<TTPartition> partition;      // LayoutAwareWorkPartitionTT on
  std::map<std::string, int64_t> constants;  // every integer bound while parsing (M, block_M, ...), for printing
  // Facts the passes attach, named as the TileLang TT pipeline names them ("tt.partition_mode", ...).
  std::map<std::string, std::string> attrs;
};

// Human-readable text of the function: buffers with their layouts and CBs, then the body, one statement per
// line, Python-like. Stable enough for golden-string tests.
std::string Print(const PrimFunc& func);
std::string Print(const PrimFunc& func, const Index& index);
std::string Print(const PrimFunc& func, const Value& value);

}  // namespace tilesim::tir
