// Compute, unpack/pack, circular-buffer and RISC-V costs (compute_costs.h). Defaults describe a
// Wormhole B0; profiles/wormhole_b0.json says where each number comes from.
#include "emulator/timing/compute_costs.h"

#include <cctype>
#include <string>

#include <fmt/format.h>

namespace tilesim::emu::timing {
namespace {

const Param<NamedNumbers> kMatmul{"fpu.matmul_cycles_per_tile",
                                  "cycles of one 32x32x32 tile matmul, by math fidelity",
                                  {{"LoFi", 16}, {"HiFi2", 32}, {"HiFi3", 48}, {"HiFi4", 64}}, Positive()};
const Param<double> kEltwiseAdd{"fpu.eltwise_add_cycles_per_tile",
                                "cycles of an element-wise add or subtract of two tiles, broadcast or not (no fidelity passes)", 8.0,
                                Positive()};
const Param<NamedNumbers> kEltwiseMul{"fpu.eltwise_mul_cycles_per_tile",
                                      "cycles of an element-wise multiply of two tiles, broadcast or not, by math fidelity",
                                      {{"LoFi", 8}, {"HiFi2", 16}, {"HiFi3", 24}, {"HiFi4", 32}}, Positive()};
const Param<NamedNumbers> kSfpu{"sfpu.cycles_per_tile",
                                "cycles of an SFPU operation over one tile in DST, by operation",
                                {{"relu", 128}, {"exp", 640}, {"log", 640}, {"recip", 480}, {"sqrt", 480}, {"gelu", 480},
                                 {"add_unary", 128}, {"sub_unary", 128}, {"mul_unary", 128}, {"div_unary", 128},
                                 {"rsub_unary", 160}, {"binary_max", 160}, {"binary_min", 160}},
                                Positive()};
const Param<double> kUnpackBandwidth{"unpack.bytes_per_cycle", "bytes per cycle the unpackers read from L1", 80.0,
                                     Positive()};
const Param<double> kUnpackOverhead{"unpack.overhead_cycles_per_tile", "fixed cycles per unpacked tile", 0.0,
                                    NonNegative()};
const Param<double> kPackBandwidth{"pack.bytes_per_cycle", "bytes per cycle the packers write to L1", 64.0, Positive()};
const Param<double> kPackOverhead{"pack.overhead_cycles_per_tile", "fixed cycles per packed tile", 0.0, NonNegative()};
const Param<double> kCbReserve{"cb.reserve_back_cycles", "cycles of cb_reserve_back when space is free", 15.0,
                               NonNegative()};
const Param<double> kCbPush{"cb.push_back_cycles", "cycles of cb_push_back", 10.0, NonNegative()};
const Param<double> kCbWait{"cb.wait_front_cycles", "cycles of cb_wait_front when pages are ready", 15.0, NonNegative()};
const Param<double> kCbPop{"cb.pop_front_cycles", "cycles of cb_pop_front", 10.0, NonNegative()};
const Param<double> kAlu{"riscv.alu_cycles", "cycles of an integer ALU instruction", 1.0, Positive()};
const Param<double> kMul{"riscv.mul_cycles", "cycles of a multiply", 2.0, Positive()};
const Param<double> kDiv{"riscv.div_cycles", "cycles of a divide or remainder (worst case)", 33.0, Positive()};
const Param<double> kMispredict{"riscv.branch_mispredict_cycles", "cycles of a mispredicted branch", 3.0, Positive()};
const Param<double> kLoadLocal{"riscv.load_local_cycles", "latency of a load from core-local data RAM", 2.0, Positive()};
const Param<double> kLoadL1{"riscv.load_l1_cycles", "latency of a load from L1", 8.0, Positive()};
const Param<double> kLoadMmio{"riscv.load_mmio_cycles", "latency of a load from NoC/overlay registers", 7.0, Positive()};
const Param<double> kStoreL1{"riscv.store_l1_cycles", "interval between sustained stores to L1", 5.0, Positive()};
const Param<int64_t> kL1Banks{"l1.banks", "L1 banks per core", 16, Between(1, 1024)};
const Param<double> kL1BankBandwidth{"l1.bank_bytes_per_cycle", "bytes per cycle one L1 bank reads or writes", 16.0,
                                     Positive()};

constexpr MathFidelity kFidelities[] = {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3,
                                        MathFidelity::HiFi4};

void FillByFidelity(const DeviceProfile& profile, const Param<NamedNumbers>& param, double (&out)[4]) {
  const NamedNumbers table = profile.Get(param);
  for (MathFidelity f : kFidelities) {
    auto it = table.find(ToString(f));
    if (it == table.end()) {
      throw ProfileError(fmt::format("{}: '{}': no entry for {}",
                                     profile.path().empty() ? std::string("built-in profile") : profile.path().string(),
                                     param.key(), ToString(f)));
    }
    out[FidelityPhases(f) - 1] = it->second;
  }
}

}  // namespace

const std::vector<const ParamBase*>& ComputeCostParamList() {
  static const std::vector<const ParamBase*> list = {
      &kMatmul,   &kEltwiseAdd, &kEltwiseMul, &kSfpu,       &kUnpackBandwidth, &kUnpackOverhead, &kPackBandwidth,
      &kPackOverhead, &kCbReserve, &kCbPush,  &kCbWait,     &kCbPop,           &kAlu,            &kMul,
      &kDiv,      &kMispredict, &kLoadLocal,  &kLoadL1,     &kLoadMmio,        &kStoreL1,        &kL1Banks,
      &kL1BankBandwidth};
  return list;
}

ComputeCosts::ComputeCosts(const DeviceProfile& profile) {
  FillByFidelity(profile, kMatmul, matmul_);
  FillByFidelity(profile, kEltwiseMul, eltwise_mul_);
  eltwise_add_ = profile.Get(kEltwiseAdd);
  sfpu_ = profile.Get(kSfpu);
  unpack_bytes_per_cycle_ = profile.Get(kUnpackBandwidth);
  unpack_overhead_ = profile.Get(kUnpackOverhead);
  pack_bytes_per_cycle_ = profile.Get(kPackBandwidth);
  pack_overhead_ = profile.Get(kPackOverhead);
  cb_ = {profile.Get(kCbReserve), profile.Get(kCbPush), profile.Get(kCbWait), profile.Get(kCbPop)};
  riscv_ = {profile.Get(kAlu),       profile.Get(kMul),    profile.Get(kDiv),      profile.Get(kMispredict),
            profile.Get(kLoadLocal), profile.Get(kLoadL1), profile.Get(kLoadMmio), profile.Get(kStoreL1)};
  l1_banks_ = static_cast<uint32_t>(profile.Get(kL1Banks));
  l1_bank_bytes_per_cycle_ = profile.Get(kL1BankBandwidth);
}

double ComputeCosts::MatmulTileCycles(MathFidelity fidelity) const { return matmul_[FidelityPhases(fidelity) - 1]; }

double ComputeCosts::EltwiseMulTileCycles(MathFidelity fidelity) const {
  return eltwise_mul_[FidelityPhases(fidelity) - 1];
}

std::optional<double> ComputeCosts::SfpuTileCycles(std::string_view op) const {
  std::string lower(op);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = sfpu_.find(lower);
  if (it == sfpu_.end()) return std::nullopt;
  return it->second;
}

double ComputeCosts::UnpackTileCycles(DataFormat format) const {
  return unpack_overhead_ + TileSizeBytes(format) / unpack_bytes_per_cycle_;
}

double ComputeCosts::PackTileCycles(DataFormat format) const {
  return pack_overhead_ + TileSizeBytes(format) / pack_bytes_per_cycle_;
}

}  // namespace tilesim::emu::timing
