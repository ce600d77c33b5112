// Cycle costs of the work a Tensix core does besides the NoC: FPU and SFPU tile operations, unpack and
// pack, circular-buffer calls, RISC-V scalar instructions, L1 bandwidth. Read from the device profile;
// the timing engine charges them when it replays a kernel's event log.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "emulator/timing/device_profile.h"
#include "tilesim/data_format.h"

namespace tilesim::emu::timing {

struct RiscvCosts {
  double alu = 1;                // integer ALU instruction
  double mul = 2;                // mul / mulh*: occupies the integer unit two cycles
  double div = 33;               // div / rem, worst case (6..33 depending on the dividend)
  double branch_mispredict = 3;  // a mispredicted branch, including the two-cycle bubble
  double load_local = 2;         // load from core-local data RAM
  double load_l1 = 8;            // load from L1 (latency)
  double load_mmio = 7;          // load from NoC / overlay / TDMA registers (latency)
  double store_l1 = 5;           // sustained interval between stores to L1
};

struct CbCosts {
  double reserve_back = 0;
  double push_back = 0;
  double wait_front = 0;
  double pop_front = 0;
};

class ComputeCosts {
 public:
  // Throws ProfileError naming the file and key if a fidelity is missing from a table.
  explicit ComputeCosts(const DeviceProfile& profile);

  double MatmulTileCycles(MathFidelity fidelity) const;        // one 32x32x32 tile matmul into DST
  double EltwiseAddTileCycles() const { return eltwise_add_; }  // add / sub of two tiles
  double EltwiseMulTileCycles(MathFidelity fidelity) const;
  std::optional<double> SfpuTileCycles(std::string_view op) const;  // "exp", "log", "relu", ...
  double UnpackTileCycles(DataFormat format) const;             // one tile from L1 to the source registers
  double PackTileCycles(DataFormat format) const;               // one tile from DST to L1
  const CbCosts& cb() const { return cb_; }
  const RiscvCosts& riscv() const { return riscv_; }
  uint32_t l1_banks() const { return l1_banks_; }
  double l1_bank_bytes_per_cycle() const { return l1_bank_bytes_per_cycle_; }

 private:
  double matmul_[4] = {};       // by FidelityPhases - 1
  double eltwise_mul_[4] = {};
  double eltwise_add_ = 0;
  NamedNumbers sfpu_;
  double unpack_bytes_per_cycle_ = 0;
  double unpack_overhead_ = 0;
  double pack_bytes_per_cycle_ = 0;
  double pack_overhead_ = 0;
  CbCosts cb_;
  RiscvCosts riscv_;
  uint32_t l1_banks_ = 16;
  double l1_bank_bytes_per_cycle_ = 16;
};

const std::vector<const ParamBase*>& ComputeCostParamList();

}  // namespace tilesim::emu::timing
