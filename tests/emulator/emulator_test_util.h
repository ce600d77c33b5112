// Shared helpers for the device-model tests: compiling KernelBuilder kernels, placing them on cores, and
// common reader / writer kernels.
#pragma once

#include <bit>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "emulator/emulator.h"
#include "tilesim/compiler.h"
#include "tilesim/kernel_builder.h"
#include "tilesim/tile.h"

namespace tilesim::emu::testing {

using kir::Expr;
using kir::KernelBuilder;

inline std::shared_ptr<const bc::KernelBinary> Compile(KernelBuilder& k) {
  return std::make_shared<const bc::KernelBinary>(compiler::LowerToBytecode(k.Build()));
}

inline KernelSpec Place(std::shared_ptr<const bc::KernelBinary> binary, std::vector<CoreCoord> cores,
                        std::vector<std::vector<uint32_t>> args = {}) {
  KernelSpec spec;
  spec.binary = std::move(binary);
  spec.cores = std::move(cores);
  spec.runtime_args = std::move(args);
  return spec;
}

inline CircularBufferSpec Cb(uint32_t index, uint32_t address, uint32_t page_size, uint32_t num_pages,
                             DataFormat format = DataFormat::Float16_b) {
  return CircularBufferSpec{index, address, page_size, num_pages, format};
}

// Runs and collects DPRINT lines.
struct Outcome {
  RunResult result;
  std::vector<std::string> lines;
};
inline Outcome RunCollecting(Device& device, const ProgramSpec& program, uint32_t threads = 2,
                             std::chrono::milliseconds livelock_timeout = std::chrono::milliseconds(2000)) {
  Outcome out;
  RunOptions options;
  options.threads = threads;
  options.livelock_timeout = livelock_timeout;
  options.dprint = [&out](const std::string& line) { out.lines.push_back(line); };
  out.result = Run(device, program, options);
  return out;
}

inline std::vector<uint8_t> Pattern(size_t n, uint32_t seed) {
  std::vector<uint8_t> bytes(n);
  uint32_t x = seed * 2654435761u + 12345u;
  for (auto& b : bytes) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<uint8_t>(x >> 24);
  }
  return bytes;
}

inline uint32_t ReadWord(Device& device, CoreCoord core, uint32_t address) {
  uint8_t bytes[4];
  device.ReadL1(core, address, bytes);
  uint32_t v;
  std::memcpy(&v, bytes, 4);
  return v;
}

inline void WriteWord(Device& device, CoreCoord core, uint32_t address, uint32_t value) {
  uint8_t bytes[4];
  std::memcpy(bytes, &value, 4);
  device.WriteL1(core, address, bytes);
}

// Reader: args (base, n_pages, page_size): pages 0..n-1 of an interleaved DRAM buffer -> CB `cb`, one at a time.
inline std::shared_ptr<const bc::KernelBinary> DramReader(uint32_t cb, const std::string& name = "reader") {
  KernelBuilder k(name, KernelRole::DataMovement0, name + ".cpp");
  Expr base = k.let("base", k.get_arg_val(0u));
  Expr n = k.let("n", k.get_arg_val(1u));
  Expr page = k.let("page", k.get_arg_val(2u));
  k.for_("i", 0u, n, [&](Expr i) {
    k.cb_reserve_back(cb, 1u);
    Expr l1 = k.get_write_ptr(cb);
    k.noc_async_read(k.get_noc_addr_interleaved(i, base, page, 1u, 0u), l1, page);
    k.noc_async_read_barrier();
    k.cb_push_back(cb, 1u);
  });
  return Compile(k);
}

// Writer: args (base, n_pages, page_size): CB `cb` -> pages 0..n-1 of an interleaved DRAM buffer.
inline std::shared_ptr<const bc::KernelBinary> DramWriter(uint32_t cb, const std::string& name = "writer") {
  KernelBuilder k(name, KernelRole::DataMovement1, name + ".cpp");
  Expr base = k.let("base", k.get_arg_val(0u));
  Expr n = k.let("n", k.get_arg_val(1u));
  Expr page = k.let("page", k.get_arg_val(2u));
  k.for_("i", 0u, n, [&](Expr i) {
    k.cb_wait_front(cb, 1u);
    Expr l1 = k.get_read_ptr(cb);
    k.noc_async_write(l1, k.get_noc_addr_interleaved(i, base, page, 1u, 0u), page);
    k.noc_async_write_barrier();
    k.cb_pop_front(cb, 1u);
  });
  return Compile(k);
}

// Host side of an interleaved DRAM buffer (REFERENCE.md: page i in bank i % banks at base + (i / banks) * page).
inline void WriteInterleaved(Device& device, uint32_t base, uint32_t page_size, const std::vector<uint8_t>& data) {
  const uint32_t banks = device.config().num_dram_banks;
  for (uint32_t i = 0; i * page_size < data.size(); ++i) {
    device.WriteDram(i % banks, base + uint64_t{i / banks} * page_size,
                     std::span<const uint8_t>(data.data() + size_t{i} * page_size, page_size));
  }
}
inline std::vector<uint8_t> ReadInterleaved(Device& device, uint32_t base, uint32_t page_size, uint32_t pages) {
  const uint32_t banks = device.config().num_dram_banks;
  std::vector<uint8_t> data(size_t{pages} * page_size);
  for (uint32_t i = 0; i < pages; ++i) {
    device.ReadDram(i % banks, base + uint64_t{i / banks} * page_size,
                    std::span<uint8_t>(data.data() + size_t{i} * page_size, page_size));
  }
  return data;
}

// Row-major 32x32 tiles -> CB bytes (face layout) in `format` (Float16_b or Float32), tile after tile.
inline std::vector<uint8_t> TileBytes(const std::vector<float>& row_major_tiles, DataFormat format) {
  std::vector<uint8_t> bytes;
  for (size_t t = 0; t < row_major_tiles.size() / kTileElements; ++t) {
    const std::vector<float> one(row_major_tiles.begin() + t * kTileElements, row_major_tiles.begin() + (t + 1) * kTileElements);
    for (float v : tilize<float>(one, kTileRows, kTileCols)) {
      const uint32_t b = format == DataFormat::Float32 ? std::bit_cast<uint32_t>(v) : FloatToBf16Bits(v);
      for (size_t i = 0; i < (format == DataFormat::Float32 ? 4u : 2u); ++i) bytes.push_back(static_cast<uint8_t>(b >> (8 * i)));
    }
  }
  return bytes;
}

// CB bytes (face layout) -> row-major tiles.
inline std::vector<float> RowMajorTiles(const std::vector<uint8_t>& bytes, DataFormat format) {
  const size_t datum = format == DataFormat::Float32 ? 4 : 2;
  std::vector<float> faces(bytes.size() / datum);
  for (size_t i = 0; i < faces.size(); ++i) {
    if (datum == 4) {
      uint32_t b;
      std::memcpy(&b, bytes.data() + 4 * i, 4);
      faces[i] = std::bit_cast<float>(b);
    } else {
      faces[i] = Bf16BitsToFloat(static_cast<uint16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8)));
    }
  }
  std::vector<float> out;
  for (size_t t = 0; t < faces.size() / kTileElements; ++t) {
    const std::vector<float> one(faces.begin() + t * kTileElements, faces.begin() + (t + 1) * kTileElements);
    const std::vector<float> rm = untilize<float>(one, kTileRows, kTileCols);
    out.insert(out.end(), rm.begin(), rm.end());
  }
  return out;
}

// Deterministic values in [low, high), rounded to what `format` holds.
inline std::vector<float> Values(size_t n, uint32_t seed, float low, float high, DataFormat format) {
  std::vector<float> v(n);
  uint32_t x = seed * 2654435761u + 7u;
  for (float& f : v) {
    x = x * 1664525u + 1013904223u;
    f = low + (high - low) * static_cast<float>(x >> 8) / static_cast<float>(1u << 24);
    if (format == DataFormat::Float16_b) f = RoundToBf16(f);
  }
  return v;
}

// C = A x B in bf16 tiles, one output tile per core: core (n, m) reads A's tile row m and B's tile column n
// from interleaved DRAM (one 2 KiB tile per page), accumulates them in DST and writes C tile (m, n).
struct OneTilePerCoreGemm {
  uint32_t mt = 0, nt = 0, kt = 0;                     // C is mt x nt tiles, the inner dimension kt
  uint32_t a = 0x0, b = 0x400000, c = 0x800000;        // DRAM bases
  bool fp32_dest_acc_en = false;
};

inline ProgramSpec MakeGemm(const OneTilePerCoreGemm& g) {
  constexpr uint32_t kTile = 2048;
  const uint32_t kMt = g.mt, kNt = g.nt, kKt = g.kt, kA = g.a, kB = g.b, kC = g.c;
  KernelBuilder reader("gemm_reader", KernelRole::DataMovement0);
  Expr mt = reader.let("mt", reader.get_arg_val(0u));
  Expr nt = reader.let("nt", reader.get_arg_val(1u));
  reader.for_("kt", 0u, kKt, [&](Expr kt) {
    reader.cb_reserve_back(0u, 1u);
    reader.noc_async_read(reader.get_noc_addr_interleaved(mt * kKt + kt, kA, kTile, 1u, 0u), reader.get_write_ptr(0u), kTile);
    reader.cb_reserve_back(1u, 1u);
    reader.noc_async_read(reader.get_noc_addr_interleaved(kt * kNt + nt, kB, kTile, 1u, 0u), reader.get_write_ptr(1u), kTile);
    reader.noc_async_read_barrier();
    reader.cb_push_back(0u, 1u);
    reader.cb_push_back(1u, 1u);
  });
  KernelBuilder compute("gemm_compute", KernelRole::Compute);
  compute.mm_init(0u, 1u, 16u, 0u);
  compute.tile_regs_acquire();
  compute.for_("kt", 0u, kKt, [&](Expr) {
    compute.cb_wait_front(0u, 1u);
    compute.cb_wait_front(1u, 1u);
    compute.matmul_tiles(0u, 1u, 0u, 0u, 0u, 0u);
    compute.cb_pop_front(0u, 1u);
    compute.cb_pop_front(1u, 1u);
  });
  compute.tile_regs_commit();
  compute.tile_regs_wait();
  compute.cb_reserve_back(16u, 1u);
  compute.pack_tile(0u, 16u);
  compute.cb_push_back(16u, 1u);
  compute.tile_regs_release();
  KernelBuilder writer("gemm_writer", KernelRole::DataMovement1);
  Expr id = writer.let("id", writer.get_arg_val(0u));
  writer.cb_wait_front(16u, 1u);
  writer.noc_async_write(writer.get_read_ptr(16u), writer.get_noc_addr_interleaved(id, kC, kTile, 1u, 0u), kTile);
  writer.noc_async_write_barrier();
  writer.cb_pop_front(16u, 1u);

  KernelSpec r = Place(Compile(reader), {}), c = Place(Compile(compute), {}), w = Place(Compile(writer), {});
  c.compute.fp32_dest_acc_en = g.fp32_dest_acc_en;
  ProgramSpec p;
  for (uint32_t m = 0; m < kMt; ++m) {
    for (uint32_t n = 0; n < kNt; ++n) {
      const CoreCoord core{n, m};
      r.cores.push_back(core);
      r.runtime_args.push_back({m, n});
      c.cores.push_back(core);
      w.cores.push_back(core);
      w.runtime_args.push_back({m * kNt + n});
      p.cores.push_back(CoreResources{core, {Cb(0, 0x10000, kTile, 2), Cb(1, 0x20000, kTile, 2), Cb(16, 0x30000, kTile, 1)}, {}});
    }
  }
  p.kernels = {r, c, w};
  return p;
}

// Reader: args (n, page): page i of the interleaved DRAM buffers at `a` and `b` into CB 0 and CB 1, i < n.
inline std::shared_ptr<const bc::KernelBinary> PairReader(uint32_t a, uint32_t b) {
  KernelBuilder k("reader_pairs", KernelRole::DataMovement0, "reader_pairs.cpp");
  Expr n = k.let("n", k.get_arg_val(0u));
  Expr page = k.let("page", k.get_arg_val(1u));
  k.for_("i", 0u, n, [&](Expr i) {
    k.cb_reserve_back(0u, 1u);
    k.cb_reserve_back(1u, 1u);
    k.noc_async_read(k.get_noc_addr_interleaved(i, a, page, 1u, 0u), k.get_write_ptr(0u), page);
    k.noc_async_read(k.get_noc_addr_interleaved(i, b, page, 1u, 0u), k.get_write_ptr(1u), page);
    k.noc_async_read_barrier();
    k.cb_push_back(0u, 1u);
    k.cb_push_back(1u, 1u);
  });
  return Compile(k);
}

}  // namespace tilesim::emu::testing
