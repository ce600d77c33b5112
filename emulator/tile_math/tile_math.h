// Tile math of one Tensix core: unpack, FPU (matrix engine), SFPU, pack.
//
// A tile inside the engine is 1024 fp32 values in logical row-major order (row * 32 + col). Unpack turns
// a CB tile (face layout, a DataFormat) into that form; every FPU or SFPU result is rounded to the DST
// format (bf16 unless fp32_dest_acc_en); pack rounds DST into the output CB's format and face layout.
//
// Math fidelity: the multipliers take 5 bits of SrcA's mantissa and 7 bits of SrcB's per pass; LoFi
// makes one pass, HiFi2/3/4 two/three/four, each pass adding the next slice of mantissa bits (see
// fidelity.h for the exact slices). Additions are not affected by fidelity. The sum of each output
// element runs over k in order 0..31 in fp32, so results never depend on the host or thread count.
#pragma once

#include <cstdint>

#include "tilesim/data_format.h"

namespace tilesim::emu::tile {

struct alignas(64) Tile {
  float v[1024];
};

// What the compute kernel's ComputeConfig sets, plus what the *_init calls configure.
struct MathConfig {
  MathFidelity fidelity = MathFidelity::HiFi4;
  bool fp32_dest = false;     // fp32_dest_acc_en
  bool approx = false;        // math_approx_mode (SFPU)
};

// CB tile bytes (face layout, `format`) -> row-major fp32. `src` holds TileSizeBytes(format) bytes.
void Unpack(const uint8_t* src, DataFormat format, Tile& out);
// Row-major fp32 -> CB tile bytes in `format` (round to nearest even for Float16_b).
void Pack(const Tile& in, DataFormat format, uint8_t* dst);
// Unpack, then RoundToDst, in one pass (copy_tile).
void UnpackToDst(const uint8_t* src, DataFormat format, const MathConfig& config, Tile& out);
// Rounds every element to what DST can hold (bf16 unless fp32_dest).
void RoundToDst(Tile& tile, const MathConfig& config);

// dst += a x b (b transposed if transpose_b), with the fidelity's operand precision; then rounded to DST.
void MatmulAccumulate(const Tile& a, const Tile& b, bool transpose_b, const MathConfig& config, Tile& dst);
// ---- Prepared matmul operands ----
// Converting an operand (unpack, source format, fidelity slices) costs a good share of a tile product, and
// a GEMM uses each operand tile several times in a row. A PreparedOperand is one operand tile as the
// multipliers see it under one MathConfig: in the source-register format, split into the slices the
// fidelity multiplies, row-major (the right operand already transposed if asked). Prepare once, multiply
// many times: MatmulAccumulate on prepared operands gives the same bits as on the tiles themselves.
enum class MatmulSide : uint8_t {
  Left,   // in0 (a): the SrcB operand of the matrix engine
  Right,  // in1 (b): the SrcA operand
};

struct alignas(64) PreparedOperand {
  // What it was prepared for; MatmulAccumulate traps on a mismatch rather than multiply wrong slices.
  MatmulSide side = MatmulSide::Left;
  MathFidelity fidelity = MathFidelity::HiFi4;
  bool fp32_dest = false;
  // Left uninitialised until prepared. slices[1] is used by HiFi3 only (its product has two terms, see
  // fidelity.h), so other fidelities never touch its memory.
  alignas(64) float slices[2][1024];
};

// From CB tile bytes (face layout, `format`): unpack, convert and slice in one pass.
void PrepareLeft(const uint8_t* src, DataFormat format, const MathConfig& config, PreparedOperand& out);
void PrepareRight(const uint8_t* src, DataFormat format, bool transpose, const MathConfig& config,
                  PreparedOperand& out);
// From an unpacked (row-major fp32) tile.
void PrepareLeft(const Tile& a, const MathConfig& config, PreparedOperand& out);
void PrepareRight(const Tile& b, bool transpose, const MathConfig& config, PreparedOperand& out);
// dst += left x right, rounded to DST (in the same pass). `config` must be the one both were prepared with.
void MatmulAccumulate(const PreparedOperand& left, const PreparedOperand& right, const MathConfig& config,
                      Tile& dst);

// dst = a op b element-wise; mul applies fidelity. Rounded to DST.
void Add(const Tile& a, const Tile& b, const MathConfig& config, Tile& dst);
void Sub(const Tile& a, const Tile& b, const MathConfig& config, Tile& dst);
void Mul(const Tile& a, const Tile& b, const MathConfig& config, Tile& dst);

enum class SfpuOp : uint8_t { Exp, Log, Relu, Recip, Sqrt, Gelu };
// dst = op(dst) element-wise, in place; rounded to DST.
void Sfpu(SfpuOp op, const MathConfig& config, Tile& dst);

}  // namespace tilesim::emu::tile
