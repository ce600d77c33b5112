// Builtin names of the dialect: scalar typedefs, object types, enum constants and namespaces, with the
// values tt-metal gives them.
#include "compiler/frontends/metalium/builtin_names.h"

#include <map>
#include <string>

#include "compiler/frontends/metalium/lowering.h"

namespace tilesim::metalium {
namespace {

struct ScalarTypedef {
  std::string_view name;
  CType type;
};

// The RISC-V cores are 32-bit: long, size_t and pointers are 4 bytes.
constexpr ScalarTypedef kScalarTypes[] = {
    {"void", CType::Void},        {"bool", CType::Bool},          {"char", CType::I8},
    {"signed char", CType::I8},   {"unsigned char", CType::U8},   {"short", CType::I16},
    {"unsigned short", CType::U16}, {"int", CType::I32},          {"unsigned int", CType::U32},
    {"long", CType::I32},         {"unsigned long", CType::U32},  {"unsigned long long", CType::U64},
    {"int8_t", CType::I8},        {"uint8_t", CType::U8},         {"int16_t", CType::I16},
    {"uint16_t", CType::U16},     {"int32_t", CType::I32},        {"uint32_t", CType::U32},
    {"uint64_t", CType::U64},     {"size_t", CType::U32},         {"uintptr_t", CType::U32},
    {"intptr_t", CType::I32},     {"ptrdiff_t", CType::I32},      {"ssize_t", CType::I32},
    {"uint", CType::U32},         {"CBIndex", CType::U8},         {"CB", CType::U8},
    {"DataFormat", CType::U8},    {"DstMode", CType::U8},         {"MathFidelity", CType::U8},
    {"ProgrammableCoreType", CType::U8}, {"NocOptions", CType::U32}, {"VectorMode", CType::I32},
    {"DstSync", CType::U8},       {"BroadcastType", CType::U8},   {"PoolType", CType::U8},
    {"ReduceDim", CType::U8},     {"EltwiseBinaryType", CType::U8},
};

struct ObjectType {
  std::string_view name;
  ObjectKind kind;
};

constexpr ObjectType kObjectTypes[] = {
    {"TensorAccessorArgs", ObjectKind::AccessorArgs},
    {"TensorAccessor", ObjectKind::AddrGen},
    {"InterleavedAddrGen", ObjectKind::AddrGen},
    {"InterleavedAddrGenFast", ObjectKind::AddrGen},
    {"InterleavedPow2AddrGen", ObjectKind::AddrGen},
    {"InterleavedPow2AddrGenFast", ObjectKind::AddrGen},
    {"CircularBuffer", ObjectKind::CircularBuffer},
    {"DataflowBuffer", ObjectKind::CircularBuffer},  // Device 2.0's later name for it
    {"Noc", ObjectKind::Noc},
};

constexpr std::string_view kUnsupportedTypes[] = {"float", "double", "long double", "long long", "int64_t",
                                                  "bfloat16", "half", "vFloat", "vInt", "vUInt", "__int128"};

constexpr std::string_view kTemplateNames[] = {
    "get_arg_val", "get_common_arg_val", "get_semaphore", "get_noc_addr_from_bank_id", "get_noc_addr",
    "noc_async_read", "noc_async_write", "noc_async_read_page", "noc_async_write_page", "noc_async_read_tile",
    "noc_async_write_tile", "noc_async_write_multicast", "noc_async_write_multicast_loopback_src",
    "noc_semaphore_set_multicast", "noc_semaphore_set_multicast_loopback_src", "noc_semaphore_inc",
    "noc_async_read_one_packet", "noc_async_write_one_packet", "TensorAccessorArgs", "TensorAccessor",
    "InterleavedAddrGen", "InterleavedAddrGenFast", "InterleavedPow2AddrGen", "InterleavedPow2AddrGenFast",
    "pack_tile", "exp_tile", "exp_tile_init", "log_tile", "log_tile_init", "relu_tile", "relu_tile_init",
    "recip_tile", "recip_tile_init", "sqrt_tile", "sqrt_tile_init", "gelu_tile", "gelu_tile_init",
    "compute_kernel_hw_startup", "reconfig_data_format", "reconfig_data_format_srca", "reconfig_data_format_srcb",
    "pack_reconfig_data_format", "unpack_reconfig_data_format", "binary_op_init_common", "add_tiles_init",
    "sub_tiles_init", "mul_tiles_init", "mm_init", "mm_block_init", "matmul_init", "copy_tile_to_dst_init_short",
    "copy_tile_init", "init_sfpu", "unary_op_init_common", "tile_regs_acquire", "acquire_dst", "release_dst",
    "get_dataformat", "static_cast", "reinterpret_cast", "const_cast", "min", "max",
    // Device 2.0 member templates: noc.async_read<Noc::TxnIdMode::DISABLED>(...)
    "async_read", "async_write", "async_write_multicast",
};

constexpr std::string_view kNamespaces[] = {"std", "tt", "tt_metal", "ckernel", "experimental", "tensor_accessor",
                                            "constants", "interleaved_addr_gen", "sfpi", "dataflow", "compute"};

int IndexAfter(const std::string& key, const std::string& prefix) {
  if (key.size() <= prefix.size() || key.compare(0, prefix.size(), prefix) != 0) return -1;
  int value = 0;
  for (size_t i = prefix.size(); i < key.size(); ++i) {
    if (key[i] < '0' || key[i] > '9' || value > 1000) return -1;
    value = value * 10 + (key[i] - '0');
  }
  return value;
}

Value EnumValue(uint64_t value, CType type = CType::U8) {
  return Value::Scalar(kir::MakeConst(value, KirType(type)), type);
}

}  // namespace

bool IsBuiltinTypeName(std::string_view name) {
  for (const ScalarTypedef& t : kScalarTypes) {
    if (t.name == name) return true;
  }
  for (const ObjectType& t : kObjectTypes) {
    if (t.name == name) return true;
  }
  for (std::string_view t : kUnsupportedTypes) {
    if (t == name) return true;
  }
  return false;
}

bool IsBuiltinScalarTypeName(std::string_view name) {
  for (const ScalarTypedef& t : kScalarTypes) {
    if (t.name == name) return true;
  }
  return false;
}

bool IsBuiltinTemplateName(std::string_view name) {
  for (std::string_view t : kTemplateNames) {
    if (t == name) return true;
  }
  // Any kernel API function may be spelled with template arguments (tt-metal templates many of them on
  // NoC or tracing options); the lowering ignores the ones that change nothing here.
  return FindBuiltin(std::string(name)) != nullptr;
}

bool IsBuiltinNamespace(std::string_view name) {
  for (std::string_view n : kNamespaces) {
    if (n == name) return true;
  }
  return false;
}

std::optional<Type> FindBuiltinType(const std::string& name, const SourcePos& pos, const Diagnostics& diag) {
  for (std::string_view t : kUnsupportedTypes) {
    if (t == name) {
      const bool floating = name != "long long" && name != "int64_t" && name != "__int128";
      diag.Error(pos, "unsupported type '" + name + "': " +
                          (floating ? std::string("kernel scalars are integers (floating-point data lives in tiles)")
                                    : std::string("Kernel IR has no signed 64-bit integers; use uint64_t")));
    }
  }
  for (const ScalarTypedef& t : kScalarTypes) {
    if (t.name == name) {
      Type type;
      type.kind = t.type == CType::Void ? Type::Kind::Void : Type::Kind::Scalar;
      type.scalar = t.type;
      return type;
    }
  }
  for (const ObjectType& t : kObjectTypes) {
    if (t.name == name) {
      Type type;
      type.kind = Type::Kind::Object;
      type.object = t.kind;
      type.object_name = std::string(t.name);
      return type;
    }
  }
  if (name == "auto") {
    Type type;
    type.kind = Type::Kind::Auto;
    return type;
  }
  return std::nullopt;
}

std::optional<Value> FindBuiltinConstant(const std::string& key, KernelRole role) {
  if (int i = IndexAfter(key, "CBIndex::c_"); i >= 0 && i < 32) return EnumValue(static_cast<uint64_t>(i));
  // tt::CB, the circular buffer names before tt::CBIndex.
  static const std::map<std::string, int> kOldCbBases = {
      {"CB::c_in", 0}, {"CB::dataflow", 8}, {"CB::c_out", 16}, {"CB::c_intermed", 24}};
  for (const auto& [prefix, base] : kOldCbBases) {
    if (int i = IndexAfter(key, prefix); i >= 0 && i < 8) return EnumValue(static_cast<uint64_t>(base + i));
  }
  static const std::map<std::string, uint64_t> kDataFormats = {
      {"Float32", 0}, {"Float16", 1}, {"Bfp8", 2},  {"Bfp4", 3},   {"Bfp2", 11},  {"Float16_b", 5},
      {"Bfp8_b", 6},  {"Bfp4_b", 7},  {"Bfp2_b", 15}, {"Lf8", 10}, {"Int8", 14},  {"UInt8", 30},
      {"UInt16", 9},  {"Int32", 8},   {"UInt32", 24}, {"Tf32", 4},  {"Invalid", 0xff}};
  if (key.rfind("DataFormat::", 0) == 0) {
    auto it = kDataFormats.find(key.substr(12));
    if (it != kDataFormats.end()) return EnumValue(it->second);
  }
  static const std::map<std::string, std::pair<uint64_t, CType>> kConstants = {
      {"VALID", {1, CType::U32}},
      {"INVALID", {0, CType::U32}},
      {"TILE_HEIGHT", {32, CType::U32}},
      {"TILE_WIDTH", {32, CType::U32}},
      {"TILE_HW", {1024, CType::U32}},
      {"FACE_HEIGHT", {16, CType::U32}},
      {"FACE_WIDTH", {16, CType::U32}},
      {"FACE_HW", {256, CType::U32}},
      {"NUM_CIRCULAR_BUFFERS", {32, CType::U32}},
      {"DstMode::Full", {0, CType::U8}},
      {"DstMode::Half", {1, CType::U8}},
      {"DstMode::Tile", {2, CType::U8}},
      {"MathFidelity::LoFi", {0, CType::U8}},
      {"MathFidelity::HiFi2", {2, CType::U8}},
      {"MathFidelity::HiFi3", {3, CType::U8}},
      {"MathFidelity::HiFi4", {4, CType::U8}},
      {"ProgrammableCoreType::TENSIX", {0, CType::U8}},
      {"VectorMode::None", {0, CType::I32}},
      {"VectorMode::R", {1, CType::I32}},
      {"VectorMode::C", {2, CType::I32}},
      {"VectorMode::RC", {4, CType::I32}},
      {"VectorMode::RC_custom", {6, CType::I32}},
      // tt-llk llk_defs.h (unscoped enums in ckernel, so the enumerators may also be written bare)
      {"BroadcastType::NONE", {0, CType::U8}},
      {"BroadcastType::COL", {1, CType::U8}},
      {"BroadcastType::ROW", {2, CType::U8}},
      {"BroadcastType::SCALAR", {3, CType::U8}},
      {"EltwiseBinaryType::ELWMUL", {0, CType::U8}},
      {"EltwiseBinaryType::ELWDIV", {1, CType::U8}},
      {"EltwiseBinaryType::ELWADD", {2, CType::U8}},
      {"EltwiseBinaryType::ELWSUB", {3, CType::U8}},
      {"EltwiseBinaryType::ELWLESS", {4, CType::U8}},
      {"ELWMUL", {0, CType::U8}},
      {"ELWDIV", {1, CType::U8}},
      {"ELWADD", {2, CType::U8}},
      {"ELWSUB", {3, CType::U8}},
      {"ELWLESS", {4, CType::U8}},
  };
  auto it = kConstants.find(key);
  if (it != kConstants.end()) return EnumValue(it->second.first, it->second.second);
  if (key == "noc_index") {
    // Each data movement RISC uses its own NoC by default (BRISC NoC 0, NCRISC NoC 1).
    return EnumValue(role == KernelRole::DataMovement1 ? 1 : 0);
  }
  return std::nullopt;
}

}  // namespace tilesim::metalium
